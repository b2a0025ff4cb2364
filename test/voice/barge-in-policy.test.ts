import { parseAgentConfig } from '../../services/voice/src/agents/agent-config';
import { isBackchannelOnly, isBargeIn } from '../../services/voice/src/pipeline/barge-in-policy';
import { PlaybackTracker } from '../../services/voice/src/pipeline/playback-tracker';

const policy = parseAgentConfig({ agentId: 'a' }).bargeIn;

describe('barge-in policy', () => {
  it('does not let backchannels cut the agent off', () => {
    expect(isBargeIn('okay', 2000, policy)).toBe(false);
    expect(isBargeIn('hmm ok', 2000, policy)).toBe(false);
    expect(isBackchannelOnly('Okay.', policy)).toBe(true);
  });

  it('interrupts on two real words, or sustained speech with a real word', () => {
    expect(isBargeIn('wait stop', 100, policy)).toBe(true);
    expect(isBargeIn('wait', 100, policy)).toBe(false);
    expect(isBargeIn('wait', policy.minSpeechMs, policy)).toBe(true);
  });

  it('honours a disabled policy', () => {
    expect(isBargeIn('please stop talking', 5000, { ...policy, enabled: false })).toBe(false);
  });
});

describe('PlaybackTracker', () => {
  it('keeps acknowledged sentences and the heard part of the one playing', () => {
    const t = new PlaybackTracker('c');
    const m1 = t.add('First sentence here.', 1000, 0);
    t.add('one two three four five six seven eight nine ten', 2000, 0);
    t.add('Never played.', 1000, 0);
    expect(t.isPlaying).toBe(true);
    expect(t.acknowledge(m1, 1000)).toBe(true);
    // second sentence played for 1000 of 2000 ms → half its words
    const { heardText, interrupted } = t.finish(2000);
    expect(interrupted).toBe(true);
    expect(heardText).toBe('First sentence here. one two three four five…');
    expect(t.isPlaying).toBe(false);
  });

  it('ignores unknown or repeated marks', () => {
    const t = new PlaybackTracker('c');
    const m = t.add('Hi.', 500, 0);
    expect(t.acknowledge('nope', 1)).toBe(false);
    expect(t.acknowledge(m, 1)).toBe(true);
    expect(t.acknowledge(m, 2)).toBe(false);
    expect(t.finish()).toEqual({ heardText: 'Hi.', interrupted: false });
  });
});

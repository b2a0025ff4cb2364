import { SimulatedCall, scenarioNames, scenarios } from '../../services/exotel-sim/src';
import { startFakeVoiceServer } from './support/fake-voice-server';

describe('named scenarios', () => {
  it('each runs to completion against a well-behaved service, with the turns it is meant to have', async () => {
    const server = await startFakeVoiceServer({ greetingMs: 600, replyMs: 1400 });
    try {
      const results = await Promise.all(
        scenarioNames.map((name) =>
          new SimulatedCall({ url: `${server.url}/ws/exotel/voice/CA-${name}`, callSid: `CA-${name}`, script: scenarios[name] }).run(),
        ),
      );
      const byName = Object.fromEntries(results.map((r) => [r.scenario, r]));
      for (const r of results) {
        expect({ scenario: r.scenario, completed: r.completed, failure: r.failureReason }).toEqual({
          scenario: r.scenario,
          completed: true,
          failure: null,
        });
        expect(r.protocolViolations).toEqual([]);
        expect(r.greetingLatencyMs).not.toBeNull();
      }
      expect(byName.conversation?.turns.map((t) => t.latencyMs !== null)).toEqual([true, true, true, true]);
      expect(byName.silent?.turns).toEqual([]);
      expect(byName.silent?.framesSent).toBeGreaterThan(50); // comfort noise all along
      expect(byName.dtmf?.dtmfSent).toBe(4);
      expect(byName['barge-in']?.turns.some((t) => t.kind === 'barge-in' && typeof t.clearAfterMs === 'number')).toBe(true);
      expect(byName.backchannel?.turns).toHaveLength(2); // the "ok" is not a turn
      expect(byName.mixed?.turns.map((t) => t.kind)).toEqual(['answer', 'answer', 'answer', 'barge-in', 'answer']);
    } finally {
      await server.stop();
    }
  });
});

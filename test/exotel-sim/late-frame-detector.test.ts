import { LateFrameDetector } from '../../services/exotel-sim/src/playout/late-frame-detector';

describe('late frame detection', () => {
  it('counts agent audio that arrives after the buffer ran dry mid-utterance, with the gap', () => {
    const d = new LateFrameDetector();
    expect(d.agentAudio(0, true, -Infinity)).toBe(0); // utterance starts
    expect(d.agentAudio(100, false, 200)).toBe(0); // still buffered
    expect(d.agentAudio(350, true, 300)).toBe(50); // ran dry at 300, audio at 350
    expect(d.stats).toEqual({ count: 1, totalGapMs: 50, maxGapMs: 50 });
  });

  it('treats audio after a returned mark and more than 300 ms of quiet as a new utterance', () => {
    const d = new LateFrameDetector();
    d.agentAudio(0, true, -Infinity);
    d.markReturned(1000);
    expect(d.agentAudio(1400, true, 1000)).toBe(0);
    expect(d.stats.count).toBe(0);
  });

  it('still counts a short gap after a mark as a stall (sentence boundary without enough audio)', () => {
    const d = new LateFrameDetector();
    d.agentAudio(0, true, -Infinity);
    d.markReturned(1000);
    expect(d.agentAudio(1200, true, 1000)).toBe(200);
  });

  it('starts a new utterance after a clear or after the caller spoke', () => {
    const d = new LateFrameDetector();
    d.agentAudio(0, true, -Infinity);
    d.cleared();
    expect(d.agentAudio(500, true, 400)).toBe(0);
    d.callerSpoke(1100);
    expect(d.agentAudio(1500, true, 1000)).toBe(0);
    expect(d.stats.count).toBe(0);
  });
});

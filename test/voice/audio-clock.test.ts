import { AUDIO_CLOCK_FRAMES, AudioClock } from '../../services/voice/src/pipeline/audio-clock';

// 8 kHz 16-bit PCM: 16,000 bytes per second, 1,600 per 100 ms frame.
const FRAME = 1600;

describe('AudioClock', () => {
  it('maps audio seconds to the arrival time of the frame that held them, interpolating inside it', () => {
    const clock = new AudioClock();
    // Frames arrive late and unevenly: 1000, 1150, 1200 ms.
    clock.record(FRAME, 1000);
    clock.record(FRAME, 1150);
    clock.record(FRAME, 1200);
    expect(clock.wallTimeOf(0)).toBe(1000);
    expect(clock.wallTimeOf(0.05)).toBe(1050); // half-way through the first frame
    expect(clock.wallTimeOf(0.1)).toBe(1150);
    expect(clock.wallTimeOf(0.25)).toBe(1250);
    expect(clock.wallTimeOf(0.3)).toBe(1300); // the end of the audio so far
    expect(clock.wallTimeOf(0.31)).toBeUndefined(); // audio not received yet
  });

  it('forgets frames older than its window and starts again at zero after reset', () => {
    const clock = new AudioClock(16_000, 4);
    for (let i = 0; i < 6; i++) clock.record(FRAME, 1000 + i * 100);
    expect(clock.wallTimeOf(0.15)).toBeUndefined(); // frame 1 has left the ring
    expect(clock.wallTimeOf(0.2)).toBe(1200);
    expect(clock.wallTimeOf(0.55)).toBe(1550);
    clock.reset();
    expect(clock.wallTimeOf(0)).toBeUndefined();
    clock.record(FRAME, 5000);
    expect(clock.wallTimeOf(0.05)).toBe(5050);
  });

  it('keeps about 25 s of 100 ms frames by default', () => {
    const clock = new AudioClock();
    const frames = 300;
    for (let i = 0; i < frames; i++) clock.record(FRAME, i * 100);
    const oldestKept = (frames - AUDIO_CLOCK_FRAMES) * 0.1;
    expect(clock.wallTimeOf(oldestKept)).toBeCloseTo(oldestKept * 1000, 6);
    expect(clock.wallTimeOf(oldestKept - 0.05)).toBeUndefined();
    expect(AUDIO_CLOCK_FRAMES * 0.1).toBeGreaterThanOrEqual(25);
  });
});

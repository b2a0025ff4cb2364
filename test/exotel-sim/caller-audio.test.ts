import { callerAudio, rmsDbfs, synthesizeComfortNoise, synthesizeSpeech } from '../../services/exotel-sim/src/audio/caller-audio';
import { FRAME_BYTES } from '../../services/exotel-sim/src/audio/pcm-format';

describe('caller audio', () => {
  it('makes speech at roughly -20 dBFS that stays loud in every 20 ms window, so an energy VAD hears one utterance', () => {
    const speech = synthesizeSpeech(2);
    expect(rmsDbfs(speech)).toBeGreaterThan(-23);
    expect(rmsDbfs(speech)).toBeLessThan(-17);
    for (let offset = 0; offset + 320 <= speech.length; offset += 320) {
      expect(rmsDbfs(speech.subarray(offset, offset + 320))).toBeGreaterThan(-35);
    }
  });

  it('makes comfort noise far below speech but not digital silence', () => {
    const noise = synthesizeComfortNoise(1);
    expect(rmsDbfs(noise)).toBeLessThan(-60);
    expect(rmsDbfs(noise)).toBeGreaterThan(-Infinity);
  });

  it('precomputes 100 ms frames of 1600 bytes, once per process', () => {
    const audio = callerAudio();
    expect(audio).toBe(callerAudio());
    expect(audio.speech.length).toBeGreaterThan(5);
    for (const frame of [...audio.speech, ...audio.silence]) {
      expect(Buffer.from(frame, 'base64').length).toBe(FRAME_BYTES);
    }
    expect(FRAME_BYTES).toBe(1600);
  });
});

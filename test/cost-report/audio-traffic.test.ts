import {
  base64Length,
  callMinuteTraffic,
  exotelInboundEnvelopeBytes,
  exotelOutboundEnvelopeBytes,
  webSocketHeaderBytes,
} from '../../services/cost-report/src/audio-traffic';
import { DEFAULT_CALL_ASSUMPTIONS } from '../../services/cost-report/src/call-assumptions';

describe('audio bytes per call-minute, derived from the codec', () => {
  const a = DEFAULT_CALL_ASSUMPTIONS;
  const t = callMinuteTraffic(a);

  it('sends 8 kHz 16-bit PCM to Deepgram: 960,000 bytes a minute plus one frame header per 100 ms', () => {
    const pcm = 8000 * 2 * 60; // 960,000 B
    const frames = 600; // one per 100 ms
    // Binary frame of 1,600 B from a client: 2 + 2 (16-bit length) + 4 (mask); 22 B TLS record each.
    expect(t.deepgramUpBytes).toBe(pcm + frames * (8 + 22));
  });

  it('frames Exotel audio as base64 inside JSON: a third more than the PCM, plus the envelope', () => {
    expect(base64Length(1600)).toBe(2136);
    const perFrameText = exotelInboundEnvelopeBytes() + 2136;
    expect(t.exotelInboundBytes).toBe(600 * (perFrameText + webSocketHeaderBytes(perFrameText, true) + 22));
    // base64 alone is 4/3 of the PCM; the whole frame is ~45 % over it.
    expect(t.exotelInboundBytes / 960_000).toBeGreaterThan(4 / 3);
    expect(t.exotelInboundBytes / 960_000).toBeLessThan(1.5);
  });

  it('counts agent audio only while the agent speaks, in AudioChunker-sized chunks', () => {
    const chunks = (960_000 * a.agentTalkShare) / 3200; // 135 chunks of 200 ms
    const text = exotelOutboundEnvelopeBytes() + base64Length(3200);
    expect(t.exotelOutboundBytes).toBeCloseTo(chunks * (text + 4 + 22), 6);
  });

  it('bills NAT for both directions and internet egress for outbound only', () => {
    expect(t.natProcessedBytes).toBeCloseTo(t.deepgramUpBytes + t.deepgramDownBytes + t.ttsUpBytes + t.ttsDownBytes + t.llmUpBytes + t.llmDownBytes, 6);
    expect(t.internetOutBytes).toBeCloseTo(t.exotelOutboundBytes + t.deepgramUpBytes + t.ttsUpBytes + t.llmUpBytes, 6);
    expect(t.internetOutBytes).toBeLessThan(t.exotelInboundBytes + t.exotelOutboundBytes + t.natProcessedBytes);
  });

  it('doubles the audio bytes at 16 kHz', () => {
    const wide = callMinuteTraffic({ ...a, sampleRateHz: 16000 });
    expect(wide.deepgramUpBytes / t.deepgramUpBytes).toBeGreaterThan(1.95);
    expect(wide.deepgramUpBytes / t.deepgramUpBytes).toBeLessThan(2.01);
  });

  it('uses RFC 6455 header sizes', () => {
    expect(webSocketHeaderBytes(100, false)).toBe(2);
    expect(webSocketHeaderBytes(2136, true)).toBe(8);
    expect(webSocketHeaderBytes(70_000, false)).toBe(10);
  });
});

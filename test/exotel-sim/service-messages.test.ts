import { inspectServiceMessage } from '../../services/exotel-sim/src/protocol/service-messages';

const SID = 'ST1';
const media = (bytes: number, extra: Record<string, unknown> = { stream_sid: SID }) =>
  JSON.stringify({ event: 'media', ...extra, media: { payload: Buffer.alloc(bytes).toString('base64') } });
const kinds = (text: string) => inspectServiceMessage(text, SID).violations.map((v) => v.kind);

describe('validation of what the service sends', () => {
  it('accepts valid media, mark and clear', () => {
    const m = inspectServiceMessage(media(3200), SID);
    expect(m).toEqual({ message: { event: 'media', payloadBytes: 3200, payloadBase64: expect.any(String) }, violations: [] });
    expect(kinds(media(6400))).toEqual([]);
    expect(inspectServiceMessage(JSON.stringify({ event: 'mark', stream_sid: SID, mark: { name: 'a' } }), SID).message).toEqual({ event: 'mark', name: 'a' });
    expect(inspectServiceMessage(JSON.stringify({ event: 'clear', stream_sid: SID }), SID).message).toEqual({ event: 'clear' });
  });

  it('flags chunks that are short, not a multiple of 320 bytes, or over 100 kB', () => {
    expect(kinds(media(1600))).toEqual(['chunk-too-short']);
    expect(kinds(media(3300))).toEqual(['chunk-not-multiple-of-320']);
    expect(kinds(media(100_160))).toEqual(['chunk-too-long']);
    expect(kinds(media(100))).toEqual(['chunk-not-multiple-of-320', 'chunk-too-short']);
  });

  it('flags camelCase streamSid, a missing or wrong stream_sid, bad JSON and unknown events', () => {
    expect(kinds(media(3200, { streamSid: SID }))).toEqual(['camel-case-stream-sid']);
    expect(kinds(media(3200, {}))).toEqual(['missing-stream-sid']);
    expect(kinds(media(3200, { stream_sid: 'other' }))).toEqual(['wrong-stream-sid']);
    expect(kinds('{"event":"media",')).toEqual(['invalid-json']);
    expect(kinds(JSON.stringify({ event: 'play', stream_sid: SID }))).toEqual(['unknown-event']);
    expect(kinds(JSON.stringify({ event: 'mark', stream_sid: SID }))).toEqual(['malformed-event']);
    expect(kinds('[1,2]')).toEqual(['malformed-event']);
  });
});

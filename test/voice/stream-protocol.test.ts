import { clearFrame, markFrame, mediaFrameEncoder, parseBySchema, parseInbound } from '../../services/voice/src/exotel/stream-protocol';

const pcm = Buffer.alloc(3200, 1);

describe('Exotel stream protocol', () => {
  it('parses a start event, accepting string sample rates', () => {
    const r = parseInbound(
      JSON.stringify({
        event: 'start',
        sequence_number: '1',
        stream_sid: 'S1',
        start: { stream_sid: 'S1', call_sid: 'CA1', from: '+911', to: '+912', media_format: { encoding: 'raw/slin', sample_rate: '8000', bit_rate: '128kbps' } },
      }),
    );
    expect(r.ok).toBe(true);
    if (r.ok && r.event.event === 'start') {
      expect(r.event.start.call_sid).toBe('CA1');
      expect(r.event.start.media_format?.sample_rate).toBe(8000);
    }
  });

  it('decodes media payloads to PCM', () => {
    const r = parseInbound(JSON.stringify({ event: 'media', media: { chunk: 1, timestamp: '100', payload: pcm.toString('base64') } }));
    expect(r).toEqual({ ok: true, event: { event: 'media', audio: pcm, timestamp: 100 } });
  });

  it.each([
    ['not json', '{event', 'malformed-json'],
    ['an array', '[1,2]', 'invalid-event'],
    ['an unknown event', '{"event":"ringing"}', 'unknown-event'],
    ['media without payload', '{"event":"media","media":{}}', 'invalid-event'],
    ['base64 that is not base64', '{"event":"media","media":{"payload":"@@@@"}}', 'bad-audio'],
    ['an odd PCM byte length', `{"event":"media","media":{"payload":"${Buffer.alloc(3).toString('base64')}"}}`, 'bad-audio'],
    ['a dtmf that is not a key', '{"event":"dtmf","dtmf":{"digit":"x"}}', 'invalid-event'],
    ['a mark without a name', '{"event":"mark","mark":{}}', 'invalid-event'],
    ['a start without call_sid', '{"event":"start","start":{"stream_sid":"S"}}', 'invalid-event'],
  ])('rejects %s', (_name, text, error) => {
    const r = parseInbound(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(error);
  });

  // Marks skip zod when they are plainly well-formed: the result must be what the schema gives,
  // for accepted and rejected frames alike (anything unusual falls through to the schema).
  it.each([
    ['the echo Exotel sends', { event: 'mark', sequence_number: 7, stream_sid: 'S1', mark: { name: 'seg-3' } }],
    ['no sequence number or stream', { event: 'mark', mark: { name: 'm' } }],
    ['extra fields, which are dropped', { event: 'mark', stream_sid: 'S1', extra: 1, mark: { name: 'm', other: true } }],
    ['a digit-string sequence number', { event: 'mark', sequence_number: '12', mark: { name: 'm' } }],
    ['a 128-character name', { event: 'mark', mark: { name: 'n'.repeat(128) } }],
    ['a 129-character name', { event: 'mark', mark: { name: 'n'.repeat(129) } }],
    ['an empty name', { event: 'mark', mark: { name: '' } }],
    ['a numeric name', { event: 'mark', mark: { name: 5 } }],
    ['a null mark', { event: 'mark', mark: null }],
    ['an array for mark', { event: 'mark', mark: ['m'] }],
    ['a numeric stream_sid', { event: 'mark', stream_sid: 5, mark: { name: 'm' } }],
    ['a 129-character stream_sid', { event: 'mark', stream_sid: 's'.repeat(129), mark: { name: 'm' } }],
    ['a null sequence number', { event: 'mark', sequence_number: null, mark: { name: 'm' } }],
    ['a non-numeric sequence number', { event: 'mark', sequence_number: 'x', mark: { name: 'm' } }],
  ])('reads a mark with %s exactly as the schema does', (_name, frame) => {
    const viaFastPath = parseInbound(JSON.stringify(frame));
    expect(viaFastPath).toStrictEqual(parseBySchema('mark', JSON.parse(JSON.stringify(frame)) as Record<string, unknown>));
  });

  it('builds outbound frames with snake_case stream_sid', () => {
    const encode = mediaFrameEncoder('S1');
    const bytes = encode(pcm);
    expect(encode(pcm).equals(bytes)).toBe(true); // the encoder keeps no state between frames
    const media = JSON.parse(bytes.toString('utf8'));
    expect(media).toEqual({ event: 'media', stream_sid: 'S1', media: { payload: pcm.toString('base64') } });
    expect(JSON.parse(markFrame('S1', 'm-1'))).toEqual({ event: 'mark', stream_sid: 'S1', mark: { name: 'm-1' } });
    expect(JSON.parse(clearFrame('S1'))).toEqual({ event: 'clear', stream_sid: 'S1' });
    expect(bytes.toString('utf8')).not.toContain('streamSid');
    // A stream SID that needs escaping (and multi-byte text) still makes valid JSON of the right length.
    const odd = mediaFrameEncoder('S"ü')(pcm);
    expect(JSON.parse(odd.toString('utf8'))).toMatchObject({ stream_sid: 'S"ü' });
    expect(odd.toString('utf8').endsWith(`${pcm.toString('base64')}"}}`)).toBe(true);
  });
});

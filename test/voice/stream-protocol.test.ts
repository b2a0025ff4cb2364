import { clearFrame, markFrame, mediaFrameEncoder, parseInbound } from '../../services/voice/src/exotel/stream-protocol';

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

  it('parses a mark to its name, sequence number and stream, and nothing else', () => {
    expect(parseInbound('{"event":"mark","sequence_number":"12","stream_sid":"S1","mark":{"name":"m-3","extra":1},"x":2}')).toEqual({
      ok: true,
      event: { event: 'mark', sequence_number: 12, stream_sid: 'S1', mark: { name: 'm-3' } },
    });
    expect(parseInbound('{"event":"mark","mark":{"name":"m-4"}}')).toEqual({ ok: true, event: { event: 'mark', mark: { name: 'm-4' } } });
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
    ['a mark that is not an object', '{"event":"mark","mark":"m-1"}', 'invalid-event'],
    ['a mark with an empty name', '{"event":"mark","mark":{"name":""}}', 'invalid-event'],
    ['a mark with a name too long', `{"event":"mark","mark":{"name":"${'m'.repeat(129)}"}}`, 'invalid-event'],
    ['a mark with a stream_sid that is not a string', '{"event":"mark","stream_sid":7,"mark":{"name":"m-1"}}', 'invalid-event'],
    ['a mark with a sequence_number that is not a number', '{"event":"mark","sequence_number":"7a","mark":{"name":"m-1"}}', 'invalid-event'],
    ['a start without call_sid', '{"event":"start","start":{"stream_sid":"S"}}', 'invalid-event'],
  ])('rejects %s', (_name, text, error) => {
    const r = parseInbound(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(error);
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

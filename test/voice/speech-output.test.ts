import { PassThrough } from 'node:stream';
import type { AgentConfig } from '../../services/voice/src/agents/agent-config';
import { Utterance } from '../../services/voice/src/pipeline/speech-output';
import { PlaybackTracker } from '../../services/voice/src/pipeline/playback-tracker';
import type { AudioReceiver, SpeechSynthesizer, SynthesisRequest } from '../../services/voice/src/pipeline/speech-synthesizer';
import { streamBody } from '../../services/voice/src/providers/http/stream-body';

const voice: AgentConfig['voice'] = { provider: 'elevenlabs', voiceId: 'v', model: 'm' } as AgentConfig['voice'];
const FRAME = 3200;

/** A synthesizer driven by the test: each request waits until the test pushes its audio and ends it. */
class ScriptedSynth implements SpeechSynthesizer {
  readonly requests: Array<{ req: SynthesisRequest; push: AudioReceiver; end(err?: Error): void; signal: AbortSignal }> = [];
  synthesize(req: SynthesisRequest, signal: AbortSignal, onAudio: AudioReceiver): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.requests.push({ req, push: onAudio, end: (err) => (err ? reject(err) : resolve()), signal });
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
    });
  }
}

function harness(lookahead = 1) {
  const synth = new ScriptedSynth();
  const sent: string[] = [];
  const errors: string[] = [];
  const abort = new AbortController();
  const u = new Utterance(
    synth,
    voice,
    { sendAudio: (f) => sent.push(`audio:${f[0]}:${f.length}`), sendMark: (name) => sent.push(`mark:${name}`) },
    new PlaybackTracker('t'),
    abort.signal,
    (err, text) => errors.push(`${text}: ${err.message}`),
    false,
    undefined,
    'deadline',
    lookahead,
  );
  return { synth, sent, errors, abort, u };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Utterance (sentences in, frames and marks out)', () => {
  it('sends each sentence in order even when a later one is synthesised first', async () => {
    const { synth, sent, u } = harness();
    u.addSentence('One.');
    u.addSentence('Two.');
    u.addSentence('Three.');
    u.end();
    expect(synth.requests.map((r) => r.req.text)).toEqual(['One.', 'Two.']); // one sentence of lookahead
    const [one, two] = synth.requests;
    two!.push(Buffer.alloc(FRAME, 2)); // the lookahead's audio arrives first: it waits
    two!.end();
    await tick();
    expect(sent).toEqual([]);
    one!.push(Buffer.alloc(FRAME / 2, 1));
    expect(sent).toEqual([]); // not yet a full frame
    one!.push(Buffer.alloc(FRAME / 2, 1));
    expect(sent).toEqual([`audio:1:${FRAME}`]); // sent as it arrives, no await in between
    one!.end();
    await tick();
    // One ends → its mark, then Two's waiting audio and mark; Three is requested.
    expect(sent).toEqual([`audio:1:${FRAME}`, 'mark:t-1', `audio:2:${FRAME}`, 'mark:t-2']);
    expect(synth.requests.map((r) => r.req.text)).toEqual(['One.', 'Two.', 'Three.']);
    synth.requests[2]!.push(Buffer.alloc(1000, 3)); // a short tail is padded to a valid frame
    synth.requests[2]!.end();
    await u.drained;
    expect(sent.slice(4)).toEqual([`audio:3:${FRAME}`, 'mark:t-3']);
    expect(u.sentencesSpoken).toBe(3);
    expect(u.audioMsSent).toBeCloseTo(200 + 200 + 62.5);
    expect(u.timings.firstFrameSentAtMs).toBeDefined();
  });

  it('reports a failed sentence and goes on with the next', async () => {
    const { synth, sent, errors, u } = harness();
    u.addSentence('Broken.');
    u.addSentence('Fine.');
    u.end();
    synth.requests[1]!.push(Buffer.alloc(FRAME, 5));
    synth.requests[1]!.end();
    synth.requests[0]!.end(new Error('provider down'));
    await u.drained;
    expect(errors).toEqual(['Broken.: provider down']);
    expect(sent).toEqual([`audio:5:${FRAME}`, 'mark:t-1']);
    expect(u.sentencesSpoken).toBe(1);
  });

  it('stops at once when the turn is aborted: no more frames or marks, requests cancelled, drained', async () => {
    const { synth, sent, errors, abort, u } = harness();
    u.addSentence('Long sentence.');
    u.addSentence('Never heard.');
    synth.requests[0]!.push(Buffer.alloc(FRAME, 1));
    abort.abort();
    await u.drained;
    synth.requests[0]!.push(Buffer.alloc(FRAME, 1)); // a chunk already on its way
    await tick();
    expect(sent).toEqual([`audio:1:${FRAME}`]);
    expect(errors).toEqual([]); // an abort is not a failure
    expect(synth.requests.every((r) => r.signal.aborted)).toBe(true);
    u.addSentence('Too late.');
    expect(synth.requests).toHaveLength(2);
  });

  it('drains at once when ended with nothing to say', async () => {
    const { u, sent } = harness();
    u.end();
    await u.drained;
    expect(sent).toEqual([]);
  });
});

describe('streamBody (response body → audio receiver)', () => {
  it('pushes a Node stream chunk by chunk and resolves at its end', async () => {
    const body = new PassThrough();
    const got: number[] = [];
    const done = streamBody(body, (c) => got.push(c.length));
    body.write(Buffer.alloc(10));
    body.write(Buffer.alloc(0));
    body.end(Buffer.alloc(20));
    await done;
    expect(got).toEqual([10, 20]);
    expect(body.listenerCount('data')).toBe(0);
  });

  it('rejects with the body error, and when the body is destroyed before its end', async () => {
    const failing = new PassThrough();
    const p1 = streamBody(failing, () => undefined);
    failing.destroy(new Error('socket reset'));
    await expect(p1).rejects.toThrow('socket reset');
    const cut = new PassThrough();
    const p2 = streamBody(cut, () => undefined);
    cut.write(Buffer.alloc(4));
    cut.destroy();
    await expect(p2).rejects.toThrow(/premature close/i);
  });

  it('ends the body with the error of a receiver that throws', async () => {
    const body = new PassThrough();
    const p = streamBody(body, () => {
      throw new Error('sink failed');
    });
    body.write(Buffer.alloc(4));
    await expect(p).rejects.toThrow('sink failed');
    expect(body.destroyed).toBe(true);
  });

  it('reads a web ReadableStream too', async () => {
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([1, 2]));
        c.enqueue(new Uint8Array([3]));
        c.close();
      },
    });
    const got: number[] = [];
    await streamBody(web, (c) => got.push(...c));
    expect(got).toEqual([1, 2, 3]);
  });
});

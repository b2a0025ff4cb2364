import { DeepgramClient } from '@deepgram/sdk';
import { startEmulators, type RunningEmulators } from '../../services/emulators/src';
import { type DgMessage, FAST, TELEPHONY, sleep, transcriptOf, utteranceFrames, waitFor } from './support';

type ListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;

interface Collected {
  socket: ListenSocket;
  messages: DgMessage[];
  closes: Array<{ code: number; reason: string }>;
  errors: Error[];
}

async function openListen(emu: RunningEmulators, extra: Record<string, string | number | undefined> = {}): Promise<Collected> {
  const dg = new DeepgramClient({ apiKey: 'test-key', baseUrl: emu.url });
  const socket = await dg.listen.v1.connect({
    model: 'nova-3',
    encoding: 'linear16',
    sample_rate: 8000,
    channels: 1,
    interim_results: 'true',
    endpointing: 300,
    utterance_end_ms: 1000,
    vad_events: 'true',
    punctuate: 'true',
    ...extra,
    // The service owns reconnects: the SDK default (30 tries) would hide a dead stream for minutes.
    reconnectAttempts: 0,
  });
  const collected: Collected = { socket, messages: [], closes: [], errors: [] };
  socket.on('message', (m) => collected.messages.push(m as DgMessage));
  socket.on('close', (e) => collected.closes.push({ code: e.code, reason: e.reason }));
  socket.on('error', (e) => collected.errors.push(e));
  socket.connect();
  await socket.waitForOpen();
  return collected;
}

async function sendFrames(socket: ListenSocket, frames: Buffer[]): Promise<void> {
  for (const frame of frames) {
    socket.sendMedia(frame);
    // Faster than real time: the emulator measures silence in the audio, not on the clock.
    await sleep(2);
  }
}

const ofType = (messages: DgMessage[], type: string): DgMessage[] => messages.filter((m) => m.type === type);

describe('Deepgram live STT emulator with @deepgram/sdk v5', () => {
  let emu: RunningEmulators;
  beforeAll(async () => {
    emu = await startEmulators(FAST);
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  it('turns 1 s of speech then silence into SpeechStarted, growing interims, a speech_final with the script line, and UtteranceEnd', async () => {
    emu.setTranscriptScript('call-1', ['I want to check my order status.', 'Thanks.']);
    const c = await openListen(emu, { tag: 'call-1' });
    await sendFrames(c.socket, utteranceFrames(TELEPHONY, 1000, 1500));
    await waitFor(() => ofType(c.messages, 'UtteranceEnd').length === 1, 5000, 'UtteranceEnd');

    const types = c.messages.map((m) => m.type);
    expect(types[0]).toBe('SpeechStarted');
    const interims = c.messages.filter((m) => m.type === 'Results' && m.is_final === false);
    expect(interims.length).toBeGreaterThanOrEqual(3);
    const wordCounts = interims.map((m) => transcriptOf(m).split(' ').length);
    expect([...wordCounts].sort((a, b) => a - b)).toEqual(wordCounts);
    expect(wordCounts[wordCounts.length - 1]).toBeGreaterThan(wordCounts[0] ?? 0);

    const finals = c.messages.filter((m) => m.type === 'Results' && m.is_final === true);
    expect(finals).toHaveLength(1);
    const final = finals[0] as DgMessage;
    expect(final.speech_final).toBe(true);
    expect(transcriptOf(final)).toBe('I want to check my order status.');
    // Word timings are audio seconds since stream start and lie within the speech.
    const words = final.channel?.alternatives?.[0]?.words ?? [];
    expect(words[0]?.start).toBeCloseTo(0, 1);
    expect(words[words.length - 1]?.end).toBeCloseTo(1.0, 1);
    expect(types.indexOf('UtteranceEnd')).toBeGreaterThan(c.messages.indexOf(final));
    expect(ofType(c.messages, 'UtteranceEnd')[0]?.last_word_end).toBeCloseTo(1.0, 1);

    c.socket.sendCloseStream({ type: 'CloseStream' });
    await waitFor(() => c.closes.length === 1, 5000, 'close');
    expect(c.closes[0]?.code).toBe(1000);
    expect(c.messages[c.messages.length - 1]?.type).toBe('Metadata');
  });

  it('gives a short utterance a backchannel and the next long one the next default script line', async () => {
    emu.config.deepgramStt.defaultScript = ['First line of the default script.'];
    const c = await openListen(emu, { utterance_end_ms: undefined, interim_results: 'false', vad_events: 'false' });
    await sendFrames(c.socket, [...utteranceFrames(TELEPHONY, 300, 500), ...utteranceFrames(TELEPHONY, 900, 500)]);
    await waitFor(() => c.messages.filter((m) => m.is_final === true).length === 2, 5000, 'two finals');
    expect(c.messages.map(transcriptOf)).toEqual(['okay', 'First line of the default script.']);
    c.socket.close();
  });

  it('flushes on Finalize with from_finalize and reads µ-law audio', async () => {
    const c = await openListen(emu, { encoding: 'mulaw', endpointing: 'false', utterance_end_ms: undefined, interim_results: 'false' });
    const mulawFormat = { encoding: 'mulaw' as const, sampleRateHz: 8000, channels: 1 };
    await sendFrames(c.socket, utteranceFrames(mulawFormat, 1000, 300));
    await sleep(50);
    expect(c.messages.filter((m) => m.type === 'Results')).toHaveLength(0);
    c.socket.sendFinalize({ type: 'Finalize' });
    await waitFor(() => c.messages.some((m) => m.type === 'Results'), 5000, 'finalize result');
    const final = c.messages.find((m) => m.type === 'Results') as DgMessage;
    expect(final.is_final).toBe(true);
    expect(final.from_finalize).toBe(true);
    expect(transcriptOf(final).length).toBeGreaterThan(0);
    c.socket.close();
  });

  it('closes 1008 DATA-0000 on an odd-length linear16 frame', async () => {
    const c = await openListen(emu);
    c.socket.sendMedia(Buffer.alloc(321));
    await waitFor(() => c.closes.length === 1, 5000, 'close');
    expect(c.closes[0]).toEqual({ code: 1008, reason: expect.stringContaining('DATA-0000') });
  });

  it('closes 1011 NET-0001 when the client sends nothing for the idle timeout, and KeepAlive prevents it', async () => {
    emu.config.deepgramStt.idleTimeoutMs = 150;
    const kept = await openListen(emu);
    const idle = await openListen(emu);
    for (let i = 0; i < 5; i += 1) {
      kept.socket.sendKeepAlive({ type: 'KeepAlive' });
      await sleep(60);
    }
    await waitFor(() => idle.closes.length === 1, 5000, 'idle close');
    expect(idle.closes[0]).toEqual({ code: 1011, reason: expect.stringContaining('NET-0001') });
    expect(kept.closes).toHaveLength(0);
    kept.socket.close();
    emu.config.deepgramStt.idleTimeoutMs = 10_000;
  });
});

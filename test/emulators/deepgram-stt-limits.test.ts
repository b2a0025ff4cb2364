import { DeepgramClient } from '@deepgram/sdk';
import { startEmulators, type RunningEmulators } from '../../services/emulators/src';
import { FAST, waitFor } from './support';

type ListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;

/**
 * waitForOpen() rejects with the ws ErrorEvent (not an Error) whose message carries the HTTP
 * status; it never settles when called after the failure already happened.
 */
async function openOutcome(socket: ListenSocket): Promise<string> {
  try {
    await socket.waitForOpen();
    return 'open';
  } catch (event: unknown) {
    return typeof event === 'object' && event !== null && 'message' in event ? String(event.message) : String(event);
  }
}

describe('Deepgram STT emulator: concurrency limit, faults and what @deepgram/sdk v5 does with them', () => {
  let emu: RunningEmulators;
  let dg: DeepgramClient;
  const sockets: ListenSocket[] = [];

  async function connect(reconnectAttempts?: number): Promise<{ socket: ListenSocket; closes: number[]; messages: unknown[]; opens: number }> {
    const socket = await dg.listen.v1.connect({ model: 'nova-3', encoding: 'linear16', sample_rate: 8000, ...(reconnectAttempts === undefined ? {} : { reconnectAttempts }) });
    sockets.push(socket);
    const state = { socket, closes: [] as number[], messages: [] as unknown[], opens: 0 };
    socket.on('close', (e) => state.closes.push(e.code));
    socket.on('message', (m) => state.messages.push(m));
    socket.on('open', () => {
      state.opens += 1;
    });
    socket.on('error', () => undefined);
    socket.connect();
    return state;
  }

  beforeAll(async () => {
    emu = await startEmulators({ ...FAST, deepgramStt: { limit: 2, endpointingProcessingMs: 5 } });
    dg = new DeepgramClient({ apiKey: 'test-key', baseUrl: emu.url });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await waitFor(() => emu.stats().deepgramStt.open === 0, 5000, 'sockets released');
    emu.reset();
  });
  afterAll(() => emu.close());

  it('refuses the third connection over a limit of 2 with HTTP 429, which the SDK surfaces as a rejected waitForOpen', async () => {
    const a = await connect(0);
    const b = await connect(0);
    await a.socket.waitForOpen();
    await b.socket.waitForOpen();
    const c = await connect(0);
    expect(await openOutcome(c.socket)).toBe('Unexpected server response: 429');
    const stats = emu.stats().deepgramStt;
    expect(stats).toMatchObject({ open: 2, maxConcurrent: 2, totalRequests: 3, rejected429: 1 });

    a.socket.close();
    await waitFor(() => emu.stats().deepgramStt.open === 1, 5000, 'slot released');
    const d = await connect(0);
    await d.socket.waitForOpen();
    expect(emu.stats().deepgramStt.open).toBe(2);
  });

  it('rejects a wrong key with 401 when an apiKey is configured', async () => {
    emu.config.apiKey = 'the-right-key';
    try {
      const c = await connect(0);
      expect(await openOutcome(c.socket)).toBe('Unexpected server response: 401');
      expect(emu.stats().deepgramStt.rejectedAuth).toBe(1);
    } finally {
      emu.config.apiKey = '';
    }
  });

  it('injects 429 and 5xx on the upgrade for the next N connections only', async () => {
    emu.setFault('deepgramStt', { kind: '5xx', status: 503, count: 1 });
    const refused = await connect(0);
    expect(await openOutcome(refused.socket)).toBe('Unexpected server response: 503');
    const accepted = await connect(0);
    await accepted.socket.waitForOpen();
    expect(emu.stats().deepgramStt).toMatchObject({ faultsInjected: 1, totalRequests: 2 });
  });

  it('reconnects by itself after an abnormal close unless reconnectAttempts is 0', async () => {
    emu.setFault('deepgramStt', { kind: 'disconnect', afterMs: 20, count: 2 });
    const sdkDefault = await connect();
    const disabled = await connect(0);
    await waitFor(() => sdkDefault.closes.length === 1 && disabled.closes.length === 1, 5000, 'disconnects');
    expect(sdkDefault.closes[0]).toBe(1006);
    expect(disabled.closes[0]).toBe(1006);
    // The SDK waits 1–5 s (drawn once per process) before its first reconnect attempt.
    await waitFor(() => sdkDefault.opens === 2, 8000, 'SDK reconnect');
    const requestsAfterReconnect = emu.stats().deepgramStt.totalRequests;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(disabled.opens).toBe(1);
    expect(emu.stats().deepgramStt.totalRequests).toBe(requestsAfterReconnect);
    expect(requestsAfterReconnect).toBe(3);
  });

  it('stalls (no messages, socket open) and sends a malformed text frame on demand', async () => {
    emu.setFault('deepgramStt', { kind: 'malformed', count: 1 });
    const malformed = await connect(0);
    await waitFor(() => malformed.messages.length === 1, 5000, 'malformed frame');
    // The SDK passes a frame it cannot parse through as the raw string.
    expect(typeof malformed.messages[0]).toBe('string');
    malformed.socket.close();
    await waitFor(() => emu.stats().deepgramStt.open === 0, 5000, 'slot released');

    emu.setFault('deepgramStt', { kind: 'stall', count: 1 });
    const stalled = await connect(0);
    await stalled.socket.waitForOpen();
    stalled.socket.sendFinalize({ type: 'Finalize' });
    const healthy = await connect(0);
    await healthy.socket.waitForOpen();
    healthy.socket.sendFinalize({ type: 'Finalize' });
    await waitFor(() => healthy.messages.length === 1, 5000, 'healthy finalize reply');
    expect(stalled.messages).toHaveLength(0);
    expect(stalled.closes).toHaveLength(0);
  });
});

import { SttSession, type SttSessionHooks } from '../../services/voice/src/pipeline/stt-session';
import type { SttConnectOptions, SttEvents, SttProvider, SttStream } from '../../services/voice/src/providers/stt/stt-provider';

/** A provider whose streams the test can drop, as a provider's network would. */
class DroppableProvider implements SttProvider {
  readonly name = 'fake-stt';
  connects = 0;
  readonly events: SttEvents[] = [];

  connect(_opts: SttConnectOptions, events: SttEvents): Promise<SttStream> {
    this.connects++;
    this.events.push(events);
    let open = true;
    return Promise.resolve({
      send: () => undefined,
      keepAlive: () => undefined,
      finalize: () => undefined,
      close: () => {
        open = false;
      },
      get isOpen() {
        return open;
      },
      finished: Promise.resolve(),
    });
  }
}

function hooks(): SttSessionHooks & { failures: Error[]; reconnects: number } {
  const h = {
    failures: [] as Error[],
    reconnects: 0,
    speechStarted: () => undefined,
    transcript: () => undefined,
    utteranceEnd: () => undefined,
    failed: (err: Error) => h.failures.push(err),
    reconnected: () => {
      h.reconnects++;
    },
  };
  return h;
}

const opts: SttConnectOptions = { model: 'nova-3', language: 'en-IN', sampleRate: 8000, endpointingMs: 300, utteranceEndMs: 1000 };

async function startedSession() {
  const provider = new DroppableProvider();
  const h = hooks();
  const session = new SttSession(provider, opts, h);
  await session.start();
  return { provider, h, session };
}

describe('STT session', () => {
  it('a socket the provider dropped mid-call is reconnected', async () => {
    const { provider, h, session } = await startedSession();
    provider.events[0]!.closed({ code: 1011, reason: 'NET-0001', unexpected: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(provider.connects).toBe(2);
    expect(h.reconnects).toBe(1);
    expect(h.failures).toEqual([]);
    session.close();
  });

  it('a close we asked for is not reconnected', async () => {
    const { provider, h, session } = await startedSession();
    provider.events[0]!.closed({ code: 1000, reason: 'aborted', unexpected: false });
    await new Promise((r) => setTimeout(r, 300)); // past the first two reconnect delays
    expect(provider.connects).toBe(1);
    expect(h.failures).toEqual([]);
    session.close();
  });
});

import { createServer, type Server } from 'node:http';
import {
  TaskProtection,
  createTaskProtectionFromEnv,
  type ProtectionLogger,
  type TaskProtectionOptions,
} from '../../services/voice/src/lifecycle/task-protection';
import { freePort } from '../support/free-port';

interface AgentRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: { ProtectionEnabled?: boolean; ExpiresInMinutes?: number };
}

type Reply = { status: number; body: unknown } | 'ok';

/** Stands in for the ECS agent's task-protection endpoint. */
class FakeEcsAgent {
  readonly requests: AgentRequest[] = [];
  /** Scripted replies for the next requests; 'ok' (echo the protection state) when empty. */
  readonly replies: Reply[] = [];
  delayMs = 0;
  private server: Server | undefined;
  uri = '';

  async start(): Promise<void> {
    const port = await freePort();
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as AgentRequest['body'];
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body });
        const reply = this.replies.shift() ?? 'ok';
        const send = () => {
          const { status, payload } =
            reply === 'ok'
              ? {
                  status: 200,
                  payload: {
                    protection: {
                      ExpirationDate: body.ProtectionEnabled ? '2026-01-15T11:00:00Z' : null,
                      ProtectionEnabled: body.ProtectionEnabled === true,
                      TaskArn: 'arn:aws:ecs:ap-south-1:123456789012:task/ca/abc',
                    },
                  },
                }
              : { status: reply.status, payload: reply.body };
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
        };
        if (this.delayMs > 0) setTimeout(send, this.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.uri = `http://127.0.0.1:${port}/api/0123456789abcdef-1234567890`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  enables(): number {
    return this.requests.filter((r) => r.body.ProtectionEnabled === true).length;
  }

  disables(): number {
    return this.requests.filter((r) => r.body.ProtectionEnabled === false).length;
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordingLogger(): ProtectionLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (_obj, msg) => warnings.push(msg), info: () => undefined };
}

describe('ECS task scale-in protection', () => {
  let agent: FakeEcsAgent;
  const opened: TaskProtection[] = [];

  const protection = (opts: Partial<TaskProtectionOptions> = {}): TaskProtection => {
    const p = new TaskProtection({ agentUri: agent.uri, disableDelayMs: 0, initialBackoffMs: 10, maxBackoffMs: 40, ...opts });
    opened.push(p);
    return p;
  };

  beforeEach(async () => {
    agent = new FakeEcsAgent();
    await agent.start();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close()));
    await agent.stop();
  });

  it('enables protection on the first call with the documented PUT body', async () => {
    const p = protection();
    p.update(1);
    await p.whenIdle();

    expect(agent.requests).toEqual([
      {
        method: 'PUT',
        path: '/api/0123456789abcdef-1234567890/task-protection/v1/state',
        contentType: 'application/json',
        body: { ProtectionEnabled: true, ExpiresInMinutes: 60 },
      },
    ]);
    expect(p.stats()).toMatchObject({ protected: true, requests: 1, failures: 0 });
    expect(p.stats().protectedUntilMs).toBeGreaterThan(Date.now() + 59 * 60_000);
  });

  it('sends nothing for further call starts and ends while calls remain', async () => {
    const p = protection();
    p.update(1);
    await p.whenIdle();
    for (const n of [2, 3, 7, 4, 1, 5]) p.update(n);
    await p.whenIdle();
    expect(agent.requests).toHaveLength(1);
  });

  it('renews before expiry while calls remain', async () => {
    const p = protection({ expiresInMinutes: 1, renewEveryMs: 60 });
    p.update(3);
    await waitFor(() => agent.requests.length >= 3, 'two renewals');
    expect(agent.requests.every((r) => r.body.ProtectionEnabled === true && r.body.ExpiresInMinutes === 1)).toBe(true);
    expect(agent.disables()).toBe(0);
  });

  it('drops protection when the last call ends', async () => {
    const p = protection();
    p.update(2);
    await p.whenIdle();
    p.update(0);
    await p.whenIdle();
    expect(agent.requests.map((r) => r.body)).toEqual([{ ProtectionEnabled: true, ExpiresInMinutes: 60 }, { ProtectionEnabled: false }]);
    expect(p.stats()).toMatchObject({ protected: false, protectedUntilMs: undefined });
  });

  it('with a disable delay, a call right after the last one costs no requests; otherwise it disables after the delay', async () => {
    const slow = protection({ disableDelayMs: 60_000 });
    slow.update(1);
    await slow.whenIdle();
    slow.update(0);
    await slow.whenIdle();
    slow.update(1);
    await slow.whenIdle();
    expect(agent.requests).toHaveLength(1);

    const quick = protection({ disableDelayMs: 30 });
    quick.update(1);
    await quick.whenIdle();
    quick.update(0);
    await waitFor(() => agent.disables() === 1, 'the delayed disable');
  });

  it('coalesces updates that arrive while a request is in flight', async () => {
    agent.delayMs = 100;
    const p = protection();
    p.update(1);
    for (const n of [0, 1, 0, 2, 0, 1]) p.update(n); // all during the first request
    await p.whenIdle();
    expect(agent.requests).toHaveLength(1); // the wish at the end (protected) is what the agent has

    p.update(0); // the disable goes out at once (no delay configured)...
    p.update(1); // ...and a call arriving meanwhile is re-checked when it returns: one more request
    await p.whenIdle();
    expect(agent.requests.map((r) => r.body.ProtectionEnabled)).toEqual([true, false, true]);
    expect(p.stats().protected).toBe(true);
  });

  it('retries server errors with backoff until the agent accepts, logging the first failure', async () => {
    agent.replies.push(
      { status: 500, body: { error: { Arn: 'arn', Code: 'ServerException', Message: 'boom' } } },
      { status: 503, body: {} },
    );
    const logger = recordingLogger();
    const p = protection({ logger });
    p.update(1);
    await waitFor(() => p.stats().protected, 'protection after retries');
    expect(agent.enables()).toBe(3);
    expect(p.stats()).toMatchObject({ requests: 3, failures: 2, consecutiveFailures: 0 });
    expect(logger.warnings).toEqual(['task protection request failed; retrying']);
  });

  it('treats a failure body as a failure even with HTTP 200, and retries', async () => {
    agent.replies.push({ status: 200, body: { failure: { Arn: 'arn', Reason: 'TASK_NOT_VALID', Detail: null } } });
    const p = protection();
    p.update(1);
    await waitFor(() => p.stats().protected, 'protection after the retry');
    expect(agent.enables()).toBe(2);
    expect(p.stats().failures).toBe(1);
  });

  it('never throws when the agent is unreachable, and keeps retrying', async () => {
    await agent.stop();
    const p = protection({ requestTimeoutMs: 500 });
    expect(() => p.update(1)).not.toThrow();
    await waitFor(() => p.stats().failures >= 2, 'two failed attempts');
    expect(p.stats().protected).toBe(false);
    await p.close();
    await agent.start(); // afterEach stops it again
  });

  it('close() stops renewals', async () => {
    const p = protection({ renewEveryMs: 40 });
    p.update(1);
    await p.whenIdle();
    await p.close();
    const before = agent.requests.length;
    await sleep(200); // five renewal periods
    expect(agent.requests.length).toBe(before);
    p.update(0); // ignored after close
    await p.whenIdle();
    expect(agent.requests.length).toBe(before);
  });
});

describe('createTaskProtectionFromEnv', () => {
  const logger = recordingLogger();

  it('does nothing outside ECS (no ECS_AGENT_URI) or when switched off', () => {
    expect(createTaskProtectionFromEnv({}, logger)).toBeUndefined();
    expect(createTaskProtectionFromEnv({ ECS_AGENT_URI: '  ' }, logger)).toBeUndefined();
    expect(createTaskProtectionFromEnv({ ECS_AGENT_URI: 'http://169.254.170.2/api/x', TASK_PROTECTION: 'off' }, logger)).toBeUndefined();
  });

  it('is on inside ECS', async () => {
    const p = createTaskProtectionFromEnv({ ECS_AGENT_URI: 'http://169.254.170.2/api/x', TASK_PROTECTION_EXPIRES_MIN: '90' }, logger);
    expect(p).toBeInstanceOf(TaskProtection);
    await p?.close();
  });

  it('rejects invalid settings by name', () => {
    expect(() => createTaskProtectionFromEnv({ ECS_AGENT_URI: 'not a url' }, logger)).toThrow(/ECS_AGENT_URI/);
    expect(() => createTaskProtectionFromEnv({ ECS_AGENT_URI: 'http://a/b', TASK_PROTECTION_EXPIRES_MIN: '5000' }, logger)).toThrow(
      /TASK_PROTECTION_EXPIRES_MIN/,
    );
  });
});

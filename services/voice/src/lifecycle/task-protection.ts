import { z } from 'zod';

/**
 * ECS task scale-in protection while the task holds calls. Fargate gives a stopping task at most
 * 120 s, far shorter than a phone call, so a task with live calls must not be picked for scale-in
 * or a deployment in the first place. The ECS agent endpoint sets it from inside the container:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html
 *
 * Requests go out only on 0 <-> non-zero transitions and for renewals, never per call.
 */

/** pino's Logger satisfies this. */
export interface ProtectionLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface TaskProtectionOptions {
  /** `$ECS_AGENT_URI`, injected by the ECS agent into every task container. */
  agentUri: string;
  /** Protection lifetime the agent is asked for (1–2880). A crashed renewal loop costs at most this. */
  expiresInMinutes?: number;
  /** Renew this often while calls remain. Default: half the lifetime. */
  renewEveryMs?: number;
  /** Wait this long at zero calls before dropping protection, so back-to-back calls cost no requests. */
  disableDelayMs?: number;
  /** First retry delay after a failed request; doubles up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
  logger?: ProtectionLogger;
  now?: () => number;
}

export interface TaskProtectionStats {
  /** What the agent last confirmed. */
  protected: boolean;
  /** When the confirmed protection lapses if not renewed (epoch ms). */
  protectedUntilMs: number | undefined;
  requests: number;
  failures: number;
  consecutiveFailures: number;
}

export const DEFAULT_EXPIRES_IN_MINUTES = 60;
const MAX_EXPIRES_IN_MINUTES = 2880;

/** The agent answers `{protection: {...}}`, or `{failure: {...}}` / `{error: {...}}`. */
const agentResponseSchema = z
  .object({
    protection: z.object({ ProtectionEnabled: z.boolean() }).passthrough().optional(),
    failure: z.object({ Reason: z.string().nullish(), Detail: z.string().nullish() }).passthrough().optional(),
    error: z.object({ Code: z.string().nullish(), Message: z.string().nullish() }).passthrough().optional(),
  })
  .passthrough();

class ProtectionRequestError extends Error {
  override readonly name = 'ProtectionRequestError';
  constructor(
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

const noopLogger: ProtectionLogger = { warn: () => undefined, info: () => undefined };

export class TaskProtection {
  private readonly url: string;
  private readonly expiresInMinutes: number;
  private readonly renewEveryMs: number;
  private readonly disableDelayMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly requestTimeoutMs: number;
  private readonly logger: ProtectionLogger;
  private readonly now: () => number;

  private activeCalls = 0;
  /** When the call count last dropped to zero (for the delayed disable). */
  private zeroSince: number | undefined;
  private confirmed = false;
  private confirmedAtMs: number | undefined;
  private protectedUntilMs: number | undefined;
  private worker: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private requests = 0;
  private failures = 0;
  private consecutiveFailures = 0;
  /** A retry is waiting for its backoff; until then, reconcile only on a changed wish. */
  private retryAtMs: number | undefined;

  constructor(opts: TaskProtectionOptions) {
    this.url = `${opts.agentUri.replace(/\/+$/, '')}/task-protection/v1/state`;
    this.expiresInMinutes = Math.min(MAX_EXPIRES_IN_MINUTES, Math.max(1, Math.round(opts.expiresInMinutes ?? DEFAULT_EXPIRES_IN_MINUTES)));
    this.renewEveryMs = opts.renewEveryMs ?? (this.expiresInMinutes * 60_000) / 2;
    this.disableDelayMs = opts.disableDelayMs ?? 10_000;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 5_000;
    this.logger = opts.logger ?? noopLogger;
    this.now = opts.now ?? Date.now;
  }

  /** Report the task's live-call count. Cheap and synchronous; never throws. */
  update(activeCalls: number): void {
    if (this.closed) return;
    const wasWanted = this.activeCalls > 0;
    this.activeCalls = Math.max(0, activeCalls);
    if (wasWanted !== this.activeCalls > 0) {
      this.zeroSince = this.activeCalls > 0 ? undefined : this.now();
      this.retryAtMs = undefined; // a new wish is worth a request now, whatever the backoff says
      this.kick();
    }
  }

  /** Resolves once no request is in flight (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** Stops timers and waits for an in-flight request. Leaves the agent's state as it is. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.whenIdle();
  }

  stats(): TaskProtectionStats {
    return {
      protected: this.confirmed,
      protectedUntilMs: this.protectedUntilMs,
      requests: this.requests,
      failures: this.failures,
      consecutiveFailures: this.consecutiveFailures,
    };
  }

  private kick(): void {
    if (this.worker || this.closed) return;
    this.clearTimer();
    this.worker = this.reconcile().finally(() => {
      this.worker = undefined;
      this.schedule();
    });
  }

  /** Sends requests until the agent's state matches the wish (or a request fails). */
  private async reconcile(): Promise<void> {
    while (!this.closed) {
      const action = this.nextAction();
      if (action === undefined) return;
      const enable = action === 'enable' || action === 'renew';
      try {
        this.requests++;
        await this.put(enable);
        this.confirmed = enable;
        this.confirmedAtMs = this.now();
        this.protectedUntilMs = enable ? this.confirmedAtMs + this.expiresInMinutes * 60_000 : undefined;
        if (this.consecutiveFailures > 0) this.logger.info({ action, after: this.consecutiveFailures }, 'task protection request recovered');
        this.consecutiveFailures = 0;
        this.retryAtMs = undefined;
        if (action !== 'renew') this.logger.info({ protected: enable, activeCalls: this.activeCalls }, 'task scale-in protection updated');
      } catch (err) {
        this.failures++;
        this.consecutiveFailures++;
        const backoffMs = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (this.consecutiveFailures - 1));
        this.retryAtMs = this.now() + backoffMs;
        // One line on the first failure, then on every tenth: a broken agent should not flood logs.
        if (this.consecutiveFailures === 1 || this.consecutiveFailures % 10 === 0) {
          this.logger.warn(
            { action, consecutiveFailures: this.consecutiveFailures, retryInMs: backoffMs, err: describeError(err) },
            'task protection request failed; retrying',
          );
        }
        return;
      }
    }
  }

  private nextAction(): 'enable' | 'renew' | 'disable' | undefined {
    const nowMs = this.now();
    if (this.retryAtMs !== undefined && nowMs < this.retryAtMs) return undefined;
    const wanted = this.activeCalls > 0;
    if (wanted && !this.confirmed) return 'enable';
    if (wanted && this.confirmedAtMs !== undefined && nowMs - this.confirmedAtMs >= this.renewEveryMs) return 'renew';
    if (!wanted && this.confirmed && nowMs - this.zeroSinceMs() >= this.disableDelayMs) return 'disable';
    return undefined;
  }

  private zeroSinceMs(): number {
    return this.zeroSince ?? this.now();
  }

  /** Arms one timer for whatever comes next: a retry, a renewal, or a delayed disable. */
  private schedule(): void {
    if (this.closed) return;
    this.clearTimer();
    const nowMs = this.now();
    const wanted = this.activeCalls > 0;
    let atMs: number | undefined;
    if (this.retryAtMs !== undefined) atMs = this.retryAtMs;
    else if (wanted && this.confirmed && this.confirmedAtMs !== undefined) atMs = this.confirmedAtMs + this.renewEveryMs;
    else if (!wanted && this.confirmed) atMs = this.zeroSinceMs() + this.disableDelayMs;
    if (atMs === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, Math.max(0, atMs - nowMs));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async put(enable: boolean): Promise<void> {
    const body = enable ? { ProtectionEnabled: true, ExpiresInMinutes: this.expiresInMinutes } : { ProtectionEnabled: false };
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), this.requestTimeoutMs);
    timeout.unref();
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.url, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: abort.signal,
      });
      text = await res.text();
    } finally {
      clearTimeout(timeout);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProtectionRequestError(`agent answered HTTP ${res.status} with a non-JSON body`, res.status);
    }
    const parsed = agentResponseSchema.safeParse(json);
    if (!parsed.success) throw new ProtectionRequestError(`agent answered HTTP ${res.status} with an unexpected body`, res.status);
    const { failure, error, protection } = parsed.data;
    if (failure) throw new ProtectionRequestError(`agent failure: ${failure.Reason ?? 'unknown'} ${failure.Detail ?? ''}`.trim(), res.status);
    if (error) throw new ProtectionRequestError(`agent error: ${error.Code ?? 'unknown'} ${error.Message ?? ''}`.trim(), res.status);
    if (!res.ok) throw new ProtectionRequestError(`agent answered HTTP ${res.status}`, res.status);
    if (protection && protection.ProtectionEnabled !== enable) {
      throw new ProtectionRequestError(`agent reports ProtectionEnabled=${protection.ProtectionEnabled}, asked for ${enable}`, res.status);
    }
  }
}

function describeError(err: unknown): { name: string; message: string; httpStatus?: number } {
  if (err instanceof ProtectionRequestError) {
    return err.httpStatus === undefined ? { name: err.name, message: err.message } : { name: err.name, message: err.message, httpStatus: err.httpStatus };
  }
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Unknown', message: String(err) };
}

const protectionEnvSchema = z.object({
  ECS_AGENT_URI: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
    .pipe(z.string().url().optional()),
  TASK_PROTECTION: z.enum(['on', 'off']).default('on'),
  TASK_PROTECTION_EXPIRES_MIN: z.coerce.number().int().min(1).max(MAX_EXPIRES_IN_MINUTES).default(DEFAULT_EXPIRES_IN_MINUTES),
});

/**
 * Task protection for this process, or undefined outside ECS (`ECS_AGENT_URI` unset) or with
 * `TASK_PROTECTION=off`.
 */
export function createTaskProtectionFromEnv(
  env: Record<string, string | undefined>,
  logger: ProtectionLogger,
): TaskProtection | undefined {
  const parsed = protectionEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid task protection configuration: ${problems}`);
  }
  const cfg = parsed.data;
  if (!cfg.ECS_AGENT_URI || cfg.TASK_PROTECTION === 'off') return undefined;
  logger.info({ expiresInMinutes: cfg.TASK_PROTECTION_EXPIRES_MIN }, 'ecs task scale-in protection enabled');
  return new TaskProtection({ agentUri: cfg.ECS_AGENT_URI, expiresInMinutes: cfg.TASK_PROTECTION_EXPIRES_MIN, logger });
}

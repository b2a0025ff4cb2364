import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { isAbortError } from '../providers/provider-error';

export type BreakerName = 'deepgram-stt' | 'elevenlabs-tts' | 'deepgram-tts' | 'openai-llm';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failures?: number;
  /** How long it stays open before one trial request (half-open). */
  halfOpenAfterMs?: number;
}

/**
 * One circuit breaker per provider (cockatiel). A caller hanging up (abort) is not a provider
 * failure and never trips it.
 */
export class ProviderBreakers {
  private readonly breakers = new Map<BreakerName, CircuitBreakerPolicy>();
  private readonly openedAt = new Map<BreakerName, number>();

  constructor(private readonly opts: BreakerOptions = {}) {}

  get(name: BreakerName): CircuitBreakerPolicy {
    let b = this.breakers.get(name);
    if (!b) {
      b = circuitBreaker(
        handleWhen((err) => !isAbortError(err)),
        {
          halfOpenAfter: this.opts.halfOpenAfterMs ?? 10_000,
          breaker: new ConsecutiveBreaker(this.opts.failures ?? 3),
        },
      );
      b.onBreak(() => this.openedAt.set(name, Date.now()));
      this.breakers.set(name, b);
    }
    return b;
  }

  /**
   * True while requests should skip this provider. Once the half-open delay has passed it is
   * false again, so the next request is the trial that lets the breaker close (cockatiel only
   * moves to half-open when something executes through it).
   */
  isOpen(name: BreakerName): boolean {
    const b = this.breakers.get(name);
    if (!b) return false;
    if (b.state === CircuitState.Isolated) return true;
    if (b.state !== CircuitState.Open) return false;
    return Date.now() - (this.openedAt.get(name) ?? 0) < (this.opts.halfOpenAfterMs ?? 10_000);
  }

  states(): Record<string, 'closed' | 'open' | 'half-open' | 'isolated'> {
    const out: Record<string, 'closed' | 'open' | 'half-open' | 'isolated'> = {};
    for (const [name, b] of this.breakers) {
      out[name] =
        b.state === CircuitState.Open ? 'open' : b.state === CircuitState.HalfOpen ? 'half-open' : b.state === CircuitState.Isolated ? 'isolated' : 'closed';
    }
    return out;
  }

  anyOpen(): boolean {
    return Object.values(this.states()).some((s) => s === 'open' || s === 'isolated');
  }
}

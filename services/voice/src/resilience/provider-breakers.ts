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
      this.breakers.set(name, b);
    }
    return b;
  }

  isOpen(name: BreakerName): boolean {
    const s = this.breakers.get(name)?.state;
    return s === CircuitState.Open || s === CircuitState.Isolated;
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

import type { WindowCounterStore } from './counter-store';

export type LimitScope = 'caller' | 'agent' | 'global';

export interface LimitCheck {
  scope: LimitScope;
  /** Identifies the counter within its scope (agent id, caller number); ignored for `global`. */
  id: string;
  limitPerMinute: number;
}

export type LimiterOutcome =
  | { kind: 'admitted' }
  | { kind: 'refused'; refusedBy: LimitScope }
  | { kind: 'unavailable'; error: unknown };

export interface AdmissionLimiter {
  /** Counts the call against every check, in order, or against none of them. */
  admit(checks: readonly LimitCheck[], nowMs: number): Promise<LimiterOutcome>;
}

export function counterKeyFor(check: LimitCheck): string {
  return check.scope === 'global' ? 'rl#global' : `rl#${check.scope}#${check.id}`;
}

export interface AdmissionLimiterOptions {
  /** A rollback failed: that quota stays consumed until its bucket leaves the window. */
  onRollbackError?: (counterKey: string, error: unknown) => void;
}

/**
 * Checks counters one after another and undoes the earlier increments when a later counter
 * refuses (or the store fails), so a refused call consumes no quota. Callers pass the narrowest
 * scope first (caller, agent, global): a burst from one caller is then refused before it can
 * transiently inflate the global counter for everyone else.
 */
export function createAdmissionLimiter(store: WindowCounterStore, opts: AdmissionLimiterOptions = {}): AdmissionLimiter {
  const undo = async (counted: ReadonlyArray<{ key: string; bucket: number }>): Promise<void> => {
    await Promise.all(
      counted.map(({ key, bucket }) =>
        store.rollback(key, bucket).catch((error: unknown) => opts.onRollbackError?.(key, error)),
      ),
    );
  };

  return {
    async admit(checks, nowMs) {
      const counted: Array<{ key: string; bucket: number }> = [];
      for (const check of checks) {
        const key = counterKeyFor(check);
        let result;
        try {
          result = await store.tryIncrement(key, check.limitPerMinute, nowMs);
        } catch (error) {
          await undo(counted);
          return { kind: 'unavailable', error };
        }
        if (!result.counted) {
          await undo(counted);
          return { kind: 'refused', refusedBy: check.scope };
        }
        counted.push({ key, bucket: result.bucket });
      }
      return { kind: 'admitted' };
    },
  };
}

/**
 * Remembers which signed stream URLs have been used, so a URL that leaked (logs, a proxy) cannot
 * open a second stream before it expires.
 */
export interface ReplayGuard {
  /** True the first time `key` is seen within `ttlSec`; false if it was already claimed. */
  claimOnce(key: string, ttlSec: number): Promise<boolean>;
}

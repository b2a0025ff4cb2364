import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * Synthesised audio for repeated phrases (greetings, hold prompts, re-prompts, apologies):
 * synthesised once, then served without a TTS request. A byte-bounded in-memory LRU, plus Redis
 * when configured so every task shares what one synthesised.
 */
export class TtsCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxBytes = 32 * 1024 * 1024,
    private readonly redis?: Redis,
    private readonly redisTtlSec = 7 * 24 * 3600,
  ) {}

  static key(parts: { provider: string; voiceId: string; model: string; text: string }): string {
    return createHash('sha256').update(`${parts.provider}\n${parts.voiceId}\n${parts.model}\n${parts.text}`).digest('hex');
  }

  /** The first of `keys` that is cached (one hit or one miss counted per lookup). */
  async lookup(keys: readonly string[]): Promise<Buffer | undefined> {
    for (const key of keys) {
      const local = this.entries.get(key);
      if (local) {
        this.entries.delete(key);
        this.entries.set(key, local); // most recently used last
        this.hits++;
        return local;
      }
    }
    if (this.redis) {
      for (const key of keys) {
        try {
          const remote = await this.redis.getBuffer(`tts:${key}`);
          if (remote) {
            this.remember(key, remote);
            this.hits++;
            return remote;
          }
        } catch {
          // A Redis outage costs a TTS request, never a call.
          break;
        }
      }
    }
    this.misses++;
    return undefined;
  }

  /** A request served by reading along with an identical synthesis already under way. */
  noteSharedHit(): void {
    this.hits++;
    this.misses = Math.max(0, this.misses - 1);
  }

  async set(key: string, audio: Buffer): Promise<void> {
    this.remember(key, audio);
    if (this.redis) {
      try {
        await this.redis.set(`tts:${key}`, audio, 'EX', this.redisTtlSec);
      } catch {
        // see get()
      }
    }
  }

  private remember(key: string, audio: Buffer): void {
    if (audio.length > this.maxBytes / 8) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.length;
      this.entries.delete(key);
    }
    this.entries.set(key, audio);
    this.bytes += audio.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  stats(): { hits: number; misses: number; hitRatio: number; entries: number; bytes: number } {
    const total = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, hitRatio: total === 0 ? 0 : this.hits / total, entries: this.entries.size, bytes: this.bytes };
  }
}

import type { ConcurrencyLimiter, Lease } from '../capacity/limiter';
import type { AudioReceiver, SpeechSynthesizer, SynthesisRequest } from '../pipeline/speech-synthesizer';
import { ProviderError, isAbortError } from '../providers/provider-error';
import type { TtsProvider, TtsProviderName } from '../providers/tts/tts-provider';
import { voicesInOrder } from './default-voices';
import type { BreakerName, ProviderBreakers } from './provider-breakers';
import { SharedAudio } from './shared-audio';
import { TtsCache } from './tts-cache';

export interface ResilientSynthesizerDeps {
  providers: Record<TtsProviderName, TtsProvider>;
  limiters: Record<'elevenlabs-tts' | 'deepgram-tts', ConcurrencyLimiter>;
  breakers: ProviderBreakers;
  cache: TtsCache;
  /** Longest wait for a TTS slot before trying the other provider. */
  queueTimeoutMs?: number;
  onFailover?(from: TtsProviderName, to: TtsProviderName, reason: string): void;
  /** How long a cancelled request keeps its slot (the provider's view of it lags ours). */
  abortReleaseGraceMs?: number;
}

const LIMITER: Record<TtsProviderName, 'elevenlabs-tts' | 'deepgram-tts'> = { elevenlabs: 'elevenlabs-tts', deepgram: 'deepgram-tts' };
const BREAKER: Record<TtsProviderName, BreakerName> = { elevenlabs: 'elevenlabs-tts', deepgram: 'deepgram-tts' };

/**
 * TTS as the pipeline needs it: cached phrases without a request, an account-wide slot per
 * request granted earliest-deadline-first, a breaker per provider, and failover between
 * ElevenLabs and Deepgram Aura when one fails before its first byte. Once audio has started a
 * failure ends the sentence (switching voice mid-sentence would be worse than stopping).
 */
export class ResilientSynthesizer implements SpeechSynthesizer {
  failovers = 0;
  sharedReads = 0;
  /** 429s answered by one short retry on the same provider (see synthesizeUncached). */
  busyRetries = 0;
  private readonly inflight = new Map<string, SharedAudio>();

  constructor(private readonly deps: ResilientSynthesizerDeps) {}

  async synthesize(req: SynthesisRequest, signal: AbortSignal, onAudio: AudioReceiver): Promise<void> {
    if (!req.cacheable) return this.synthesizeUncached(req, signal, onAudio);
    const voices = voicesInOrder(req.voice);
    const cached = await this.deps.cache.lookup(voices.map((v) => TtsCache.key({ ...v, text: req.text })));
    if (cached) {
      if (!signal.aborted) onAudio(cached);
      return;
    }
    const key = TtsCache.key({ ...voices[0]!, text: req.text });
    const shared = this.inflight.get(key);
    if (shared) {
      // Someone is synthesising this phrase right now: receive along.
      this.sharedReads++;
      this.deps.cache.noteSharedHit();
      const { complete, received } = await shared.follow(signal, onAudio);
      if (complete || received > 0 || signal.aborted) return;
      // The leader failed before any audio: synthesise ourselves.
    }
    const mine = new SharedAudio();
    this.inflight.set(key, mine);
    let ok = false;
    try {
      await this.synthesizeUncached(req, signal, (chunk) => {
        mine.push(chunk);
        onAudio(chunk);
      });
      ok = true;
    } finally {
      mine.end(!ok);
      if (this.inflight.get(key) === mine) this.inflight.delete(key);
    }
  }

  private async synthesizeUncached(req: SynthesisRequest, signal: AbortSignal, onAudio: AudioReceiver): Promise<void> {
    const voices = voicesInOrder(req.voice);
    let lastError: unknown;
    for (let i = 0; i < voices.length; i++) {
      const v = voices[i]!;
      const isLast = i === voices.length - 1;
      // An open breaker is skipped while there is somewhere else to go.
      if (this.deps.breakers.isOpen(BREAKER[v.provider]) && !isLast) {
        lastError = new ProviderError(v.provider, 'circuit open');
        this.noteFailover(v.provider, voices[i + 1]!.provider, 'circuit open');
        continue;
      }
      let lease: Lease;
      try {
        lease = await this.deps.limiters[LIMITER[v.provider]].acquire({
          signal,
          timeoutMs: this.deps.queueTimeoutMs ?? 3000,
          priority: req.deadlineMs,
          ...(req.owner ? { owner: req.owner } : {}),
        });
      } catch (err) {
        if (signal.aborted || isAbortError(err)) throw err;
        lastError = err;
        if (!isLast) this.noteFailover(v.provider, voices[i + 1]!.provider, 'no slot in time');
        continue;
      }
      let started = false;
      let done: Promise<void> | undefined;
      const collected: Buffer[] | undefined = req.cacheable ? [] : undefined;
      try {
        // Settles at the first chunk (or with the request's failure before one): the breaker
        // judges a provider by whether audio starts, and only a failure before then fails over.
        const start = (): Promise<void> =>
          new Promise<void>((resolveFirst, rejectFirst) => {
            const request = this.deps.providers[v.provider].synthesize({ text: req.text, voiceId: v.voiceId, model: v.model }, signal, (chunk) => {
              collected?.push(chunk);
              if (!started) {
                started = true;
                resolveFirst();
              }
              onAudio(chunk);
            });
            request.then(
              () => {
                if (!started) rejectFirst(new ProviderError(v.provider, 'empty audio'));
              },
              (err: unknown) => rejectFirst(err),
            );
            done = request;
          });
        const breaker = this.deps.breakers.get(BREAKER[v.provider]);
        try {
          await breaker.execute(start);
        } catch (err) {
          // We hold one of the account's slots, so a 429 means the provider has not yet counted
          // a request that just ended (its books lag ours by a moment): try once more, shortly,
          // before calling it a failure.
          if (!(err instanceof ProviderError && err.status === 429) || signal.aborted) throw err;
          this.busyRetries++;
          await new Promise((r) => setTimeout(r, 150));
          await breaker.execute(start);
        }
        await done;
        if (collected) await this.deps.cache.set(TtsCache.key({ ...v, text: req.text }), Buffer.concat(collected));
        return;
      } catch (err) {
        if (signal.aborted || isAbortError(err)) throw err;
        if (started) throw err;
        lastError = err;
        if (!isLast) this.noteFailover(v.provider, voices[i + 1]!.provider, (err as Error).message);
      } finally {
        // A cancelled request (barge-in, hang-up) is still counted by the provider until it
        // notices the cancel; handing the slot on at once would draw a 429 for the next caller.
        if (signal.aborted) setTimeout(() => void lease.release(), this.deps.abortReleaseGraceMs ?? 250).unref();
        else await lease.release();
      }
    }
    throw lastError instanceof Error ? lastError : new ProviderError('tts', 'no provider available');
  }

  private noteFailover(from: TtsProviderName, to: TtsProviderName, reason: string): void {
    this.failovers++;
    this.deps.onFailover?.(from, to, reason);
  }
}

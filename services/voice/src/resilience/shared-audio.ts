import type { AudioReceiver } from '../pipeline/speech-synthesizer';

export interface FollowResult {
  /** The leader finished and the follower got all of its audio. */
  complete: boolean;
  /** Chunks the follower received. */
  received: number;
}

interface Follower {
  onAudio: AudioReceiver;
  done(failed: boolean): void;
}

/**
 * One synthesis, many listeners: when twenty calls start at once they all want the same
 * greeting. The first request synthesises and streams; the others receive the same chunks as they
 * arrive instead of each spending a TTS slot on identical audio.
 */
export class SharedAudio {
  private readonly chunks: Buffer[] = [];
  private done = false;
  private failed = false;
  private readonly followers = new Set<Follower>();

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    for (const f of this.followers) f.onAudio(chunk);
  }

  end(failed: boolean): void {
    this.done = true;
    this.failed = failed;
    for (const f of [...this.followers]) f.done(failed);
  }

  /** The audio from the start, then as it arrives; settles when the leader ends or `signal` aborts. */
  follow(signal: AbortSignal, onAudio: AudioReceiver): Promise<FollowResult> {
    const result: FollowResult = { complete: false, received: 0 };
    if (signal.aborted) return Promise.resolve(result);
    const deliver = (chunk: Buffer): void => {
      result.received++;
      onAudio(chunk);
    };
    for (const c of this.chunks) deliver(c);
    if (this.done) {
      result.complete = !this.failed;
      return Promise.resolve(result);
    }
    return new Promise<FollowResult>((resolve) => {
      const follower: Follower = {
        onAudio: deliver,
        done: (failed) => {
          this.followers.delete(follower);
          signal.removeEventListener('abort', onAbort);
          result.complete = !failed;
          resolve(result);
        },
      };
      const onAbort = (): void => {
        this.followers.delete(follower);
        resolve(result);
      };
      this.followers.add(follower);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * One synthesis, many listeners: when twenty calls start at once they all want the same
 * greeting. The first request synthesises and streams; the others read the same chunks as they
 * arrive instead of each spending a TTS slot on identical audio.
 */
export class SharedAudio {
  private readonly chunks: Buffer[] = [];
  private done = false;
  private failed = false;
  private waiters: Array<() => void> = [];

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.wake();
  }

  end(failed: boolean): void {
    this.done = true;
    this.failed = failed;
    this.wake();
  }

  /** Chunks from the start; `complete` tells the reader whether it got the whole audio. */
  async *read(signal: AbortSignal, state: { complete: boolean; received: number }): AsyncIterable<Buffer> {
    let i = 0;
    for (;;) {
      if (signal.aborted) return;
      if (i < this.chunks.length) {
        state.received++;
        yield this.chunks[i++]!;
        continue;
      }
      if (this.done) {
        state.complete = !this.failed;
        return;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

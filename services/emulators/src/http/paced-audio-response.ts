import type { ServerResponse } from 'node:http';
import { type AudioFormat, bytesForDuration } from '../audio/audio-format';
import type { AudioTtsConfig } from '../config';
import type { StreamFault } from '../faults';
import type { ProviderCounters } from '../stats';
import { StreamFaultTrigger } from './stream-fault-trigger';

export interface PacedAudioResponse {
  res: ServerResponse;
  audio: Buffer;
  format: AudioFormat;
  /** Snapshot of the provider's timing config for this request. */
  timing: AudioTtsConfig;
  headers: Record<string, string>;
  fault: StreamFault | undefined;
  counters: ProviderCounters;
  release: () => void;
}

/**
 * Streams `audio` chunked: headers and the first chunk after the time-to-first-byte, then one
 * chunk per `chunkMs` of audio divided by `realtimeFactor`. Scheduled against absolute times so
 * timer lateness does not accumulate. Stops when the client goes away and counts that as aborted.
 */
export function sendPacedAudio(input: PacedAudioResponse): void {
  const { res, audio, timing, counters } = input;
  const chunkBytes = Math.max(1, bytesForDuration(input.format, timing.chunkMs));
  const startedAt = Date.now();
  let offset = 0;
  let chunkIndex = 0;
  let timer: NodeJS.Timeout | undefined;
  let stalled = false;
  let done = false;

  const finish = (): void => {
    if (done) return;
    done = true;
    if (timer !== undefined) clearTimeout(timer);
    trigger.cancel();
    input.release();
  };

  const trigger = new StreamFaultTrigger(input.fault, (fault) => {
    switch (fault.kind) {
      case 'disconnect':
        finish();
        res.socket?.destroy();
        return;
      case 'stall':
        stalled = true;
        if (timer !== undefined) clearTimeout(timer);
        return;
      case 'malformed':
        ensureHead();
        // An odd byte count breaks 16-bit sample alignment for everything after it.
        res.write(Buffer.from('<malformed>')); // 11 bytes
        return;
    }
  });

  const ensureHead = (): void => {
    if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/octet-stream', ...input.headers });
  };

  const sendNext = (): void => {
    timer = undefined;
    if (done || stalled) return;
    ensureHead();
    const chunk = audio.subarray(offset, offset + chunkBytes);
    offset += chunk.length;
    chunkIndex += 1;
    res.write(chunk);
    trigger.addBytes(chunk.length);
    if (done || stalled) return;
    if (offset >= audio.length) {
      res.end();
      finish();
      return;
    }
    schedule();
  };

  const schedule = (): void => {
    const paceMs = timing.realtimeFactor > 0 ? (chunkIndex * timing.chunkMs) / timing.realtimeFactor : 0;
    const dueAt = startedAt + timing.ttfbMs + paceMs;
    timer = setTimeout(sendNext, Math.max(0, dueAt - Date.now()));
  };

  res.on('close', () => {
    if (!done && !res.writableFinished) counters.countAborted();
    finish();
  });
  if (input.fault !== undefined) counters.countFault();
  trigger.start();
  if (!done && !stalled) schedule();
}

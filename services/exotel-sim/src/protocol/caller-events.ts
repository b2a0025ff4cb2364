import { BIT_RATE, SAMPLE_RATE_HZ } from '../audio/pcm-format';

/**
 * The JSON frames Exotel sends to the voice service, built exactly as on the wire
 * (/work/shared/protocols/exotel.md). Exotel's numbers may arrive as strings (⚠ in the notes):
 * `numbersAsStrings` lets a test exercise the service's tolerance of that reading.
 */
export interface StreamIdentity {
  streamSid: string;
  callSid: string;
  accountSid: string;
  from: string;
  to: string;
  customParameters: Record<string, string>;
}

export class CallerEventWriter {
  private sequenceNumber = 0;

  constructor(
    private readonly identity: StreamIdentity,
    private readonly numbersAsStrings: boolean = false,
  ) {}

  private num(value: number): number | string {
    return this.numbersAsStrings ? String(value) : value;
  }

  private nextSequence(): number | string {
    this.sequenceNumber += 1;
    return this.num(this.sequenceNumber);
  }

  connected(): string {
    return JSON.stringify({ event: 'connected' });
  }

  start(): string {
    const id = this.identity;
    return JSON.stringify({
      event: 'start',
      sequence_number: this.nextSequence(),
      stream_sid: id.streamSid,
      start: {
        stream_sid: id.streamSid,
        call_sid: id.callSid,
        account_sid: id.accountSid,
        from: id.from,
        to: id.to,
        custom_parameters: id.customParameters,
        media_format: { encoding: 'raw/slin', sample_rate: String(SAMPLE_RATE_HZ), bit_rate: BIT_RATE },
      },
    });
  }

  /** `chunk` counts frames from 1; `timestampMs` is stream time at the end of this frame. */
  media(chunk: number, timestampMs: number, payloadBase64: string): string {
    return JSON.stringify({
      event: 'media',
      sequence_number: this.nextSequence(),
      stream_sid: this.identity.streamSid,
      media: { chunk: this.num(chunk), timestamp: String(timestampMs), payload: payloadBase64 },
    });
  }

  dtmf(digit: string, durationMs: number): string {
    return JSON.stringify({
      event: 'dtmf',
      sequence_number: this.nextSequence(),
      stream_sid: this.identity.streamSid,
      dtmf: { digit, duration: this.num(durationMs) },
    });
  }

  /** Sent back once the audio queued before the service's mark has played. */
  mark(name: string): string {
    return JSON.stringify({
      event: 'mark',
      sequence_number: this.nextSequence(),
      stream_sid: this.identity.streamSid,
      mark: { name },
    });
  }

  stop(reason: string): string {
    return JSON.stringify({
      event: 'stop',
      sequence_number: this.nextSequence(),
      stream_sid: this.identity.streamSid,
      stop: { call_sid: this.identity.callSid, account_sid: this.identity.accountSid, reason },
    });
  }
}

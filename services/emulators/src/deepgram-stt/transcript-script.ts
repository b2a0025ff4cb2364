/** Script lines registered per `tag` query value, shared by all connections. */
export class TranscriptScripts {
  private readonly byTag = new Map<string, readonly string[]>();

  set(tag: string, lines: readonly string[]): void {
    this.byTag.set(tag, [...lines]);
  }

  get(tag: string | undefined): readonly string[] | undefined {
    return tag === undefined ? undefined : this.byTag.get(tag);
  }

  clear(): void {
    this.byTag.clear();
  }
}

export interface TranscriptSources {
  scripts: TranscriptScripts;
  tag: string | undefined;
  defaultScript: () => readonly string[];
  backchannels: () => readonly string[];
  backchannelMaxMs: () => number;
}

/**
 * Chooses the text of each utterance on one connection: utterance k takes line k of the tag's
 * script (cycling), or of the default script; a short utterance without a tag script is a
 * backchannel and does not use up a line.
 */
export class ConnectionTranscripts {
  private nextLine = 0;
  private nextBackchannel = 0;

  constructor(private readonly sources: TranscriptSources) {}

  /** Text shown while the utterance is still open (does not consume a line). */
  peek(speechMs: number): { text: string; isBackchannel: boolean } {
    const script = this.sources.scripts.get(this.sources.tag);
    if (script === undefined && speechMs < this.sources.backchannelMaxMs()) {
      return { text: pick(this.sources.backchannels(), this.nextBackchannel), isBackchannel: true };
    }
    return { text: pick(script ?? this.sources.defaultScript(), this.nextLine), isBackchannel: false };
  }

  /** Text of the final result; advances to the next line or backchannel. */
  take(speechMs: number): string {
    const choice = this.peek(speechMs);
    if (choice.isBackchannel) this.nextBackchannel += 1;
    else this.nextLine += 1;
    return choice.text;
  }
}

function pick(lines: readonly string[], index: number): string {
  if (lines.length === 0) return '';
  return lines[index % lines.length] ?? '';
}

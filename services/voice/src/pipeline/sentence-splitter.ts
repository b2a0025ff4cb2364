/**
 * Cuts a token stream into speakable pieces so TTS can start on the first sentence while the
 * LLM is still writing the rest. A piece ends at sentence punctuation followed by whitespace
 * (so "3.5" and "Dr." inside a token run are not cut mid-word), or at a clause break once the
 * piece is long, so one run-on sentence cannot hold back the first audio.
 */
const SENTENCE_END = /[.!?।…]["')\]]*\s/g;
const CLAUSE_BREAK = /[,;:—–]\s/g;
const ABBREVIATIONS = new Set(['mr.', 'mrs.', 'ms.', 'dr.', 'st.', 'vs.', 'e.g.', 'i.e.', 'no.', 'rs.']);

export class SentenceSplitter {
  private buffer = '';

  constructor(
    private readonly minChars = 8,
    private readonly maxCharsBeforeClauseCut = 120,
  ) {}

  /** Feeds a token; returns the complete pieces it finished. */
  push(token: string): string[] {
    this.buffer += token;
    const out: string[] = [];
    for (;;) {
      const cut = this.findCut();
      if (cut < 0) break;
      const piece = this.buffer.slice(0, cut).trim();
      this.buffer = this.buffer.slice(cut);
      if (piece) out.push(piece);
    }
    return out;
  }

  /** The unterminated remainder at the end of the stream. */
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest ? [rest] : [];
  }

  private findCut(): number {
    SENTENCE_END.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = SENTENCE_END.exec(this.buffer)) !== null) {
      const end = m.index + m[0].length;
      if (end < this.minChars) continue;
      const lastWord = this.buffer.slice(0, m.index + 1).split(/\s+/).pop()?.toLowerCase() ?? '';
      if (ABBREVIATIONS.has(lastWord)) continue;
      return end;
    }
    if (this.buffer.length > this.maxCharsBeforeClauseCut) {
      CLAUSE_BREAK.lastIndex = 0;
      let best = -1;
      while ((m = CLAUSE_BREAK.exec(this.buffer)) !== null) best = m.index + m[0].length;
      if (best >= this.minChars) return best;
    }
    return -1;
  }
}

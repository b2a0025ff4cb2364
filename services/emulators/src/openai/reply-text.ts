/**
 * Token pieces as the emulator streams them: a word or a punctuation mark, each carrying its
 * leading whitespace so that joining the pieces gives back the text exactly.
 */
export function tokenPieces(text: string): string[] {
  return text.match(/\s*[\p{L}\p{N}'’-]+|\s*[^\p{L}\p{N}\s]|\s+$/gu) ?? [];
}

/** Picks reply texts: the goodbye when the caller says "bye", else the configured replies in turn. */
export class ReplyPicker {
  private next = 0;

  pick(lastUserText: string, replies: readonly string[], goodbye: string): string {
    if (/bye/i.test(lastUserText)) return goodbye;
    if (replies.length === 0) return '';
    const reply = replies[this.next % replies.length] ?? '';
    this.next += 1;
    return reply;
  }

  reset(): void {
    this.next = 0;
  }
}

import { SentenceSplitter } from '../../services/voice/src/pipeline/sentence-splitter';

function feed(text: string, tokenSize = 3): string[] {
  const s = new SentenceSplitter();
  const out: string[] = [];
  for (let i = 0; i < text.length; i += tokenSize) out.push(...s.push(text.slice(i, i + tokenSize)));
  return [...out, ...s.flush()];
}

describe('SentenceSplitter', () => {
  it('releases each sentence as soon as it ends, before the stream is over', () => {
    const s = new SentenceSplitter();
    expect(s.push('Sure, I can help. ')).toEqual(['Sure, I can help.']);
    expect(s.push('Your booking')).toEqual([]);
    expect(s.push(' is at 3.30 pm! Anything else?')).toEqual(['Your booking is at 3.30 pm!']);
    expect(s.flush()).toEqual(['Anything else?']);
  });

  it('does not cut at abbreviations or decimals', () => {
    expect(feed('Dr. Rao will see you at 10.30 today. Thanks.')).toEqual(['Dr. Rao will see you at 10.30 today.', 'Thanks.']);
  });

  it('cuts a long run-on sentence at a clause break so first audio is not held back', () => {
    const long = `${'word '.repeat(30)}and then, ${'more '.repeat(10)}`;
    const pieces = feed(long);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(long.trim().replace(/\s+/g, ' '));
  });

  it('handles Hindi sentence ends (danda)', () => {
    expect(feed('नमस्ते जी। आप कैसे हैं?')).toEqual(['नमस्ते जी।', 'आप कैसे हैं?']);
  });
});

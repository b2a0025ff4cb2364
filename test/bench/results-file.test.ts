import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsFilePath } from '../../bench/results-file';

describe('where a benchmark run writes its results', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bench-results-'));
    mkdirSync(join(root, 'bench/results'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const dateIso = '2026-12-04T20:41:39.120Z';

  it('names the first docs run of a day by the day, quick runs apart', () => {
    expect(resultsFilePath(root, { dateIso, quick: false, docs: true })).toBe(join(root, 'bench/results/2026-12-04.json'));
    expect(resultsFilePath(root, { dateIso, quick: true, docs: true })).toBe(join(root, 'bench/results/2026-12-04-quick.json'));
  });

  it('never replaces an earlier run of the same day: the second gets its time', () => {
    writeFileSync(join(root, 'bench/results/2026-12-04.json'), '{}');
    expect(resultsFilePath(root, { dateIso, quick: false, docs: true })).toBe(join(root, 'bench/results/2026-12-04T20-41.json'));
    // the quick run's name is still free
    expect(resultsFilePath(root, { dateIso, quick: true, docs: true })).toBe(join(root, 'bench/results/2026-12-04-quick.json'));
  });

  it('names a run of another caller script after it, apart from the default script\'s runs', () => {
    writeFileSync(join(root, 'bench/results/2026-12-04.json'), '{}');
    expect(resultsFilePath(root, { dateIso, quick: false, docs: true, variant: 'realistic' })).toBe(join(root, 'bench/results/2026-12-04-realistic.json'));
    writeFileSync(join(root, 'bench/results/2026-12-04-realistic.json'), '{}');
    expect(resultsFilePath(root, { dateIso, quick: false, docs: true, variant: 'realistic' })).toBe(join(root, 'bench/results/2026-12-04T20-41-realistic.json'));
    expect(resultsFilePath(root, { dateIso, quick: false, docs: false, variant: 'realistic' })).toBe(join(root, 'bench/results/adhoc/2026-12-04T20-41-39-120Z-realistic.json'));
  });

  it('sends a --no-docs run to adhoc/ under its full timestamp', () => {
    expect(resultsFilePath(root, { dateIso, quick: false, docs: false })).toBe(join(root, 'bench/results/adhoc/2026-12-04T20-41-39-120Z.json'));
  });
});

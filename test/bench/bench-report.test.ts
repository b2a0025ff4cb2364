import { chartFor, BLOCK_END, BLOCK_START, docsTargetFor, generatedBlock, replaceGeneratedBlock, resultsTable } from '../../bench/docs-report';
import { niceMax, renderChart } from '../../bench/chart-svg';
import { formatStepLine, headline } from '../../bench/summary-text';
import { TARGETS, combineStep, maxCallsPerVcpu } from '../../bench/step-metrics';
import { phase, results, step } from './fixtures';

describe('results table', () => {
  it('has one row per step under a header, and marks steps that met the targets', () => {
    const table = resultsTable([step(25), step(100, { overheadMs: { p50: 5, p95: 30, p99: 45 } })]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    const cells = (line: string) => line.split('|').map((c) => c.trim()).filter((c) => c !== '');
    const header = cells(lines[0]!);
    expect(cells(lines[2]!)).toHaveLength(header.length);
    expect(cells(lines[2]!)[0]).toBe('25');
    expect(cells(lines[2]!).at(-1)).toBe('yes');
    expect(cells(lines[3]!).at(-1)).toBe('no');
    // voice 2 ms CPU per call-second over the floor's 1: ratio x2.00
    expect(cells(lines[2]!)[4]).toBe('x2.00');
  });

  it('shows "?" for the event-loop delay until the service exposes it, and the value once it does', () => {
    expect(resultsTable([step(25)])).toContain('| ? | 12 / 40 / 8 |');
    expect(resultsTable([step(25, { eventLoopDelayP99Ms: 12.34 })])).toContain('| 12.3 | 12 / 40 / 8 |');
    expect(resultsTable([step(25, { loopProbe: null })])).toContain('| ? | - |');
  });

  it('shows RSS over idle per call as median / peak, and the median alone for results without a peak', () => {
    const header = resultsTable([step(25)]).split('\n')[0]!.split('|').map((c) => c.trim());
    const col = header.indexOf('RSS over idle KB / call (median / peak)');
    expect(col).toBeGreaterThan(0);
    const cell = (table: string) => table.split('\n')[2]!.split('|').map((c) => c.trim())[col];
    expect(cell(resultsTable([step(25)]))).toBe('200');
    expect(cell(resultsTable([step(25, { peakRssPerCallBytes: 290 * 1024 })]))).toBe('200 / 290');
  });
});

describe('a step measured in rounds', () => {
  const voice = (cpu: number, late: number) => {
    const p = phase({ target: 'voice', concurrency: 200, cpuPerCallSecond: cpu });
    p.callers.lateFrames = late;
    return p;
  };
  const floor = (cpu: number) => phase({ target: 'floor', concurrency: 200, cpuPerCallSecond: cpu });
  const s = combineStep([voice(0.0021, 0), voice(0.0019, 3)], [floor(0.001), floor(0.001), floor(0.001)], 1);

  it('shows the judged median and every round, in the step line and in the table', () => {
    expect(formatStepLine(s)).toContain('(x2.00, median of 2 rounds: x2.10, x1.90)');
    expect(formatStepLine(s)).toContain('| late 0/3 |');
    const lines = resultsTable([s]).split('\n');
    const header = lines[0]!.split('|').map((c) => c.trim());
    const row = lines[2]!.split('|').map((c) => c.trim());
    expect(row[header.indexOf('ratio')]).toBe('x2.00, median of 2 rounds: x2.10, x1.90');
    expect(row[header.indexOf('late frames')]).toBe('0 / 3');
    expect(row[header.indexOf('voice CPU ms / call-s')]).toBe('2.10 / 1.90');
    expect(row[header.indexOf('targets met')]).toBe('no');
  });

  it('names the rounds in the generated block\'s settings', () => {
    const r = results([s]);
    r.settings.rounds = 2;
    expect(generatedBlock(r, 'bench/results/x.json')).toContain('2 rounds per step');
    expect(generatedBlock(results([step(25)]), 'bench/results/x.json')).not.toContain('rounds per step');
    expect(headline(r, TARGETS)).toContain("worst x2.00 (each step's median of 2 rounds) (target <= x2: met)");
  });
});

describe('generated block in docs/benchmarks.md', () => {
  const prose = '# Benchmarks\n\nHand-written intro.\n\n';
  const tail = '\n\n## Where the time goes\n\nHand-written analysis.\n';

  it('replaces only the text between the markers', () => {
    const doc = `${prose}${BLOCK_START}\nold numbers\n${BLOCK_END}${tail}`;
    const out = replaceGeneratedBlock(doc, `${BLOCK_START}\nnew numbers\n${BLOCK_END}`);
    expect(out).toBe(`${prose}${BLOCK_START}\nnew numbers\n${BLOCK_END}${tail}`);
  });

  it('appends the block to a document that has none', () => {
    const out = replaceGeneratedBlock(prose, `${BLOCK_START}\nx\n${BLOCK_END}`);
    expect(out.startsWith(prose.trimEnd())).toBe(true);
    expect(out).toContain(`${BLOCK_START}\nx\n${BLOCK_END}`);
  });

  it('states the verdict, the run settings and the raw results path', () => {
    const r = results([step(25), step(100)]);
    r.maxCallsPerVcpu = maxCallsPerVcpu(r.steps);
    const block = generatedBlock(r, 'bench/results/2026-01-02.json');
    expect(block.startsWith(BLOCK_START)).toBe(true);
    expect(block.endsWith(BLOCK_END)).toBe(true);
    expect(block).toContain('no late frames, no failures: 100**');
    expect(block).toContain('bench/results/2026-01-02.json');
    expect(block).toContain('realtimeFactor 1.5');
    expect(block).toContain('benchmarks-chart.svg');
  });

  it('gives another caller script its own block and chart, leaving the default script\'s block alone', () => {
    const r = results([step(200)]);
    r.settings.script = 'realistic-conversation';
    const target = docsTargetFor(r.settings.script);
    const block = generatedBlock(r, 'bench/results/2026-01-02-realistic.json');
    expect(block.startsWith(target.start)).toBe(true);
    expect(block.endsWith(target.end)).toBe(true);
    expect(block).toContain('](benchmarks-chart-realistic-conversation.svg)');
    expect(block).toContain('caller script `realistic-conversation`');
    const doc = `${prose}${BLOCK_START}\nstress numbers\n${BLOCK_END}${tail}`;
    const once = replaceGeneratedBlock(doc, block, target);
    expect(once).toContain(`${BLOCK_START}\nstress numbers\n${BLOCK_END}`);
    expect(once).toContain(block);
    // a second run of that script replaces its block, not the stress one, and adds no copy
    const again = replaceGeneratedBlock(once, `${target.start}\nnewer\n${target.end}`, target);
    expect(again).toContain(`${BLOCK_START}\nstress numbers\n${BLOCK_END}`);
    expect(again).toContain(`${target.start}\nnewer\n${target.end}`);
    expect(again.split(target.start)).toHaveLength(2);
  });
});

describe('chart', () => {
  it('rounds axis maxima up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceMax(0.7)).toBe(1);
    expect(niceMax(1.3)).toBe(2);
    expect(niceMax(21)).toBe(25);
    expect(niceMax(260)).toBe(500);
    expect(niceMax(0)).toBe(1);
  });

  it('draws a path per series with a point per step, and the 20 ms target', () => {
    const svg = chartFor(results([step(25), step(50), step(100)]));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(3); // voice CPU, floor CPU, overhead p99
    expect(svg.match(/<circle /g)).toHaveLength(9);
    expect(svg).toContain('target 20 ms');
  });

  it('places higher CPU higher on the chart (smaller y)', () => {
    const svg = renderChart(
      [
        { calls: 25, voiceCpuPercent: 10, floorCpuPercent: null, overheadP99Ms: null },
        { calls: 100, voiceCpuPercent: 40, floorCpuPercent: null, overheadP99Ms: null },
      ],
      'caption',
    );
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(2);
    expect(ys[1]!).toBeLessThan(ys[0]!);
  });

  it('escapes text and survives an empty run', () => {
    const svg = renderChart([], 'a < b & c');
    expect(svg).toContain('no data');
    expect(svg).toContain('a &lt; b &amp; c');
  });
});

describe('headline', () => {
  it('reports the best step, the worst floor ratio and memory against the targets', () => {
    const r = results([step(25), step(100, {}, 0.0005)]);
    r.maxCallsPerVcpu = maxCallsPerVcpu(r.steps);
    const text = headline(r, TARGETS);
    expect(text).toContain('and no late frames: 100 (target >= 200: NOT met)');
    expect(text).toContain('worst x4.00 (target <= x2: NOT met)');
    // Without a lower level, the figure over idle is the one judged.
    expect(text).toContain('memory at 100 calls: RSS 200 KB per call over idle (target <= 256 KB: met); live heap + buffers 100 KB per call');
    expect(headline(results([step(100, { rssPerCallBytes: 300 * 1024 })]), TARGETS)).toContain('(target <= 256 KB: NOT met)');
  });

  const lowerLevel = (rssPerAddedCallBytes: number) => ({ meanActiveCalls: 100, windowSec: 20, steadyRssBytes: 150e6, rssPerAddedCallBytes });

  it('judges memory per call added in one process when the step held a lower level first, and still shows RSS over idle', () => {
    const r = results([step(200, { rssPerCallBytes: 440 * 1024, lowerLevel: lowerLevel(210 * 1024) })]);
    const text = headline(r, TARGETS);
    expect(text).toContain('memory at 200 calls: RSS 210 KB per call added 100 -> 200 (target <= 256 KB: met); over a freshly started process 440 KB per call');
    const notMet = headline(results([step(200, { rssPerCallBytes: 100 * 1024, lowerLevel: lowerLevel(300 * 1024) })]), TARGETS);
    expect(notMet).toContain('300 KB per call added 100 -> 200 (target <= 256 KB: NOT met)');
    expect(formatStepLine(r.steps[0]!)).toContain('RSS/call 440 KB, per added call 210 KB');
    const header = resultsTable(r.steps).split('\n')[0]!.split('|').map((c) => c.trim());
    const col = header.indexOf('RSS KB per added call (from calls →)');
    expect(col).toBeGreaterThan(0);
    expect(resultsTable(r.steps).split('\n')[2]!.split('|').map((c) => c.trim())[col]).toBe('210 (100 →)');
    expect(resultsTable([step(25)]).split('\n')[2]!.split('|').map((c) => c.trim())[col]).toBe('-');
  });

  it('says when RSS per added call is below zero that it measures no call', () => {
    const r = results([step(200, { lowerLevel: lowerLevel(-59 * 1024) })]);
    expect(headline(r, TARGETS)).toContain('-59 KB per call added 100 -> 200 (below zero: the process held more RSS at the lower level, not the calls)');
  });

  it('names the lower level in the run line when the run had one', () => {
    const r = results([step(25)]);
    expect(generatedBlock(r, 'bench/results/x.json')).not.toContain('holds half its calls');
    r.settings.memorySec = 20;
    expect(generatedBlock(r, 'bench/results/x.json')).toContain('each voice step first holds half its calls for a 20 s window');
  });
});

/**
 * Charts for Markdown reports: a mermaid xychart (rendered by GitHub and most viewers) and the
 * same data as text bars for terminals.
 */
export interface ChartSeries {
  readonly title: string;
  readonly labels: readonly string[];
  /** Drawn as bars (e.g. concurrent calls). */
  readonly bars: readonly number[];
  readonly barsLabel: string;
  /** Drawn as a line (e.g. tasks). */
  readonly line: readonly number[];
  readonly lineLabel: string;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

export function mermaidChart(c: ChartSeries): string {
  const max = Math.max(1, ...c.bars, ...c.line);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${c.title} (bars: ${c.barsLabel}, line: ${c.lineLabel})"`,
    `  x-axis [${c.labels.map((l) => `"${l}"`).join(', ')}]`,
    `  y-axis "count" 0 --> ${Math.ceil(max * 1.1)}`,
    `  bar [${c.bars.map(round1).join(', ')}]`,
    `  line [${c.line.map(round1).join(', ')}]`,
    '```',
  ].join('\n');
}

export function textChart(c: ChartSeries, width = 40): string {
  const max = Math.max(1, ...c.bars);
  const labelWidth = Math.max(...c.labels.map((l) => l.length));
  const rows = c.labels.map((label, i) => {
    const bar = c.bars[i] ?? 0;
    const line = c.line[i] ?? 0;
    const cells = Math.round((bar / max) * width);
    return `${label.padStart(labelWidth)} ${'#'.repeat(cells).padEnd(width)} ${round1(bar)} ${c.barsLabel}, ${round1(line)} ${c.lineLabel}`;
  });
  return ['```text', `${c.title}`, ...rows, '```'].join('\n');
}

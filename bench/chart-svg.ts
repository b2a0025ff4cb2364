/**
 * The benchmark chart, hand-written SVG (no dependencies): two panels sharing the x axis (calls,
 * log scale) — left the CPU of the voice process and of the floor as % of one core, right the
 * voice service's turn overhead p99 against the 20 ms target.
 */

export interface ChartPoint {
  calls: number;
  voiceCpuPercent: number;
  floorCpuPercent: number | null;
  overheadP99Ms: number | null;
}

const W = 360;
const H = 240;
const PAD = { left: 48, right: 12, top: 28, bottom: 40 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A "nice" axis maximum: 1, 2, 2.5 or 5 times a power of ten, at least `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const pow = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= v) return m * pow;
  return 10 * pow;
}

interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  values: Array<number | null>;
}

function panel(x0: number, title: string, unit: string, calls: number[], series: Series[], targetLine?: { value: number; label: string }): string {
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yMax = niceMax(Math.max(...all, targetLine?.value ?? 0, 1e-9) * 1.1);
  const lo = Math.log2(Math.min(...calls));
  const hi = Math.log2(Math.max(...calls));
  const x = (c: number) => x0 + PAD.left + (hi > lo ? ((Math.log2(c) - lo) / (hi - lo)) * innerW : innerW / 2);
  const y = (v: number) => PAD.top + innerH - (Math.min(v, yMax) / yMax) * innerH;
  const out: string[] = [];
  out.push(`<text x="${x0 + W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  out.push(`<line x1="${x0 + PAD.left}" y1="${PAD.top + innerH}" x2="${x0 + W - PAD.right}" y2="${PAD.top + innerH}" stroke="#333"/>`);
  out.push(`<line x1="${x0 + PAD.left}" y1="${PAD.top}" x2="${x0 + PAD.left}" y2="${PAD.top + innerH}" stroke="#333"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${x0 + PAD.left}" y1="${yy}" x2="${x0 + W - PAD.right}" y2="${yy}" stroke="#ddd"/>`);
    out.push(`<text x="${x0 + PAD.left - 4}" y="${yy}" text-anchor="end" dominant-baseline="middle">${+v.toFixed(2)}</text>`);
  }
  for (const c of calls) {
    out.push(`<text x="${x(c).toFixed(1)}" y="${PAD.top + innerH + 14}" text-anchor="middle">${c}</text>`);
  }
  out.push(`<text x="${x0 + PAD.left + innerW / 2}" y="${H - 6}" text-anchor="middle">concurrent calls</text>`);
  out.push(`<text x="${x0 + 12}" y="${PAD.top + innerH / 2}" text-anchor="middle" transform="rotate(-90 ${x0 + 12} ${PAD.top + innerH / 2})">${esc(unit)}</text>`);
  if (targetLine) {
    const yy = y(targetLine.value).toFixed(1);
    out.push(`<line x1="${x0 + PAD.left}" y1="${yy}" x2="${x0 + W - PAD.right}" y2="${yy}" stroke="#c00" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${x0 + W - PAD.right}" y="${(Number(yy) - 4).toFixed(1)}" text-anchor="end" fill="#c00">${esc(targetLine.label)}</text>`);
  }
  series.forEach((s, si) => {
    const pts = calls
      .map((c, i) => ({ c, v: s.values[i] }))
      .filter((p): p is { c: number; v: number } => p.v !== null && p.v !== undefined);
    if (pts.length > 0) {
      const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.c).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>`);
      for (const p of pts) out.push(`<circle cx="${x(p.c).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    const ly = PAD.top + 4 + si * 14;
    out.push(`<rect x="${x0 + PAD.left + 8}" y="${ly}" width="10" height="3" fill="${s.color}"/>`);
    out.push(`<text x="${x0 + PAD.left + 22}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  return out.join('\n');
}

export function renderChart(points: readonly ChartPoint[], caption: string): string {
  const sorted = [...points].sort((a, b) => a.calls - b.calls);
  const calls = sorted.map((p) => p.calls);
  const width = W * 2;
  const body =
    calls.length === 0
      ? `<text x="${width / 2}" y="${H / 2}" text-anchor="middle">no data</text>`
      : [
          panel(0, 'CPU of the process under test', '% of one core', calls, [
            { label: 'voice service', color: '#1f77b4', values: sorted.map((p) => p.voiceCpuPercent) },
            { label: 'floor forwarder', color: '#7f7f7f', dashed: true, values: sorted.map((p) => p.floorCpuPercent) },
          ]),
          panel(W, 'Turn overhead p99 (voice)', 'ms', calls, [{ label: 'overhead p99', color: '#ff7f0e', values: sorted.map((p) => p.overheadP99Ms) }], {
            value: 20,
            label: 'target 20 ms',
          }),
        ].join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 18}" viewBox="0 0 ${width} ${H + 18}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    body,
    `<text x="${width / 2}" y="${H + 12}" text-anchor="middle" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

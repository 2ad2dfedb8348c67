// perf/chart.svg: a horizontal bar chart of each benchmark's time relative to native (log
// scale), one bar per engine, written by hand (no dependencies). Engines not measured are left
// out of the legend.

import type { ExecRow } from './exec.js';

const COLORS = { vxts: '#d9480f', qemu: '#1971c2', native: '#2f9e44' } as const;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function chartSvg(rows: readonly ExecRow[], title: string): string {
  // Each bar is seconds relative to the fastest engine measured for that benchmark.
  const engines = (['vxts', 'qemu', 'native'] as const).filter((e) => rows.some((r) => r[e] !== null));
  const rel = rows.map((r) => {
    const base = Math.min(...engines.map((e) => r[e] ?? Infinity));
    return engines.map((e) => (r[e] === null ? null : (r[e] as number) / base));
  });
  const maxRel = Math.max(2, ...rel.flat().filter((x): x is number => x !== null));
  const decades = Math.ceil(Math.log10(maxRel) * 2) / 2;
  const left = 110, plotW = 560, barH = 11, gap = 8, top = 48;
  const groupH = engines.length * barH + gap;
  const height = top + rows.length * groupH + 44;
  const width = left + plotW + 80;
  const x = (v: number) => left + (Math.log10(v) / decades) * plotW;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
  ];
  engines.forEach((e, k) => {
    out.push(`<rect x="${left + k * 90}" y="28" width="10" height="10" fill="${COLORS[e]}"/>`,
      `<text x="${left + k * 90 + 14}" y="37">${e}</text>`);
  });
  for (let t = 1; t <= 10 ** decades + 1e-9; t *= 10) {
    for (const m of [1, 2, 5]) {
      const v = t * m;
      if (v > 10 ** decades + 1e-9) break;
      const xx = x(v).toFixed(1);
      out.push(`<line x1="${xx}" y1="${top - 4}" x2="${xx}" y2="${height - 36}" stroke="${m === 1 ? '#bbb' : '#eee'}"/>`,
        `<text x="${xx}" y="${height - 22}" text-anchor="middle" fill="#555">${v}x</text>`);
    }
  }
  rows.forEach((r, i) => {
    const y0 = top + i * groupH;
    out.push(`<text x="${left - 8}" y="${y0 + (engines.length * barH) / 2 + 4}" text-anchor="end">${esc(r.name)}</text>`);
    engines.forEach((e, k) => {
      const v = rel[i][k];
      if (v === null) return;
      const w = Math.max(1, x(v) - left);
      out.push(`<rect x="${left}" y="${y0 + k * barH}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLORS[e]}"/>`,
        `<text x="${(left + w + 4).toFixed(1)}" y="${y0 + k * barH + barH - 3}" font-size="9" fill="#333">${v.toFixed(2)}x</text>`);
    });
  });
  out.push(`<text x="${left}" y="${height - 6}" fill="#555">time relative to the fastest engine for each benchmark (log scale; shorter is faster)</text>`, '</svg>');
  return out.join('\n') + '\n';
}

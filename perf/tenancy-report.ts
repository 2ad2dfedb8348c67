// Presentation of the tenancy figures (perf/tenancy.ts): a terminal block and a Markdown
// section, with the anchors issue 5 names to compare against.

import type { TenancyRecord } from './tenancy.js';

const us = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const kib = (x: number): string => (x / 1024).toFixed(0);
const mib = (x: number): string => (x / 2 ** 20).toFixed(0);

function rows(t: TenancyRecord): [string, string][] {
  const out: [string, string][] = [];
  for (const s of t.spawn) {
    out.push([`spawn ${s.program} (code cache and arena pool warm)`, `${us(s.spawnUs)} us in Sandbox.spawn(), ${us(s.spawnToExitUs)} us spawn to exit (${s.instructions} guest instructions, ${s.blocksTranslated} blocks translated over ${s.tenants} tenants)`]);
  }
  out.push([`memory per idle tenant (${t.idle.tenants} parked in read)`, `${kib(t.idle.rssBytesPerTenant)} KiB RSS, ${kib(t.idle.heapBytesPerTenant)} KiB of V8 heap`]);
  const sc = t.switchCost;
  out.push([`tenant switch (2 CPU-bound tenants, quantum ${sc.quantumSmall} vs ${sc.quantumLarge})`, `${sc.usPerSwitch.toFixed(2)} us per switch (${sc.switches.toFixed(0)} extra switches, ${sc.seconds[0].toFixed(3)} s vs ${sc.seconds[1].toFixed(3)} s)`]);
  const p = t.preemption;
  out.push([`preemption overhead (${p.program}, quantum ${p.quantum} vs unbounded)`, `${(p.overhead * 100).toFixed(1)}% (${p.secondsDefault.toFixed(3)} s vs ${p.secondsUnbounded.toFixed(3)} s)`]);
  const m = t.many;
  out.push([`${m.tenants} hello tenants spawned at once (limit ${mib(m.memoryLimit)} MiB each), run to completion`, `${m.seconds.toFixed(2)} s wall, ${m.tenantsPerSecond.toFixed(0)} tenants/s, peak RSS ${mib(m.peakRssBytes)} MiB, ${m.failures} failed`]);
  return out;
}

export function tenancyTerminal(t: TenancyRecord): string {
  const r = rows(t);
  const w = Math.max(...r.map(([k]) => k.length));
  return ['Tenancy', ...r.map(([k, v]) => `${k.padEnd(w)}  ${v}`)].join('\n');
}

export function tenancyMarkdown(t: TenancyRecord): string[] {
  return [
    '## Tenancy',
    '',
    `Measured in a separate Node process (\`node --expose-gc dist/perf/tenancy.js${t.quick ? ' --quick' : ''}\`), so memory figures are the tenants' own.`,
    '',
    '| figure | measured |',
    '| --- | --- |',
    ...rows(t).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    'Anchors (issue 5): Lucet spawns an instance in under 50 us and Wasmtime\'s pooling allocator in a few us; ' +
      'Cloudflare Workers isolates cost megabytes each; Vx32 allowed 256 guests per process.',
    '',
  ];
}

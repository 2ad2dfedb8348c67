// `npm run test:compat`: the compatibility suites nobody here wrote. Fetches their sources from
// Debian source packages (fetch.sh), builds gcc-12's gcc.c-torture/execute and Linux's
// selftests/x86 for i386, runs every program under vxts (tenants of one Sandbox) and under
// qemu-i386 for the baseline, compares with test/compat/expected-failures.json and prints a
// table and `compat: N passed, M failed` (N: programs passing under vxts, M: unexpected results).
// Exits 1 when anything is unexpected. docs/COMPAT.md tells the whole story.
//
// Options: --suite torture|selftests (repeatable), --only NAME[,NAME...], --no-qemu,
// --no-fetch, --jobs N (compilers, default: CPUs), --concurrency N (tenants at once, 12),
// --cpu-ms N (per program, 20000), --wall-ms N (per program, 120000), --verbose (a line per failing program as it ends),
// --opt "FLAGS" (torture only: another optimisation level instead of -O2, built apart; for
// exploring, the expected list is written for -O2).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll, CC, type BuildStats } from './build.js';
import { firstLine } from './exec.js';
import { judge, loadExpectations, type Verdict } from './expected.js';
import { printDetails, printSummary, type SuiteSummary } from './report.js';
import { QEMU, runQemu } from './run-qemu.js';
import { runVxts } from './run-vxts.js';
import { selftestPrograms } from './selftests.js';
import { torturePrograms } from './torture.js';
import { describe, passed, type Program, type RunOutcome } from './types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE = process.env.COMPAT_CACHE ?? join(ROOT, '.cache/compat');
const SUITES = ['torture', 'selftests'] as const;

interface Args { suites: string[]; only: Set<string> | null; qemu: boolean; fetch: boolean; jobs: number; concurrency: number; cpuMs: number; wallMs: number; verbose: boolean; opt: string[] | null }

function parseArgs(argv: string[]): Args {
  const a: Args = { suites: [], only: null, qemu: true, fetch: true, jobs: cpus().length, concurrency: 12, cpuMs: 20000, wallMs: 120_000, verbose: false, opt: null };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const val = () => { const v = argv[++i]; if (v === undefined) throw new Error(`${x} needs a value`); return v; };
    if (x === '--suite') a.suites.push(val());
    else if (x === '--only') a.only = new Set(val().split(','));
    else if (x === '--no-qemu') a.qemu = false;
    else if (x === '--no-fetch') a.fetch = false;
    else if (x === '--jobs') a.jobs = Number(val());
    else if (x === '--concurrency') a.concurrency = Number(val());
    else if (x === '--cpu-ms') a.cpuMs = Number(val());
    else if (x === '--wall-ms') a.wallMs = Number(val());
    else if (x === '--verbose') a.verbose = true;
    else if (x === '--opt') a.opt = val().split(/\s+/).filter((w) => w !== '');
    else throw new Error(`unknown option ${x}`);
  }
  if (a.suites.length === 0) a.suites = [...SUITES];
  for (const s of a.suites) if (!(SUITES as readonly string[]).includes(s)) throw new Error(`unknown suite ${s} (${SUITES.join(', ')})`);
  return a;
}

function programsOf(suite: string, skips: Readonly<Record<string, string>>, opt: string[] | null): Program[] {
  if (suite === 'torture') return torturePrograms(join(CACHE, 'src/gcc-12/execute'), opt ?? undefined);
  return selftestPrograms(join(CACHE, 'src/linux/tools/testing/selftests/x86'), skips);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  if (args.fetch) {
    const r = spawnSync('bash', [join(ROOT, 'test/compat/fetch.sh')], { stdio: 'inherit', env: { ...process.env, COMPAT_CACHE: CACHE } });
    if (r.status !== 0) throw new Error('fetching the suites failed (test/compat/fetch.sh)');
  }
  const compiler = await firstLine(CC, ['--version']);
  if (compiler === null) throw new Error(`${CC} not found: apt-get install gcc-i686-linux-gnu libc6-dev-i386-cross`);
  const qemuVersion = args.qemu ? await firstLine(QEMU, ['--version']) : null;
  if (args.qemu && qemuVersion === null) console.log(`compat: ${QEMU} not found: no baseline column`);
  console.log(`compat: compiler ${compiler}; baseline ${qemuVersion ?? 'none'}; ${args.jobs} build jobs, ${args.concurrency} tenants at once, ${args.cpuMs} ms CPU each`);

  const expectations = loadExpectations(join(ROOT, 'test/compat/expected-failures.json'));
  const rows: SuiteSummary[] = [];
  const dump: Record<string, unknown> = {};
  let vxtsPassed = 0, unexpected = 0;
  for (const suite of args.suites) {
    const exp = expectations[suite] ?? { skipped: {}, failures: {} };
    let programs = programsOf(suite, exp.skipped, args.opt);
    if (args.only !== null) programs = programs.filter((p) => args.only!.has(p.name));
    const tb = performance.now();
    const stats: BuildStats = { compiled: 0, cached: 0 };
    const buildDir = join(CACHE, 'build', suite === 'torture' && args.opt !== null ? `torture${args.opt.join('')}` : suite);
    const built = await buildAll(programs, buildDir, compiler, args.jobs, stats);
    const buildMs = performance.now() - tb;
    const runnable = built.filter((b) => b.binary !== undefined);
    console.log(`${suite}: ${programs.length} programs, ${programs.filter((p) => p.skip).length} skipped, ${runnable.length} built (${stats.compiled} compiled, ${stats.cached} cached) in ${(buildMs / 1000).toFixed(1)}s; running...`);

    const tr = performance.now();
    let done = 0;
    const progress = (name: string, o: RunOutcome) => {
      done++;
      if (args.verbose && !passed(o)) console.log(`  vxts ${name}: ${describe(o)}`);
      if (done % 250 === 0) console.log(`  vxts ${done}/${runnable.length} (${((performance.now() - tr) / 1000).toFixed(0)}s)`);
    };
    // vxts keeps this thread busy; qemu runs beside it in child processes.
    const [vxts, qemu] = await Promise.all([
      runVxts(runnable, { concurrency: args.concurrency, cpuMs: args.cpuMs, wallMs: args.wallMs, onDone: progress }),
      qemuVersion === null ? Promise.resolve(null)
        : runQemu(runnable, { version: qemuVersion, jobs: args.jobs, timeoutMs: 60_000, cacheFile: join(CACHE, `qemu-${suite}.json`), scratch: join(CACHE, 'scratch') }),
    ]);
    const runMs = performance.now() - tr;

    const verdicts: Verdict[] = judge(programs, built, vxts, exp, args.only === null);
    const vxtsPass = runnable.filter((b) => passed(vxts.get(b.program.name))).length;
    const qemuPass = qemu === null ? null : runnable.filter((b) => passed(qemu.get(b.program.name))).length;
    const bad = verdicts.filter((v) => !v.expected).length;
    rows.push({
      suite, programs: programs.length, built: runnable.length, buildFailed: built.length - runnable.length,
      skipped: programs.filter((p) => p.skip !== undefined).length, vxtsPass, vxtsFail: runnable.length - vxtsPass,
      qemuPass, qemuFail: qemuPass === null ? null : runnable.length - qemuPass,
      expectedFailures: verdicts.filter((v) => v.expected && (v.status === 'fail' || v.status === 'build-fail')).length,
      unexpected: bad, buildMs, runMs,
    });
    printDetails(suite, verdicts, exp.failures, vxts, qemu);
    const vxOnly = runnable.filter((b) => !passed(vxts.get(b.program.name)) && qemu !== null && passed(qemu.get(b.program.name))).map((b) => b.program.name);
    if (vxOnly.length > 0) console.log(`\n${suite}: failing under vxts but passing under qemu-i386: ${vxOnly.join(' ')}`);
    const slowest = [...vxts.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 5);
    console.log(`${suite}: slowest under vxts: ${slowest.map(([n, o]) => `${n} ${(o.ms / 1000).toFixed(1)}s`).join(', ')}`);
    vxtsPassed += vxtsPass;
    unexpected += bad;
    dump[suite] = {
      programs: programs.map((p) => ({ name: p.name, flags: p.flags, skip: p.skip })),
      build: Object.fromEntries(built.filter((b) => b.buildError !== undefined).map((b) => [b.program.name, b.buildError])),
      vxts: Object.fromEntries(vxts), qemu: qemu === null ? null : Object.fromEntries(qemu), verdicts,
    };
  }
  printSummary(rows);
  const totalMs = performance.now() - t0;
  console.log(`\ncompat: total ${(totalMs / 1000).toFixed(1)}s; details in ${join(CACHE, 'results.json')}`);
  writeFileSync(join(CACHE, 'results.json'), JSON.stringify({ date: new Date().toISOString(), compiler, qemu: qemuVersion, totalMs, rows, suites: dump }, null, 1));
  console.log(`compat: ${vxtsPassed} passed, ${unexpected} failed`);
  return unexpected > 0 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(`compat: ${(e as Error)?.stack ?? String(e)}`);
  console.log('compat: 0 passed, 1 failed');
  process.exitCode = 1;
});

// The embedding API (src/api/sandbox.ts): tenants with their output and exit reasons, every
// limit, kill/suspend/resume, policy and debug hooks, the default-deny file view, and 1,000
// tenants at once in one process: normal programs, spinners, crashers, floods, memory and fork
// bombs, with every normal tenant getting its exact output while the misbehaving ones are stopped.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, type TenantHandle, type TenantResult } from '../src/index';
import { assemble, loadAssembler } from './support/asm';
import { simpleProgram, TEXT, DATA } from './support/elf-builder';
import { outcome, type Outcome } from './support/tenant';

beforeAll(loadAssembler);

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'guests', 'bin');
const golden = (b: string): string => readFileSync(join(ROOT, 'test', 'golden', 'guests', `${b}.stdout`), 'utf8');
const program = (text: string, data?: Uint8Array): Uint8Array => simpleProgram(assemble(text, TEXT), { data });


/** Prints argv[1] and exits 0. */
const ECHO = () => program(`
  mov ecx, [esp+8]; xor edx, edx
  l: cmp byte ptr [ecx+edx], 0; je d; inc edx; jmp l
  d: mov eax, 4; mov ebx, 1; int 0x80
  mov eax, 1; xor ebx, ebx; int 0x80`);
const SPIN = () => program('l: jmp l');
const CRASH = () => program('mov eax, dword ptr [0]');
/** Writes 16 bytes to stdout forever. */
const FLOOD = () => program(`l: mov eax, 4; mov ebx, 1; mov ecx, ${DATA}; mov edx, 16; int 0x80; jmp l`, new Uint8Array(16).fill(0x41));
/** mmap2s 1 MiB at a time, touching each, until refused: then exit(3). */
const MEMBOMB = () => program(`
  l: mov eax, 192; xor ebx, ebx; mov ecx, 0x100000; mov edx, 3; mov esi, 0x22; mov edi, -1; xor ebp, ebp; int 0x80
  cmp eax, 0xfffff000; jae f; mov dword ptr [eax], eax; jmp l
  f: mov ebx, 3; mov eax, 1; int 0x80`);
/** Every process forks in a loop until refused: then exit(4). */
const FORKBOMB = () => program(`
  l: mov eax, 2; int 0x80; test eax, eax; js f; jmp l
  f: mov ebx, 4; mov eax, 1; int 0x80`);

describe('Sandbox', () => {
  test('runs a C program with arguments and stdin, output on streams', async () => {
    const sb = new Sandbox();
    const { out, r } = await outcome(sb.spawn(join(BIN, 'hello-musl'), { argv: ['bin/hello-musl', 'a', 'two words'] }));
    expect(out).toBe(golden('hello-musl'));
    expect(r).toMatchObject({ code: 0, signal: null, reason: 'exit' });
    expect(r.stats.instructions).toBeGreaterThan(1000);
    expect(r.stats.syscalls).toBeGreaterThan(0);
    expect(r.stats.blocksTranslated).toBeGreaterThan(0);
    const s = await outcome(sb.spawn(join(BIN, 'stdin-musl'), { argv: ['bin/stdin-musl'], stdin: readFileSync(join(ROOT, 'guests', 'stdin.txt'), 'utf8') }));
    expect(s.out).toBe(golden('stdin-musl'));
  });

  test('instruction limit stops a spinning tenant: cpu-limit, SIGXCPU', async () => {
    const { r } = await outcome(new Sandbox().spawn(SPIN(), { limits: { instructions: 5_000_000 } }));
    expect(r).toMatchObject({ code: null, signal: 24, reason: 'cpu-limit' });
    expect(r.stats.instructions).toBeGreaterThanOrEqual(5_000_000);
    expect(r.stats.instructions).toBeLessThan(5_000_100);
  });

  test('CPU time limit stops a spinning tenant', async () => {
    const { r } = await outcome(new Sandbox().spawn(SPIN(), { limits: { cpuMs: 50 } }));
    expect(r).toMatchObject({ signal: 24, reason: 'cpu-limit' });
    expect(r.stats.cpuMs).toBeGreaterThanOrEqual(50);
  });

  test('output limit cuts at the limit and kills: output-limit, SIGXFSZ', async () => {
    const { out, r } = await outcome(new Sandbox().spawn(FLOOD(), { limits: { output: 1000 } }));
    expect(out).toBe('A'.repeat(1000));
    expect(r).toMatchObject({ signal: 25, reason: 'output-limit' });
  });

  test('memory limit refuses mmap with ENOMEM; the guest sees it and exits', async () => {
    const { r } = await outcome(new Sandbox().spawn(MEMBOMB(), { limits: { memory: 32 << 20 } }));
    expect(r).toMatchObject({ code: 3, reason: 'memory-limit' });
    expect(r.stats.memoryRefusals).toBe(1);
  });

  test('process limit makes fork fail with EAGAIN', async () => {
    const { r } = await outcome(new Sandbox().spawn(FORKBOMB(), { limits: { processes: 8, instructions: 50_000_000 } }));
    expect(r).toMatchObject({ code: 4, reason: 'exit' });
    expect(r.stats.processRefusals).toBeGreaterThan(0);
  });

  test('a crash is reported with its signal', async () => {
    const { r } = await outcome(new Sandbox().spawn(CRASH()));
    expect(r).toMatchObject({ code: null, signal: 11, reason: 'signal' });
  });

  test('kill, suspend and resume', async () => {
    const sb = new Sandbox();
    const t = sb.spawn(SPIN());
    await new Promise((r) => setTimeout(r, 20));
    t.suspend();
    expect(t.state).toBe('suspended');
    await new Promise((r) => setTimeout(r, 5));
    const held = (await Promise.race([t.exited, new Promise((r) => setTimeout(() => r('held'), 20))]));
    expect(held).toBe('held');
    t.resume();
    t.kill();
    const r = await t.exited;
    expect(r).toMatchObject({ signal: 9, reason: 'killed' });
    expect(t.state).toBe('exited');
    expect(sb.tenants.size).toBe(0);
  });

  test('policy refuses a call before it runs; debug reports every call', async () => {
    const events: string[] = [];
    const t = new Sandbox().spawn(ECHO(), {
      argv: ['echo', 'hi'],
      policy: { syscall: (c) => (c.name === 'write' ? 13 : 'allow') },
      debug: (e) => events.push(`${e.name}=${e.result}`),
    });
    const { out, r } = await outcome(t);
    expect(out).toBe('');
    expect(r.code).toBe(0);
    // exit does not return, so it has no completion event.
    expect(events).toEqual(['write=-13']);
  });

  test('default-deny file view: no host files, only /tmp, /dev, /proc and the mounts given', async () => {
    // open("/etc/passwd") then exit with -errno (ENOENT: 2).
    const path = new Uint8Array(Buffer.from('/etc/passwd\0'));
    const openAndExit = program(`mov eax, 5; mov ebx, ${DATA}; xor ecx, ecx; int 0x80; neg eax; mov ebx, eax; mov eax, 1; int 0x80`, path);
    const { r } = await outcome(new Sandbox().spawn(openAndExit));
    expect(r.code).toBe(2);
    const mounted = await outcome(new Sandbox().spawn(join(BIN, 'readdir-musl'), { argv: ['readdir', 'data'], cwd: '/w', mounts: [{ host: join(ROOT, 'guests'), guest: '/w', readOnly: true }] }));
    expect(mounted.out).toBe(golden('readdir-musl'));
  });
});

test('1,000 tenants at once: normal ones finish with their output while the others are stopped', async () => {
  const sb = new Sandbox();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const kinds: { name: string; make: () => Uint8Array | string; n: number; limits?: object; check: (o: { out: string; r: TenantResult }, i: number) => void; argv?: (i: number) => string[] }[] = [
    { name: 'echo', make: ECHO, n: 820, argv: (i) => ['echo', `tenant ${i}\n`], check: ({ out, r }, i) => { expect(out).toBe(`tenant ${i}\n`); expect(r.reason).toBe('exit'); expect(r.code).toBe(0); } },
    { name: 'hello-musl', make: () => join(BIN, 'hello-musl'), n: 20, argv: () => ['bin/hello-musl', 'a', 'two words'], check: ({ out, r }) => { expect(out).toBe(golden('hello-musl')); expect(r.code).toBe(0); } },
    { name: 'strings-musl', make: () => join(BIN, 'strings-musl'), n: 5, argv: () => ['bin/strings-musl'], check: ({ out, r }) => { expect(out).toBe(golden('strings-musl')); expect(r.code).toBe(0); } },
    { name: 'spin', make: SPIN, n: 40, limits: { instructions: 10_000_000 }, check: ({ r }) => { expect(r.reason).toBe('cpu-limit'); expect(r.signal).toBe(24); } },
    { name: 'crash', make: CRASH, n: 40, check: ({ r }) => { expect(r.reason).toBe('signal'); expect(r.signal).toBe(11); } },
    { name: 'flood', make: FLOOD, n: 30, limits: { output: 4096 }, check: ({ out, r }) => { expect(out.length).toBe(4096); expect(r.reason).toBe('output-limit'); } },
    { name: 'membomb', make: MEMBOMB, n: 30, limits: { memory: 24 << 20 }, check: ({ r }) => { expect(r.reason).toBe('memory-limit'); expect(r.code).toBe(3); } },
    { name: 'forkbomb', make: FORKBOMB, n: 15, limits: { processes: 4, instructions: 20_000_000 }, check: ({ r }) => { expect(r.stats.processRefusals).toBeGreaterThan(0); expect(r.code).toBe(4); } },
  ];
  const cache = new Map<string, Uint8Array | string>();
  const runs: { kind: (typeof kinds)[number]; i: number; at: number; done: Promise<{ out: string; err: string; r: TenantResult }> }[] = [];
  const t0 = performance.now();
  let spawnMs = 0;
  // Interleave the kinds, so spinners run alongside everything else.
  const total = kinds.reduce((s, k) => s + k.n, 0);
  const left = kinds.map((k) => k.n);
  for (let i = 0; runs.length < total; i++) {
    const k = i % kinds.length;
    if (left[k] === 0) continue;
    left[k]--;
    const kind = kinds[k];
    if (!cache.has(kind.name)) cache.set(kind.name, kind.make());
    const s0 = performance.now();
    // A 256 MiB window (the programs are linked at 0x08048000) instead of 1 GiB: each arena is
    // one ArrayBuffer, and V8 answers big external allocations with garbage collections.
    const t = sb.spawn(cache.get(kind.name)!, { argv: kind.argv?.(runs.length), limits: kind.limits, deterministic: true, addressSpace: 256 << 20 });
    spawnMs += performance.now() - s0;
    runs.push({ kind, i: runs.length, at: s0, done: outcome(t) });
  }
  expect(runs.length).toBeGreaterThanOrEqual(1000);
  expect(sb.tenants.size).toBe(runs.length);
  // The event loop stays responsive while the tenants run: a timer fires on time, give or take.
  let ticks = 0;
  const timer = setInterval(() => { ticks++; rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 10);
  const results = await Promise.all(runs.map((x) => x.done));
  clearInterval(timer);
  const wall = performance.now() - t0;
  if (process.env.SANDBOX_DEBUG) {
    for (const k of kinds) {
      const w = results.filter((_, n) => runs[n].kind === k).map((o) => o.r.stats);
      process.stdout.write(`${k.name}: wall ${Math.min(...w.map((x) => x.wallMs)).toFixed(0)}..${Math.max(...w.map((x) => x.wallMs)).toFixed(0)} cpu ${w.reduce((a, x) => a + x.cpuMs, 0).toFixed(0)} insns ${w.reduce((a, x) => a + x.instructions, 0)} blocks ${w.reduce((a, x) => a + x.blocksTranslated, 0)}\n`);
    }
    process.stdout.write(`spawn ${spawnMs.toFixed(0)} ms total, wall ${wall.toFixed(0)}\n`);
  }
  results.forEach((o, n) => runs[n].kind.check(o, runs[n].i));
  expect(ticks).toBeGreaterThan(0);
  // Host memory stays bounded: what the memory bombs' limits allow (24 MiB each) plus an
  // allowance per tenant (arena pages touched, process state, streams) and the engine's own
  // growth (translations, V8 heap). Measured here: about +600 MiB at peak for the 1,000.
  const MiB = 1 << 20;
  expect(rssPeak - rssBefore).toBeLessThan(30 * 24 * MiB + 1000 * MiB / 2 + 300 * MiB);
  // Normal tenants are not held up behind the spinners: each finished before the first spinner was
  // stopped. Compared as moments (spawn time + the tenant's wall time), since spawns are spread out.
  const endOf = (n: number) => runs[n].at + results[n].r.stats.wallMs;
  const spinEnd = Math.min(...results.map((_, n) => n).filter((n) => runs[n].kind.name === 'spin').map(endOf));
  const echoEnd = Math.max(...results.map((_, n) => n).filter((n) => runs[n].kind.name === 'echo').map(endOf));
  expect(echoEnd).toBeLessThan(spinEnd);
  expect(sb.tenants.size).toBe(0);
  process.stdout.write(`sandbox: ${runs.length} tenants, wall ${wall.toFixed(0)} ms, spawn ${(spawnMs * 1000 / runs.length).toFixed(0)} µs/tenant, ` +
    `last echo done at ${echoEnd.toFixed(0)} ms, first spinner stopped at ${spinEnd.toFixed(0)} ms, ${ticks} timer ticks, ` +
    `host RSS +${((rssPeak - rssBefore) / 2 ** 20).toFixed(0)} MiB at peak\n`);
}, 300_000);

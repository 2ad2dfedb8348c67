// `workers: N` (src/api/worker-pool.ts): tenants spread over worker threads behave exactly as on
// one thread (same output, results and limits), kill/suspend/resume and policy hooks work across
// threads, output backpressure holds across the thread boundary, a dying worker settles its
// tenants, the README's workers example runs, and a measured (printed, not asserted) throughput
// figure for workers 1 vs 2.
//
// Under jest the workers run the TypeScript sources through module hooks (src/api/worker-start.ts),
// so no build is needed; the first spawn of each pooled Sandbox pays for that (about a second).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isMainThread } from 'node:worker_threads';
import * as ts from 'typescript';
import { Sandbox, SpawnError, type TenantResult, type TenantSpawnOptions } from '../src/index';
import type { TenantHandle } from '../src/api/tenant-handle';
import { assemble, loadAssembler } from './support/asm';
import { simpleProgram, TEXT, DATA } from './support/elf-builder';
import { outcome, type Outcome } from './support/tenant';

beforeAll(loadAssembler);

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'guests', 'bin');
const golden = (b: string): string => readFileSync(join(ROOT, 'test', 'golden', 'guests', `${b}.stdout`), 'utf8');
const program = (text: string, data?: Uint8Array): Uint8Array => simpleProgram(assemble(text, TEXT), { data });
const STDIN = readFileSync(join(ROOT, 'guests', 'stdin.txt'), 'utf8');

const SPIN = () => program('l: jmp l');
const CRASH = () => program('mov eax, dword ptr [0]');
/** Writes 16 bytes to stdout forever. */
const FLOOD = () => program(`l: mov eax, 4; mov ebx, 1; mov ecx, ${DATA}; mov edx, 16; int 0x80; jmp l`, new Uint8Array(16).fill(0x41));
/** Prints argv[1] and exits 0. */
const ECHO = () => program(`
  mov ecx, [esp+8]; xor edx, edx
  l: cmp byte ptr [ecx+edx], 0; je d; inc edx; jmp l
  d: mov eax, 4; mov ebx, 1; int 0x80
  mov eax, 1; xor ebx, ebx; int 0x80`);


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pool's workers, for the tests that look inside (live counts, killing one). */
interface SlotView { worker: { terminate(): Promise<number> }; live: number }
const slotsOf = (sb: Sandbox): (SlotView | null)[] => (sb as unknown as { pool: { slots: (SlotView | null)[] } }).pool.slots;

let pooled: Sandbox;
beforeAll(() => { pooled = new Sandbox({ workers: 2 }); });
afterAll(async () => { await pooled.close(); });

test('80 tenants on 2 workers: the same output and results as on one thread', async () => {
  const spin = SPIN(), flood = FLOOD(), crash = CRASH();
  const kinds: { make: () => Uint8Array | string; o: TenantSpawnOptions }[] = [
    { make: () => join(BIN, 'hello-musl'), o: { argv: ['bin/hello-musl', 'a', 'two words'] } },
    { make: () => join(BIN, 'stdin-musl'), o: { argv: ['bin/stdin-musl'], stdin: STDIN } },
    { make: () => join(BIN, 'sigsegv-musl'), o: { argv: ['bin/sigsegv-musl'] } },
    { make: () => join(BIN, 'fork-pipe-musl'), o: { argv: ['bin/fork-pipe-musl'] } },
    { make: () => spin, o: { limits: { instructions: 3_000_000 } } },
    { make: () => flood, o: { limits: { output: 5000 } } },
    { make: () => join(BIN, 'readdir-musl'), o: { argv: ['readdir', 'data'], cwd: '/w', mounts: [{ host: join(ROOT, 'guests'), guest: '/w', readOnly: true }] } },
    { make: () => crash, o: {} },
  ];
  const run = async (sb: Sandbox): Promise<Outcome[]> => {
    const ts: TenantHandle[] = [];
    for (let i = 0; i < 80; i++) {
      const k = kinds[i % kinds.length];
      ts.push(sb.spawn(k.make(), { ...k.o, deterministic: true, addressSpace: 256 << 20 }));
    }
    if (sb !== pooled) return Promise.all(ts.map(outcome));
    // Least loaded placement: 80 spawns in a row go 40 and 40.
    expect(slotsOf(sb).map((s) => s?.live)).toEqual([40, 40]);
    return Promise.all(ts.map(outcome));
  };
  const one = await run(new Sandbox());
  const two = await run(pooled);
  const view = (o: Outcome) => ({ out: o.out, err: o.err, code: o.r.code, signal: o.r.signal, reason: o.r.reason, message: o.r.message, insns: o.r.stats.instructions, bytes: o.r.stats.outputBytes });
  expect(two.map(view)).toEqual(one.map(view));
  // And they are right, not merely alike.
  expect(two[0].out).toBe(golden('hello-musl'));
  expect(two[1].out).toBe(golden('stdin-musl'));
  expect(two[2].out).toBe(golden('sigsegv-musl'));
  expect(two[3].out).toBe(golden('fork-pipe-musl'));
  expect(two[4].r).toMatchObject({ signal: 24, reason: 'cpu-limit' });
  expect(two[5].out).toBe('A'.repeat(5000));
  expect(two[5].r).toMatchObject({ signal: 25, reason: 'output-limit' });
  expect(two[6].out).toBe(golden('readdir-musl'));
  expect(two[7].r).toMatchObject({ code: null, signal: 11, reason: 'signal' });
  expect(pooled.tenants.size).toBe(0);
}, 120_000);

test('stdin from a Node Readable is forwarded chunk by chunk, with its end', async () => {
  const chunks = STDIN.match(/[\s\S]{1,7}/g)!;
  const o = await outcome(pooled.spawn(join(BIN, 'stdin-musl'), { argv: ['bin/stdin-musl'], stdin: Readable.from(chunks.map((c) => Buffer.from(c))) }));
  expect(o.out).toBe(golden('stdin-musl'));
  expect(o.r.code).toBe(0);
});

test('kill, suspend and resume across threads', async () => {
  // Suspended before the worker starts it, a short program is held at its first slice.
  const h = pooled.spawn(join(BIN, 'hello-musl'), { argv: ['bin/hello-musl', 'a', 'two words'] });
  h.suspend();
  expect(h.state).toBe('suspended');
  const done = outcome(h);
  expect(await Promise.race([h.exited, sleep(300).then(() => 'held')])).toBe('held');
  h.resume();
  expect(h.state).toBe('running');
  const o = await done;
  expect(o.out).toBe(golden('hello-musl'));
  expect(o.r.code).toBe(0);
  // A spinner is killed wherever it is, suspended or not.
  const t = pooled.spawn(SPIN());
  await sleep(50);
  t.suspend();
  await sleep(20);
  t.kill();
  const r = await t.exited;
  expect(r).toMatchObject({ code: null, signal: 9, reason: 'killed' });
  expect(t.state).toBe('exited');
});

test('policy hooks decide on the main thread; debug events come back as syscall events', async () => {
  const seen: { main: boolean; name: string }[] = [];
  const t = pooled.spawn(ECHO(), {
    argv: ['echo', 'hi'],
    policy: { syscall: (c) => { seen.push({ main: isMainThread, name: c.name }); return c.name === 'write' ? 13 : 'allow'; } },
    debug: true,
  });
  const events: string[] = [];
  t.on('syscall', (e: { name: string; result: number }) => events.push(`${e.name}=${e.result}`));
  const { out, r } = await outcome(t);
  expect(out).toBe('');
  expect(r.code).toBe(0);
  expect(events).toEqual(['write=-13']);
  expect(seen).toEqual([{ main: true, name: 'write' }, { main: true, name: 'exit' }]);
  // A hook that throws fails closed (EPERM), as on one thread; a debug function is called here.
  const calls: number[] = [];
  const thrown = await outcome(pooled.spawn(ECHO(), {
    argv: ['echo', 'hi'], policy: { syscall: (c) => { if (c.name === 'write') throw new Error('no'); } }, debug: (e) => calls.push(e.result),
  }));
  expect(thrown.out).toBe('');
  expect(calls).toEqual([-1]);
});

test('a flooding tenant nobody reads is held by credit, not buffered without bound', async () => {
  const t = pooled.spawn(FLOOD());
  // Until the output stops growing: the guest is then blocked in write().
  let seen = -1;
  while (t.stdout.readableLength === 0 || t.stdout.readableLength !== seen) { seen = t.stdout.readableLength; await sleep(200); }
  // The main side holds what the worker sent; the worker stops at OUTPUT_WINDOW (256 KiB) unread.
  expect(t.stdout.readableLength).toBeLessThanOrEqual(256 * 1024 + 64 * 1024);
  expect(t.stdout.readableLength).toBeGreaterThan(0);
  t.kill();
  const r = await t.exited;
  // What the guest managed to write: the window plus the worker-side stream buffer, no more.
  expect(r.stats.outputBytes).toBeLessThan(512 * 1024);
  // Reading now drains what was sent, then the stream ends.
  let n = 0;
  for await (const c of t.stdout) n += (c as Buffer).length;
  expect(n).toBe(r.stats.outputBytes);
});

test('spawn errors are thrown by spawn, as on one thread', () => {
  expect(() => pooled.spawn(new Uint8Array([1, 2, 3]))).toThrow(SpawnError);
  expect(() => pooled.spawn(join(BIN, 'hello-musl'), { mounts: [{ host: join(ROOT, 'no-such-dir'), guest: '/x' }] })).toThrow(/does not exist/);
  expect(() => pooled.spawn(join(BIN, 'no-such-program'))).toThrow(SpawnError);
});

test('what only the worker can find ends the tenant with a message', async () => {
  const r = await pooled.spawn(join(BIN, 'hello-musl'), { cwd: '/no/such/dir' }).exited;
  expect(r).toMatchObject({ reason: 'killed', message: expect.stringMatching(/^could not start: .*no such directory/) });
});

test('a worker that dies settles every tenant it held; the next spawn gets a new worker', async () => {
  const sb = new Sandbox({ workers: 2 });
  const ts = Array.from({ length: 6 }, () => sb.spawn(SPIN()));
  await sleep(50);
  const victim = slotsOf(sb)[0]!;
  await victim.worker.terminate();
  // Tenants 0, 2 and 4 were on worker 0.
  const rs = await Promise.all([ts[0], ts[2], ts[4]].map((t) => t.exited));
  for (const r of rs) expect(r).toMatchObject({ reason: 'killed', signal: 9, message: expect.stringMatching(/worker thread 0/) });
  expect([ts[1], ts[3], ts[5]].map((t) => t.state)).toEqual(['running', 'running', 'running']);
  const again = await outcome(sb.spawn(join(BIN, 'hello-musl'), { argv: ['bin/hello-musl', 'a', 'two words'] }));
  expect(again.out).toBe(golden('hello-musl'));
  await sb.close();
  for (const t of [ts[1], ts[3], ts[5]]) expect((await t.exited).reason).toBe('killed');
  expect(() => sb.spawn(SPIN())).toThrow(/closed/);
}, 60_000);

test('throughput: 200 hello tenants, workers 1 vs 2 (printed, not asserted)', async () => {
  const hello = join(BIN, 'hello-musl');
  const batch = async (sb: Sandbox, n: number): Promise<number> => {
    const t0 = performance.now();
    const rs = await Promise.all(Array.from({ length: n }, () => outcome(sb.spawn(hello, { argv: ['hello'], addressSpace: 256 << 20 }))));
    for (const o of rs) expect(o.r.code).toBe(0);
    return performance.now() - t0;
  };
  const one = new Sandbox();
  const two = new Sandbox({ workers: 2 });
  // Warm both (workers started, code compiled and translations cached) before measuring.
  await batch(one, 20);
  await batch(two, 20);
  const ms1 = await batch(one, 200);
  const ms2 = await batch(two, 200);
  await two.close();
  process.stdout.write(`workers throughput: 200 hello-musl tenants, workers 1 ${ms1.toFixed(0)} ms (${(200_000 / ms1).toFixed(0)}/s), ` +
    `workers 2 ${ms2.toFixed(0)} ms (${(200_000 / ms2).toFixed(0)}/s), ${(ms1 / ms2).toFixed(2)}x\n`);
}, 120_000);

test("the README's workers example runs and prints what it claims", async () => {
  // As test/readme.test.ts does for the other examples: import turned into a require of the source.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const code = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('workers: 2'))!;
  const claimed = /console\.log\(.*\);\s*\/\/ (.*)/.exec(code)?.[1];
  expect(claimed).toBe('exit exit exit');
  const body = code.replace(/^import \{([^}]*)\} from 'vxts';/m, 'const {$1} = require("../src/index");');
  const js = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const printed: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const fakeConsole = { log: (...args: unknown[]) => { printed.push(args.join(' ')); resolve(); }, error: reject };
    new Function('require', 'console', js)(require, fakeConsole);
  });
  expect(printed).toEqual([claimed]);
}, 60_000);

// What makes a tenant cheap, and what must never leak through it: recycled arenas (zeroed,
// the old owner's object revoked), the grows-down stack, and translations shared by content
// (a hit only for identical bytes; code written at run time stays private).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../src/engine/machine';
import { SharedCodeCache } from '../src/engine/code-cache';
import { ArenaPool } from '../src/memory/arena-pool';
import { Arena, GuestFault, Perm } from '../src/memory/arena';
import { Sandbox } from '../src/api/sandbox';
import { CODE, DATA, guest, loadAssembler, runToStop } from './support/guest';
import { assemble } from './support/asm';
import { simpleProgram, TEXT, DATA as ELF_DATA } from './support/elf-builder';

beforeAll(loadAssembler);

const RW = Perm.Read | Perm.Write;
const MiB = 1 << 20;

describe('arena pool', () => {
  test('a released window comes back zeroed with no page mapped, and the old object is revoked', () => {
    const pool = new ArenaPool({ slabBytes: 64 * MiB });
    const a = pool.acquire(16 * MiB);
    a.map(0x10000, 0x3000, RW);
    a.write32(0x10ffc, 0x5ec2e7);
    a.u8.fill(0xaa, 0x11000, 0x13000);
    pool.release(a);
    // The old owner's object is a window of size 0: nothing is readable through it.
    expect(a.size).toBe(0);
    expect(a.u8.length).toBe(0);
    expect(a.check(0x10000, 4, Perm.Read)).toBe(false);
    expect(() => a.read32(0x10ffc)).toThrow(GuestFault);
    // The next tenant gets the same window (the only free one of a 4-window slab after 3 more).
    const next = [pool.acquire(16 * MiB), pool.acquire(16 * MiB), pool.acquire(16 * MiB), pool.acquire(16 * MiB)];
    expect(pool.stats.slabs).toBe(1);
    for (const b of next) {
      expect(b.size).toBe(16 * MiB);
      expect(b.usedPages).toEqual([]);
      expect(b.check(0x10000, 4, Perm.Read)).toBe(false);
      expect(b.u8.subarray(0x10000, 0x13000).every((x) => x === 0)).toBe(true);
    }
    // A fifth window needs a second slab.
    pool.acquire(16 * MiB);
    expect(pool.stats.slabs).toBe(2);
  });

  test('windows of one slab are disjoint: writes in one never show in another', () => {
    const pool = new ArenaPool({ slabBytes: 64 * MiB });
    const a = pool.acquire(16 * MiB), b = pool.acquire(16 * MiB);
    expect(a.buffer).toBe(b.buffer);
    a.map(0, 16 * MiB, RW);
    b.map(0, 16 * MiB, RW);
    a.u8.fill(0x41);
    expect(b.u8.some((x) => x !== 0)).toBe(false);
    // The views end at the window: an index past it reads nothing, not the neighbour.
    expect(a.u8[16 * MiB]).toBeUndefined();
    expect(() => a.read8(16 * MiB)).toThrow(GuestFault);
  });
});

describe('grows-down stack', () => {
  function stackArena(): Arena {
    const a = new Arena(64 * MiB);
    const top = 64 * MiB, floor = top - 8 * MiB, bottom = top - 128 * 1024;
    a.map(bottom, top - bottom, RW);
    a.growth = { floor, bottom, perm: RW };
    return a;
  }

  test('a touch anywhere in the stack range maps from there up; below the floor faults', () => {
    const a = stackArena();
    const top = 64 * MiB;
    expect(a.check(top - MiB, 4, Perm.Read)).toBe(false);
    a.write32(top - MiB, 7); // grows
    expect(a.read32(top - MiB)).toBe(7);
    expect(a.check(top - MiB, MiB, RW)).toBe(true);
    expect(() => a.write32(top - 8 * MiB - 4, 1)).toThrow(GuestFault);
    expect(a.usedPages.length).toBe(256); // 1 MiB of pages, not 8 MiB
  });

  test('a mapping placed inside the range stops growth above it', () => {
    const a = stackArena();
    const top = 64 * MiB;
    a.map(top - 4 * MiB, 0x1000, Perm.Read); // e.g. MAP_FIXED into the unused stack
    expect(a.growth?.floor).toBe(top - 4 * MiB + 0x1000);
    expect(() => a.write32(top - 5 * MiB, 1)).toThrow(GuestFault);
    a.write32(top - 2 * MiB, 1);
    expect(a.read32(top - 2 * MiB)).toBe(1);
  });

  test('a guest recursing deep into the stack grows it, as on Linux', () => {
    // 4 MiB of pushes, far below the 64 KiB mapped at start, inside a growth range of 8 MiB.
    const top = 0x0400_0000;
    const m = guest('mov ecx, 0x100000; l: push ecx; loop l; int 0x80');
    m.memory.map(top - 0x10000, 0x10000, RW);
    m.memory.growth = { floor: top - 8 * MiB, bottom: top - 0x10000, perm: RW };
    m.setReg(4, top);
    expect(runToStop(m)).toEqual({ kind: 'syscall' });
    expect(m.reg(4)).toBe(top - 4 * MiB);
    expect(m.memory.read32(top - 4 * MiB)).toBe(1);
    // Past the floor it is a fault, as running off an 8 MiB stack is on Linux.
    const deep = guest('mov ecx, 0x300000; l: push ecx; loop l; int 0x80');
    deep.memory.map(top - 0x10000, 0x10000, RW);
    deep.memory.growth = { floor: top - 8 * MiB, bottom: top - 0x10000, perm: RW };
    deep.setReg(4, top);
    expect(runToStop(deep)).toMatchObject({ kind: 'fault', signal: 11, address: top - 8 * MiB - 4 });
  });
});

describe('translations shared by content', () => {
  const text = 'mov ecx, 1000; xor eax, eax; l: add eax, ecx; loop l; int 0x80';

  test('a second machine with the same code runs the first one\'s translations', () => {
    const cache = new SharedCodeCache();
    const a = guest(text, { codeCache: cache });
    expect(runToStop(a)).toEqual({ kind: 'syscall' });
    expect(a.stats.blocksTranslated).toBeGreaterThan(0);
    const b = guest(text, { codeCache: cache });
    expect(runToStop(b)).toEqual({ kind: 'syscall' });
    expect(b.stats.blocksTranslated).toBe(0);
    expect(b.stats.sharedHits).toBeGreaterThan(0);
    expect(b.reg(0)).toBe(a.reg(0));
    expect(b.reg(0)).toBe(500500);
  });

  test('different bytes at the same address are never taken for the same code', () => {
    const cache = new SharedCodeCache();
    const a = guest('mov eax, 1; int 0x80', { codeCache: cache });
    runToStop(a);
    const b = guest('mov eax, 2; int 0x80', { codeCache: cache });
    runToStop(b);
    expect(a.reg(0)).toBe(1);
    expect(b.reg(0)).toBe(2);
    expect(b.stats.sharedHits).toBe(0);
    expect(b.stats.blocksTranslated).toBe(1);
  });

  test('code on writable pages (run-time code, self-modifying code) stays private', () => {
    const cache = new SharedCodeCache();
    const smc = 'mov byte ptr [target + 1], 0x55; target: mov eax, 0x11111111; int 0x80';
    const a = guest(smc, { codeCache: cache, codePerm: Perm.Write });
    expect(a.run(100)).toEqual({ kind: 'syscall' });
    expect(a.reg(0)).toBe(0x11111155);
    expect(cache.size).toBe(0);
    expect(cache.stats.refused).toBeGreaterThan(0);
    // Run-time code in a data page made executable: not offered either.
    const gen = guest(`mov byte ptr [${DATA}], 0xc3; mov ecx, ${DATA}; call ecx; int 0x80`, { codeCache: cache });
    gen.memory.protect(DATA, 0x1000, Perm.Read | Perm.Write | Perm.Exec);
    expect(runToStop(gen)).toEqual({ kind: 'syscall' });
    // Every block it translated was offered; all but the one at DATA (writable) were kept.
    expect(cache.size).toBe(gen.stats.blocksTranslated - 1);
  });

  test('a tenant that rewrites shared code (after mprotect) changes only its own copy', () => {
    const cache = new SharedCodeCache();
    const code = 'mov eax, 0x11111111; int 0x80';
    const a = guest(code, { codeCache: cache });
    const b = guest(code, { codeCache: cache });
    runToStop(a);
    // b makes its text writable and patches it; the translation it shares must not run for it.
    b.memory.protect(CODE, 0x1000, Perm.Read | Perm.Write | Perm.Exec);
    b.memory.write8(CODE + 1, 0x22);
    expect(runToStop(b)).toEqual({ kind: 'syscall' });
    expect(b.reg(0)).toBe(0x11111122);
    const c = guest(code, { codeCache: cache });
    runToStop(c);
    expect(c.reg(0)).toBe(0x11111111);
    expect(c.stats.sharedHits).toBeGreaterThan(0);
  });

  test('a machine without the shared cache translates everything itself', () => {
    const a = guest(text, { codeCache: null });
    runToStop(a);
    const b = guest(text, { codeCache: null });
    runToStop(b);
    expect(b.stats.blocksTranslated).toBe(a.stats.blocksTranslated);
    expect(b.stats.sharedHits).toBe(0);
  });
});

describe('tenants of one binary', () => {
  test('the second tenant of a program translates nothing and prints the same', async () => {
    const bin = join(__dirname, '..', 'guests', 'bin', 'hello-musl');
    const sb = new Sandbox();
    const run = async () => {
      const t = sb.spawn(readFileSync(bin), { argv: ['hello'] });
      let out = '';
      t.stdout.on('data', (c: Buffer) => { out += c.toString(); });
      const r = await t.exited;
      return { out, r };
    };
    const first = await run();
    const second = await run();
    expect(first.r.code).toBe(0);
    expect(second.r.code).toBe(0);
    expect(second.out).toBe(first.out);
    expect(second.out.length).toBeGreaterThan(0);
    expect(second.r.stats.blocksTranslated).toBe(0);
  });

  test('a machine released twice, or used after release, cannot reach a new tenant\'s memory', () => {
    const m = new Machine({ memorySize: 16 * MiB });
    m.memory.map(0x10000, 0x1000, RW);
    m.memory.write32(0x10000, 0x5ec2e7);
    const stale = m.memory;
    m.release();
    m.release();
    const n = new Machine({ memorySize: 16 * MiB });
    n.memory.map(0x10000, 0x1000, RW);
    expect(n.memory.read32(0x10000)).toBe(0);
    n.memory.write32(0x10000, 0x1234);
    expect(() => stale.read32(0x10000)).toThrow(GuestFault);
    expect(stale.u8.length).toBe(0);
  });
});

describe('one memory limit per tenant, forks included', () => {
  // fork; the parent maps 12 MiB at once and waits; the child then asks for 12 MiB more and
  // exits with its errno (0 when it got it); the parent exits with the child's status.
  const mmap12 = 'mov eax, 192; xor ebx, ebx; mov ecx, 0xc00000; mov edx, 3; mov esi, 0x22; mov edi, -1; xor ebp, ebp; int 0x80';
  const text = `
    mov eax, 2; int 0x80
    test eax, eax; jz child
    ${mmap12}
    mov eax, 114; mov ebx, -1; mov ecx, ${ELF_DATA}; xor edx, edx; xor esi, esi; int 0x80
    movzx ebx, byte ptr [${ELF_DATA + 1}]
    mov eax, 1; int 0x80
  child:
    ${mmap12}
    xor ebx, ebx
    cmp eax, -4096; jbe done
    neg eax; mov ebx, eax
  done:
    mov eax, 1; int 0x80`;
  const bomb = (): Uint8Array => simpleProgram(assemble(text, TEXT));

  test('a child cannot take what its parent already holds: the family shares the limit', async () => {
    const t = new Sandbox().spawn(bomb(), { limits: { memory: 32 << 20 } });
    t.stdout.resume();
    const r = await t.exited;
    expect(r.code).toBe(12); // the child's mmap: ENOMEM
    expect(r.stats.memoryRefusals).toBe(1);
    expect(r.stats.memoryPeak).toBeLessThanOrEqual(32 << 20);
    expect(r.stats.memoryPeak).toBeGreaterThan(24 << 20);
  });

  test('with room for both, both get their memory, and the peak counts both processes', async () => {
    const t = new Sandbox().spawn(bomb(), { limits: { memory: 64 << 20 } });
    t.stdout.resume();
    const r = await t.exited;
    expect(r.code).toBe(0);
    expect(r.stats.memoryRefusals).toBe(0);
    expect(r.stats.memoryPeak).toBeGreaterThan(40 << 20); // 2 x (12 MiB + 8 MiB stack) + host costs
  });
});

describe('a tenant that ends leaves no host timer behind', () => {
  const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  test('killed in an hour-long nanosleep: its timer is cleared', async () => {
    const timespec = new Uint8Array(new Uint32Array([3600, 0]).buffer);
    const sleeper = simpleProgram(assemble(`mov eax, 162; mov ebx, ${ELF_DATA}; xor ecx, ecx; int 0x80; mov eax, 1; int 0x80`, TEXT), { data: timespec });
    const before = timers();
    const t = new Sandbox().spawn(sleeper);
    await new Promise((r) => setTimeout(r, 50));
    expect(timers()).toBe(before + 1); // the guest's sleep
    t.kill();
    const r = await t.exited;
    expect(r.reason).toBe('killed');
    expect(timers()).toBe(before);
  });

  test('poll woken early by a pipe cancels its timeout', async () => {
    // pipe; fork; the child writes a byte and exits; the parent polls the read end with a
    // one-hour timeout, then exits with poll's result (1: one descriptor ready).
    const text = `
      mov eax, 42; mov ebx, ${ELF_DATA}; int 0x80
      mov eax, 2; int 0x80
      test eax, eax; jnz parent
      mov eax, 4; mov ebx, [${ELF_DATA + 4}]; mov ecx, ${ELF_DATA}; mov edx, 1; int 0x80
      mov eax, 1; xor ebx, ebx; int 0x80
    parent:
      mov eax, [${ELF_DATA}]; mov [${ELF_DATA + 16}], eax; mov word ptr [${ELF_DATA + 20}], 1
      mov eax, 168; mov ebx, ${ELF_DATA + 16}; mov ecx, 1; mov edx, 3600000; int 0x80
      mov ebx, eax; mov eax, 1; int 0x80`;
    const before = timers();
    const t = new Sandbox().spawn(simpleProgram(assemble(text, TEXT), { data: new Uint8Array(64) }));
    const r = await t.exited;
    expect(r.code).toBe(1);
    expect(timers()).toBe(before);
  });
});

describe('scheduling: resident slots and weighted shares', () => {
  const hello = join(__dirname, '..', 'guests', 'bin', 'hello-musl');
  const spin = (): Uint8Array => simpleProgram(assemble('l: jmp l', TEXT));

  test('beyond maxResident, tenants queue, load in turn, and all finish', async () => {
    const sb = new Sandbox({ maxResident: 2 });
    const ts = Array.from({ length: 6 }, () => sb.spawn(hello, { argv: ['hello'] }));
    expect(ts.map((t) => t.state)).toEqual(['running', 'running', 'queued', 'queued', 'queued', 'queued']);
    // Killed while waiting: it never loads.
    ts[5].kill();
    const outs = ts.map((t) => { let o = ''; t.stdout.on('data', (c: Buffer) => { o += c.toString(); }); return () => o; });
    const rs = await Promise.all(ts.map((t) => t.exited));
    expect(rs.slice(0, 5).map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    expect(new Set(outs.slice(0, 5).map((o) => o())).size).toBe(1);
    expect(outs[0]().length).toBeGreaterThan(0);
    expect(rs[5]).toMatchObject({ reason: 'killed', signal: 9, message: 'killed before it started' });
    expect(rs[5].stats.instructions).toBe(0);
  });

  test('a queued spawn of a bad program still throws at once', () => {
    const sb = new Sandbox({ maxResident: 1 });
    sb.spawn(spin(), { limits: { instructions: 1000 } });
    expect(() => sb.spawn(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]))).toThrow(/ELF|too short|truncated/i);
    expect(() => sb.spawn(spin(), { share: 0 })).toThrow(/share/);
  });

  test('a tenant with share 3 runs three times the instructions of a share-1 tenant', async () => {
    const sb = new Sandbox({ quantum: 100_000 });
    const heavy = sb.spawn(spin(), { share: 3, limits: { instructions: 30_000_000 } });
    const light = sb.spawn(spin(), { limits: { instructions: 1e12 } });
    const h = await heavy.exited;
    light.kill();
    const l = await light.exited;
    expect(h.reason).toBe('cpu-limit');
    const ratio = l.stats.instructions / h.stats.instructions;
    // Round robin with weights: the light one ran one quantum per three of the heavy one's.
    expect(ratio).toBeGreaterThan(0.3);
    expect(ratio).toBeLessThan(0.37);
  });
});

describe('a CPU beyond the default, per tenant', () => {
  // 2 + 1/2 + 1 = 3.5; FISTTP truncates (3) whatever the rounding mode (nearest would give 4);
  // exit with that integer.
  const prog = (): Uint8Array => simpleProgram(assemble(`fld1; fld1; fadd st(0), st(1); fld1; fld1; fadd st(0), st(1); fdivp st(1), st(0); faddp st(1), st(0); fld1; faddp st(1), st(0);
    fisttp dword ptr [${ELF_DATA}]; mov ebx, [${ELF_DATA}]; mov eax, 1; int 0x80`, TEXT));

  test('FISTTP is SIGILL on the default CPU and runs with extensions: [\'sse3\']', async () => {
    const sb = new Sandbox();
    const plain = await sb.spawn(prog()).exited;
    expect(plain).toMatchObject({ reason: 'signal', signal: 4 });
    const sse3 = await sb.spawn(prog(), { extensions: ['sse3'] }).exited;
    expect(sse3).toMatchObject({ reason: 'exit', code: 3 });
    expect(() => sb.spawn(prog(), { extensions: ['avx512' as never] })).toThrow(/unknown instruction-set extension/);
  });
});

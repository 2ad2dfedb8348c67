// The ELF loader: malformed files each get their own one-line LoadError (never a stack trace or
// a host exception), well-formed ones are mapped with the right permissions, and the initial
// stack is laid out word for word as Linux lays it out for an i386 process.

import { Machine } from '../src/engine/machine';
import { LoadError, loadProgram, type LoadOptions } from '../src/loader/index';
import { Perm } from '../src/memory/arena';
import { buildElf, DATA, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP, PT_LOAD, simpleProgram, TEXT } from './support/elf-builder';

const CODE = Uint8Array.of(0x90, 0xcd, 0x80); // nop; int 0x80
const RANDOM = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

function options(o: Partial<LoadOptions> = {}): LoadOptions {
  return { name: 'prog', argv: ['prog'], envp: [], random: RANDOM, uid: 1000, gid: 1000, ...o };
}

/** The LoadError message for `bytes` (fails the test if loading succeeds or throws anything else). */
function loadError(bytes: Uint8Array, memorySize?: number): string {
  const m = new Machine({ memorySize });
  try {
    loadProgram(m, bytes, options());
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('the file loaded');
}

const text = (o: Partial<{ offset: number; vaddr: number; filesz: number; memsz: number; flags: number; align: number }> = {}) =>
  ({ offset: 0x1000, vaddr: TEXT, filesz: 3, memsz: 3, flags: PF_R | PF_X, ...o });

describe('malformed ELF files', () => {
  test('not ELF at all, or a script', () => {
    expect(loadError(new TextEncoder().encode('hello world\n'))).toMatch(/^prog is not an ELF program \(no \\x7fELF magic\)/);
    expect(loadError(new TextEncoder().encode('#!/bin/sh\necho hi\n'))).toMatch(/^prog is a script \(starts with #!\)/);
  });

  test('truncated: shorter than the ELF header', () => {
    expect(loadError(simpleProgram(CODE).slice(0, 20))).toBe('prog is truncated: 20 bytes, shorter than an ELF header (52 bytes)');
  });

  test('truncated: the program header table runs past the end', () => {
    expect(loadError(simpleProgram(CODE).slice(0, 100))).toMatch(/^prog is truncated: its program headers \(offset 52, 4 × 32 bytes\) end past the end of the file \(100 bytes\)$/);
  });

  test('truncated: a segment runs past the end of the file', () => {
    const f = buildElf({ entry: TEXT, phdrs: [text({ filesz: 0x800, memsz: 0x800 })], size: 0x1100 });
    expect(loadError(f)).toBe('prog is truncated: segment 0 needs file bytes 0x1000..0x1800 but the file has 4352 bytes');
  });

  test('wrong class, byte order, machine, type', () => {
    expect(loadError(buildElf({ elfClass: 2, machine: 62, entry: TEXT, phdrs: [text()] }))).toMatch(/^prog is a 64-bit ELF program \(x86-64\); vxts runs 32-bit i386 programs/);
    expect(loadError(buildElf({ data: 2, entry: TEXT, phdrs: [text()] }))).toMatch(/^prog is a big-endian ELF program/);
    expect(loadError(buildElf({ machine: 40, entry: TEXT, phdrs: [text()] }))).toBe('prog is built for ARM, not i386; vxts runs 32-bit x86 (i386) programs');
    expect(loadError(buildElf({ type: 1, entry: TEXT, phdrs: [text()] }))).toMatch(/^prog is an object file \(ET_REL\)/);
    expect(loadError(buildElf({ type: 4, entry: TEXT, phdrs: [text()] }))).toMatch(/^prog is a core dump/);
    expect(loadError(buildElf({ version: 0, entry: TEXT, phdrs: [text()] }))).toMatch(/unknown ELF version/);
  });

  test('program header table: none, wrong entry size, far too many', () => {
    expect(loadError(buildElf({ entry: TEXT, phdrs: [], size: 0x2000 }))).toMatch(/^prog has no program headers/);
    expect(loadError(buildElf({ entry: TEXT, phdrs: [text()], phentsize: 40 }))).toMatch(/^prog has e_phentsize 40, but i386 program headers are 32 bytes/);
    expect(loadError(buildElf({ entry: TEXT, phdrs: [text()], phnum: 3000, size: 200_000 }))).toMatch(/^prog has 3000 program headers, more than Linux accepts \(2048\)/);
  });

  test('a dynamically linked program names its interpreter and the fix', () => {
    const interp = new TextEncoder().encode('/lib/ld-linux.so.2\0');
    const f = buildElf({ entry: TEXT, phdrs: [{ type: PT_INTERP, offset: 0x800, vaddr: 0x08048800, filesz: interp.length, memsz: interp.length, flags: PF_R }, text()], contents: [[0x800, interp], [0x1000, CODE]] });
    expect(loadError(f)).toBe('vxts runs static binaries; prog is dynamically linked (needs INTERP /lib/ld-linux.so.2); rebuild it with -static');
    // The same for a PIE with an interpreter.
    const pie = buildElf({ type: 3, entry: TEXT, phdrs: [{ type: PT_INTERP, offset: 0x800, vaddr: 0x08048800, filesz: interp.length, memsz: interp.length, flags: PF_R }, text()], contents: [[0x800, interp]] });
    expect(loadError(pie)).toMatch(/is dynamically linked \(needs INTERP \/lib\/ld-linux\.so\.2\)/);
  });

  test('p_filesz larger than p_memsz', () => {
    expect(loadError(buildElf({ entry: TEXT, phdrs: [text({ filesz: 0x10, memsz: 0x8 })] }))).toBe('prog: segment 0 has p_filesz 0x10 larger than p_memsz 0x8; the file is corrupt');
  });

  test('huge sizes', () => {
    expect(loadError(buildElf({ entry: TEXT, phdrs: [text({ memsz: 0x8000_0000 })] }))).toBe('prog: segment 0 is 2 GiB (p_memsz 0x80000000), more than the guest memory (1 GiB); the file is corrupt or needs --mem');
    expect(loadError(buildElf({ entry: 0xffff_f000, phdrs: [text({ vaddr: 0xffff_f000, memsz: 0x2000 })] }))).toMatch(/^prog: segment 0 wraps past the end of the 4 GiB address space/);
  });

  test('segments outside the arena or in the null guard', () => {
    expect(loadError(buildElf({ entry: 0x3ff0_0000, phdrs: [text({ vaddr: 0x3ff0_0000 })] }))).toMatch(/^prog: its segments \(0x3ff00000\.\.0x3ff00003\) do not fit below the stack area at 0x3f700000 of a 1 GiB guest memory; give more with --mem/);
    expect(loadError(simpleProgram(CODE), 64 << 20)).toMatch(/do not fit below the stack area at 0x3700000 of a 64 MiB guest memory/);
    expect(loadError(buildElf({ entry: 0x1000, phdrs: [text({ vaddr: 0x1000 })] }))).toMatch(/^prog: segment 0 starts at 0x1000, below 0x10000 where Linux maps nothing/);
  });

  test('offset and address not congruent, bad alignment', () => {
    expect(loadError(buildElf({ entry: TEXT + 4, phdrs: [text({ vaddr: TEXT + 4 })] }))).toBe('prog: segment 0 cannot be mapped: p_offset 0x1000 and p_vaddr 0x8049004 differ modulo the page size (4096); the file is corrupt');
    expect(loadError(buildElf({ entry: TEXT, phdrs: [text({ align: 0x1800 })] }))).toMatch(/p_align 6144, which is not a power of two/);
  });

  test('overlapping segments', () => {
    const f = buildElf({ entry: TEXT, phdrs: [text({ memsz: 0x200 }), { offset: 0x1100, vaddr: TEXT + 0x100, filesz: 0x10, memsz: 0x10, flags: PF_R | PF_W }], size: 0x1200 });
    expect(loadError(f)).toBe('prog: segments 0 and 1 overlap (0x8049000..0x8049200 and 0x8049100..0x8049110); the file is corrupt');
  });

  test('entry point outside every executable segment', () => {
    expect(loadError(simpleProgram(CODE).map((b, i) => (i >= 24 && i < 28 ? [0x00, 0xa0, 0x04, 0x08][i - 24] : b)))).toBe('prog: its entry point 0x804a000 is outside every executable segment; the file is corrupt');
    expect(loadError(buildElf({ entry: 0x0900_0000, phdrs: [text()] }))).toMatch(/entry point 0x9000000 is outside/);
  });

  test('no loadable segment', () => {
    expect(loadError(buildElf({ entry: TEXT, phdrs: [{ type: PT_GNU_STACK, offset: 0, vaddr: 0, filesz: 0, memsz: 0, flags: PF_R }] }))).toMatch(/has no loadable \(PT_LOAD\) segments/);
  });
});

describe('mapping', () => {
  test('segments get their permissions, file bytes, zeroed bss and the brk after them', () => {
    const m = new Machine();
    const data = Uint8Array.of(1, 2, 3, 4);
    const l = loadProgram(m, simpleProgram(CODE, { data, bss: 0x2000 }), options());
    const perm = (a: number) => m.memory.perms[a >>> 12] & (Perm.Read | Perm.Write | Perm.Exec);
    expect(perm(0x0804_8000)).toBe(Perm.Read);
    expect(perm(TEXT)).toBe(Perm.Read | Perm.Exec);
    expect(perm(DATA)).toBe(Perm.Read | Perm.Write);
    expect(perm(DATA + 0x2000)).toBe(Perm.Read | Perm.Write); // bss spills into a second page
    expect(perm(DATA + 0x3000)).toBe(Perm.None);
    expect(m.memory.u8.slice(TEXT, TEXT + 3)).toEqual(CODE);
    expect(m.memory.u8.slice(DATA, DATA + 4)).toEqual(data);
    expect(m.memory.u8.slice(DATA + 4, DATA + 0x2004).every((b) => b === 0)).toBe(true);
    // The ELF header is visible at the start of the first page, as with mmap of the file.
    expect(m.memory.u8.slice(0x0804_8000, 0x0804_8004)).toEqual(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46));
    expect(l.brk).toBe(0x0804_d000);
    expect(m.eip).toBe(TEXT);
    expect(l.plan.phdrAddress).toBe(0x0804_8034);
    expect(l.plan.execStack).toBe(false);
  });

  test('registers start zero except ESP and EIP; the stack is mapped read/write', () => {
    const m = new Machine();
    const l = loadProgram(m, simpleProgram(CODE), options());
    expect(Array.from(m.cpu.r)).toEqual([0, 0, 0, 0, l.stack.esp, 0, 0, 0]);
    // As on Linux, only the top of the 8 MiB stack is mapped at start (16 KiB here); the rest
    // grows on first touch (a system call's access grows it too), down to the stack limit.
    expect(m.memory.check(0x4000_0000 - 16 * 1024, 16 * 1024, Perm.Read | Perm.Write)).toBe(true);
    expect(m.memory.check(0x4000_0000 - 17 * 1024, 4, Perm.Read)).toBe(false);
    expect(m.memory.accessible(0x4000_0000 - 8 * 1024 * 1024, 4, Perm.Read | Perm.Write)).toBe(true);
    expect(m.memory.check(0x4000_0000 - 8 * 1024 * 1024, 8 * 1024 * 1024, Perm.Read | Perm.Write)).toBe(true);
    // Below the stack is the guard gap.
    expect(m.memory.perms[(0x4000_0000 - 8 * 1024 * 1024 - 1) >>> 12]).toBe(0);
  });

  test('a static-PIE is loaded at 0x00400000', () => {
    const m = new Machine();
    const l = loadProgram(m, simpleProgram(CODE, { type: 3 }), options());
    expect(l.plan.bias).toBe(0x0040_0000 - 0x0804_8000);
    expect(m.eip).toBe(0x0040_1000);
    expect(m.memory.u8.slice(0x0040_1000, 0x0040_1003)).toEqual(CODE);
    expect(l.plan.phdrAddress).toBe(0x0040_0034);
  });

  test('two segments sharing a page: the page has both permissions and both contents', () => {
    const data = Uint8Array.of(9, 8, 7);
    const f = buildElf({
      entry: TEXT,
      phdrs: [text(), { offset: 0x1800, vaddr: TEXT + 0x800, filesz: 3, memsz: 0x10, flags: PF_R | PF_W }],
      contents: [[0x1000, CODE], [0x1800, data]],
    });
    const m = new Machine();
    loadProgram(m, f, options());
    expect(m.memory.perms[TEXT >>> 12] & 7).toBe(Perm.Read | Perm.Write | Perm.Exec);
    expect(m.memory.u8.slice(TEXT, TEXT + 3)).toEqual(CODE);
    expect(m.memory.u8.slice(TEXT + 0x800, TEXT + 0x803)).toEqual(data);
  });

  test('no PT_GNU_STACK means an executable stack (the i386 default)', () => {
    const f = buildElf({ entry: TEXT, phdrs: [text()], contents: [[0x1000, CODE]] });
    const m = new Machine();
    expect(loadProgram(m, f, options()).plan.execStack).toBe(true);
    expect(m.memory.perms[(0x4000_0000 - 4096) >>> 12] & Perm.Exec).toBe(Perm.Exec);
  });

  test('PT_LOAD with p_memsz 0 is ignored', () => {
    const f = buildElf({ entry: TEXT, phdrs: [text(), { type: PT_LOAD, offset: 0, vaddr: 0x100, filesz: 0, memsz: 0, flags: PF_R }], contents: [[0x1000, CODE]] });
    expect(() => loadProgram(new Machine(), f, options())).not.toThrow();
  });
});

describe('the initial stack', () => {
  test('argc, argv, envp, auxv and the strings, word by word', () => {
    const m = new Machine();
    const l = loadProgram(m, simpleProgram(CODE), options({ argv: ['prog', 'a1'], envp: ['X=1', 'Y=22'], execfn: '/bin/prog', uid: 1000, euid: 1001, gid: 100, egid: 101 }));
    const mem = m.memory;
    const word = (a: number) => mem.read32(a) >>> 0;
    const str = (a: number) => new TextDecoder().decode(mem.readCString(a));
    const top = 0x4000_0000;
    const esp = l.stack.esp;
    expect(esp % 16).toBe(0);
    expect(m.cpu.r[4] >>> 0).toBe(esp);

    let at = esp;
    const next = () => { const w = word(at); at += 4; return w; };
    expect(next()).toBe(2);
    const argv = [next(), next()];
    expect(next()).toBe(0);
    const envp = [next(), next()];
    expect(next()).toBe(0);
    expect(argv.map(str)).toEqual(['prog', 'a1']);
    expect(envp.map(str)).toEqual(['X=1', 'Y=22']);

    const aux: [number, number][] = [];
    for (;;) { const t = next(), v = next(); aux.push([t, v]); if (t === 0) break; }
    const values = new Map(aux);
    expect(aux.map(([t]) => t)).toEqual([16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 26, 31, 15, 0]);
    expect(values.get(16)).toBe(0x8111); // AT_HWCAP: FPU TSC CX8 CMOV, as CPUID leaf 1 EDX
    expect(values.get(6)).toBe(4096);
    expect(values.get(17)).toBe(100);
    expect(values.get(3)).toBe(0x0804_8034);
    expect(values.get(4)).toBe(32);
    expect(values.get(5)).toBe(4);
    expect(values.get(7)).toBe(0);
    expect(values.get(8)).toBe(0);
    expect(values.get(9)).toBe(TEXT);
    expect([values.get(11), values.get(12), values.get(13), values.get(14)]).toEqual([1000, 1001, 100, 101]);
    expect(values.get(23)).toBe(0);
    expect(values.get(26)).toBe(0);
    expect(mem.readBytes(values.get(25)!, 16)).toEqual(RANDOM);
    expect(str(values.get(31)!)).toBe('/bin/prog');
    expect(str(values.get(15)!)).toBe('i686');

    // Above the vectors: padding (< 16 bytes), the random bytes, the platform string, then the
    // padded strings area, ending with AT_EXECFN's text and a zero word at the very top.
    const random = values.get(25)!, platform = values.get(15)!;
    expect(random - at).toBeGreaterThanOrEqual(0);
    expect(random - at).toBeLessThan(16);
    expect(platform).toBe(random + 16);
    const strings = new TextEncoder().encode('prog\0a1\0X=1\0Y=22\0/bin/prog\0\0\0\0\0');
    expect(argv[0]).toBe(top - strings.length);
    expect(mem.readBytes(argv[0], strings.length)).toEqual(strings);
    expect(platform + 5).toBeLessThanOrEqual(argv[0] & ~15);
    expect((argv[0] & ~15) - (platform + 5)).toBe(0);
    expect(l.stack.argStart).toBe(argv[0]);
    expect(l.stack.envStart).toBe(envp[0]);
    expect(l.stack.envEnd).toBe(values.get(31));
  });

  test('too large an argument list is E2BIG, as a LoadError', () => {
    const big = 'x'.repeat(200_000);
    expect(() => loadProgram(new Machine(), simpleProgram(CODE), options({ argv: ['prog', big] }))).toThrow(/longer than 131071 bytes \(E2BIG\)/);
    const many = Array.from({ length: 30 }, () => 'y'.repeat(100_000));
    expect(() => loadProgram(new Machine(), simpleProgram(CODE), options({ envp: many }))).toThrow(/more than the 2097152 Linux allows \(E2BIG\)/);
  });
});

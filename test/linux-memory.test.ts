// Memory system calls as a guest sees them: brk, mmap2 / old mmap (anonymous and private file
// mappings), munmap, mprotect, mremap and madvise; errors as Linux gives them, bad pointers as
// EFAULT, the arena's permissions in step, and /proc/self/maps text from the bookkeeping.

import { Perm } from '../src/memory/arena';
import { runProcess } from '../src/linux/run';
import { buildElf, PF_R, PF_W, PF_X, simpleProgram, TEXT } from './support/elf-builder';
import { makeProcess, MemFile, scratch, sys } from './support/linux';

const BRK = 45, MMAP = 90, MUNMAP = 91, MPROTECT = 125, MREMAP = 163, MMAP2 = 192, MADVISE = 219;
const RW = 3, PRIVATE_ANON = 0x22, FIXED = 0x10, FIXED_NOREPLACE = 0x100000;
const EBADF = -9, ENOMEM = -12, EACCES = -13, EFAULT = -14, EEXIST = -17, ENODEV = -19, EINVAL = -22, EPERM = -1;
const MMAP_TOP = 0x4000_0000 - 0x80_0000 - 0x10_0000; // stack top - 8 MiB stack - 1 MiB guard gap

const perm = (p: ReturnType<typeof makeProcess>, a: number) => p.mem.perms[a >>> 12] & (Perm.Read | Perm.Write | Perm.Exec);

describe('brk', () => {
  test('starts at the page after the program and moves exactly where asked', () => {
    const p = makeProcess();
    const start = sys(p, BRK, 0);
    expect(start).toBe(0x0804_b000);
    expect(sys(p, BRK, start + 0x1234)).toBe(start + 0x1234);
    expect(perm(p, start + 0x1000)).toBe(Perm.Read | Perm.Write);
    expect(perm(p, start + 0x2000)).toBe(Perm.None);
    expect(sys(p, BRK, 0)).toBe(start + 0x1234);
    // Below the start: refused, the break stays.
    expect(sys(p, BRK, start - 0x1000)).toBe(start + 0x1234);
  });

  test('shrinking unmaps; growing again gives zeroed memory', () => {
    const p = makeProcess();
    const start = sys(p, BRK, 0);
    sys(p, BRK, start + 0x3000);
    p.mem.write32(start + 0x2000, 0xdeadbeef);
    expect(sys(p, BRK, start + 0x1000)).toBe(start + 0x1000);
    expect(perm(p, start + 0x2000)).toBe(Perm.None);
    sys(p, BRK, start + 0x3000);
    expect(p.mem.read32(start + 0x2000)).toBe(0);
  });

  test('cannot grow into another mapping (one guard page must remain)', () => {
    const p = makeProcess();
    const start = sys(p, BRK, 0);
    expect(sys(p, MMAP2, start + 0x4000, 0x1000, RW, PRIVATE_ANON | FIXED, -1, 0)).toBe(start + 0x4000);
    expect(sys(p, BRK, start + 0x3000)).toBe(start + 0x3000);
    expect(sys(p, BRK, start + 0x3001)).toBe(start + 0x3000);
  });
});

describe('mmap2 and munmap', () => {
  test('anonymous mappings are placed top-down below the stack guard gap, zeroed, with their protection', () => {
    const p = makeProcess();
    const a = sys(p, MMAP2, 0, 0x2000, RW, PRIVATE_ANON, -1, 0) >>> 0;
    expect(a).toBe(MMAP_TOP - 0x2000);
    const b = sys(p, MMAP2, 0, 100, 1, PRIVATE_ANON, -1, 0) >>> 0;
    expect(b).toBe(a - 0x1000);
    expect(perm(p, a)).toBe(Perm.Read | Perm.Write);
    expect(perm(p, b)).toBe(Perm.Read);
    expect(p.mem.read32(a + 0x1ffc)).toBe(0);
    const none = sys(p, MMAP2, 0, 0x1000, 0, PRIVATE_ANON, -1, 0) >>> 0;
    expect(perm(p, none)).toBe(Perm.None);
    expect(p.mm.find(none)?.prot).toBe(0);
  });

  test('munmap frees the range (reads fault) and the space is reused', () => {
    const p = makeProcess();
    const a = sys(p, MMAP2, 0, 0x3000, RW, PRIVATE_ANON, -1, 0) >>> 0;
    expect(sys(p, MUNMAP, a + 0x1000, 0x1000)).toBe(0);
    expect(perm(p, a + 0x1000)).toBe(Perm.None);
    expect(() => p.mem.read32(a + 0x1000)).toThrow();
    expect(p.mm.mappings.filter((v) => v.start >= a && v.end <= a + 0x3000)).toHaveLength(2);
    // A one-page request fits the hole only at the top-down search's highest free spot: here the hole.
    expect(sys(p, MMAP2, 0, 0x1000, RW, PRIVATE_ANON, -1, 0) >>> 0).toBe(a + 0x1000);
    // Unmapping nothing is fine; misaligned or empty is EINVAL.
    expect(sys(p, MUNMAP, 0x2000_0000, 0x1000)).toBe(0);
    expect(sys(p, MUNMAP, a + 1, 0x1000)).toBe(EINVAL);
    expect(sys(p, MUNMAP, a, 0)).toBe(EINVAL);
  });

  test('argument errors', () => {
    const p = makeProcess();
    expect(sys(p, MMAP2, 0, 0, RW, PRIVATE_ANON, -1, 0)).toBe(EINVAL);
    expect(sys(p, MMAP2, 0, 0x1000, RW, 0x20, -1, 0)).toBe(EINVAL); // neither shared nor private
    expect(sys(p, MMAP2, 0, 0x1000, 0x10, PRIVATE_ANON, -1, 0)).toBe(EINVAL); // unknown PROT bit
    expect(sys(p, MMAP2, 0, 0x7000_0000, RW, PRIVATE_ANON, -1, 0)).toBe(ENOMEM);
    expect(sys(p, MMAP2, 0x2000_0001, 0x1000, RW, PRIVATE_ANON | FIXED, -1, 0)).toBe(EINVAL);
    expect(sys(p, MMAP2, 0x1000, 0x1000, RW, PRIVATE_ANON | FIXED, -1, 0)).toBe(EPERM);
    expect(sys(p, MMAP2, 0, 0x1000, RW, 2, 99, 0)).toBe(EBADF);
  });

  test('MAP_FIXED replaces what was there with zeros; MAP_FIXED_NOREPLACE refuses; a free hint is honoured', () => {
    const p = makeProcess();
    const a = sys(p, MMAP2, 0, 0x2000, RW, PRIVATE_ANON, -1, 0) >>> 0;
    p.mem.write32(a, 7);
    expect(sys(p, MMAP2, a, 0x1000, 1, PRIVATE_ANON | FIXED, -1, 0) >>> 0).toBe(a);
    expect(p.mem.read32(a)).toBe(0);
    expect(perm(p, a)).toBe(Perm.Read);
    expect(sys(p, MMAP2, a, 0x1000, RW, PRIVATE_ANON | FIXED_NOREPLACE, -1, 0)).toBe(EEXIST);
    expect(sys(p, MMAP2, 0x2000_0000, 0x1000, RW, PRIVATE_ANON, -1, 0) >>> 0).toBe(0x2000_0000);
  });

  test('old mmap takes its arguments from memory', () => {
    const p = makeProcess();
    const args = scratch(p);
    const block = new Uint8Array(24);
    new Uint32Array(block.buffer).set([0, 0x1000, RW, PRIVATE_ANON, 0xffff_ffff, 0]);
    p.mem.writeBytes(args, block);
    const a = sys(p, MMAP, args) >>> 0;
    expect(perm(p, a)).toBe(Perm.Read | Perm.Write);
    expect(sys(p, MMAP, 0x10)).toBe(EFAULT);
    new Uint32Array(block.buffer).set([0, 0x1000, RW, 2, 3, 100]);
    p.mem.writeBytes(args, block);
    expect(sys(p, MMAP, args)).toBe(EINVAL); // offset not page aligned
  });

  test('private file mappings copy the file from the offset; the rest of the last page is zero', () => {
    const p = makeProcess();
    const content = Uint8Array.from({ length: 0x1800 }, (_, i) => (i * 7) & 0xff);
    const fd = p.fds.install(new MemFile(content));
    const a = sys(p, MMAP2, 0, 0x2000, 1, 2, fd, 1) >>> 0; // offset = 1 page
    expect(p.mem.readBytes(a, 0x800)).toEqual(content.subarray(0x1000));
    expect(p.mem.readBytes(a + 0x800, 0x800).every((b) => b === 0)).toBe(true);
    expect(p.mm.find(a)).toMatchObject({ label: '/data.bin', offset: 0x1000 });
    // Written-to private copy is allowed; shared writable is not supported; write-only fds refuse.
    expect(sys(p, MMAP2, 0, 0x1000, RW, 2, fd, 0)).toBeGreaterThan(0);
    expect(sys(p, MMAP2, 0, 0x1000, RW, 1, fd, 0)).toBe(EACCES);
    const rw = p.fds.install(new MemFile(content, 2));
    expect(sys(p, MMAP2, 0, 0x1000, RW, 1, rw, 0)).toBe(ENODEV);
    const wo = p.fds.install(new MemFile(content, 1));
    expect(sys(p, MMAP2, 0, 0x1000, 1, 2, wo, 0)).toBe(EACCES);
  });
});

describe('mprotect', () => {
  test('changes the arena permissions; unmapped ranges are ENOMEM; misaligned EINVAL', () => {
    const p = makeProcess();
    const a = sys(p, MMAP2, 0, 0x3000, RW, PRIVATE_ANON, -1, 0) >>> 0;
    expect(sys(p, MPROTECT, a + 0x1000, 0x1000, 1)).toBe(0);
    expect(perm(p, a + 0x1000)).toBe(Perm.Read);
    expect(() => p.mem.write32(a + 0x1000, 1)).toThrow();
    expect(p.mm.mappings.filter((v) => v.start >= a && v.end <= a + 0x3000).map((v) => v.prot)).toEqual([RW, 1, RW]);
    expect(sys(p, MPROTECT, a + 0x1000, 0x1000, RW)).toBe(0);
    expect(p.mm.mappings.filter((v) => v.start >= a && v.end <= a + 0x3000)).toHaveLength(1); // merged again
    expect(sys(p, MPROTECT, a - 0x10000, 0x1000, 1)).toBe(ENOMEM);
    expect(sys(p, MPROTECT, a + 4, 0x1000, 1)).toBe(EINVAL);
    expect(sys(p, MPROTECT, a, 0x1000, 0x40)).toBe(EINVAL);
  });

  test('removing PROT_EXEC stops already translated code from running', async () => {
    // Run the program's text once (so it is translated and cached), take away exec, run again.
    const code = Uint8Array.of(0xbb, 5, 0, 0, 0, 0xb8, 252, 0, 0, 0, 0xcd, 0x80); // mov ebx,5; mov eax,252; int 0x80
    const p = makeProcess(simpleProgram(code));
    expect(p.machine.run(100)).toEqual({ kind: 'syscall' });
    p.machine.eip = TEXT;
    expect(sys(p, MPROTECT, TEXT, 0x1000, 1)).toBe(0);
    const r = p.machine.run(100);
    expect(r).toMatchObject({ kind: 'fault', signal: 11, address: TEXT });
    expect(await runProcess(p)).toMatchObject({ kind: 'signaled', signal: 11 });
  });
});

describe('mremap', () => {
  test('grows in place when the next pages are free, else moves keeping the contents', () => {
    const p = makeProcess();
    const hint = 0x2000_0000;
    const a = sys(p, MMAP2, hint, 0x1000, RW, PRIVATE_ANON, -1, 0) >>> 0;
    p.mem.write32(a, 0x1234);
    expect(sys(p, MREMAP, a, 0x1000, 0x3000, 0, 0) >>> 0).toBe(a);
    expect(perm(p, a + 0x2000)).toBe(Perm.Read | Perm.Write);
    sys(p, MMAP2, a + 0x3000, 0x1000, RW, PRIVATE_ANON | FIXED, -1, 0);
    expect(sys(p, MREMAP, a, 0x3000, 0x5000, 0, 0)).toBe(ENOMEM); // blocked and may not move
    const b = sys(p, MREMAP, a, 0x3000, 0x5000, 1, 0) >>> 0;
    expect(b).not.toBe(a);
    expect(p.mem.read32(b)).toBe(0x1234);
    expect(perm(p, a)).toBe(Perm.None);
    expect(sys(p, MREMAP, b, 0x5000, 0x1000, 0, 0) >>> 0).toBe(b); // shrink
    expect(perm(p, b + 0x1000)).toBe(Perm.None);
  });

  test('errors: unmapped old range, misaligned, zero length, unknown flags', () => {
    const p = makeProcess();
    expect(sys(p, MREMAP, 0x2000_0000, 0x1000, 0x2000, 1, 0)).toBe(EFAULT);
    expect(sys(p, MREMAP, 0x2000_0001, 0x1000, 0x2000, 1, 0)).toBe(EINVAL);
    const a = sys(p, MMAP2, 0, 0x1000, RW, PRIVATE_ANON, -1, 0) >>> 0;
    expect(sys(p, MREMAP, a, 0x1000, 0, 1, 0)).toBe(EINVAL);
    expect(sys(p, MREMAP, a, 0x1000, 0x2000, 0x80, 0)).toBe(EINVAL);
    expect(sys(p, MREMAP, a, 0x2000, 0x3000, 1, 0)).toBe(EFAULT); // old range runs past the mapping
  });
});

test('madvise(MADV_DONTNEED) zeroes private anonymous memory; others are accepted', () => {
  const p = makeProcess();
  const a = sys(p, MMAP2, 0, 0x2000, RW, PRIVATE_ANON, -1, 0) >>> 0;
  p.mem.write32(a + 0x1000, 99);
  expect(sys(p, MADVISE, a, 0x2000, 4)).toBe(0);
  expect(p.mem.read32(a + 0x1000)).toBe(0);
  expect(sys(p, MADVISE, a, 0x2000, 8)).toBe(0);
  expect(sys(p, MADVISE, a + 1, 0x1000, 4)).toBe(EINVAL);
});

test('/proc/self/maps text: program segments, heap, anonymous mappings and the stack', () => {
  const f = buildElf({
    entry: TEXT,
    phdrs: [{ offset: 0x1000, vaddr: TEXT, filesz: 3, memsz: 3, flags: PF_R | PF_X }, { offset: 0x2000, vaddr: 0x0804_a000, filesz: 4, memsz: 0x10, flags: PF_R | PF_W }],
    contents: [[0x1000, Uint8Array.of(0x90, 0xcd, 0x80)]],
  });
  const p = makeProcess(f);
  sys(p, BRK, 0x0804_c000 + 0x10);
  sys(p, MMAP2, 0x2000_0000, 0x1000, RW, PRIVATE_ANON, -1, 0);
  const pad = (s: string) => s.padEnd(72) + ' ';
  expect(p.mm.formatMaps()).toBe([
    pad('08049000-0804a000 r-xp 00001000 00:00 0') + '/bin/test',
    pad('0804a000-0804b000 rw-p 00002000 00:00 0') + '/bin/test',
    pad('0804b000-0804d000 rw-p 00000000 00:00 0') + '[heap]',
    '20000000-20001000 rw-p 00000000 00:00 0',
    pad('3f800000-40000000 rwxp 00000000 00:00 0') + '[stack]',
    '',
  ].join('\n'));
});

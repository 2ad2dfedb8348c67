// TLS descriptors: set_thread_area picks GDT entry 6 for entry_number -1 (selector 0x33) as
// Linux does, installs the base so `mov gs, ax` and %gs-relative loads work in guest code, and
// get_thread_area reports what was set. Bad pointers are EFAULT, bad entries EINVAL.

import { runProcess } from '../src/linux/run';
import { assemble, loadAssembler } from './support/asm';
import { DATA, simpleProgram, TEXT } from './support/elf-builder';
import { makeProcess, scratch, sys } from './support/linux';

const SET = 243, GET = 244;
const EFAULT = -14, EINVAL = -22, ESRCH = -3;
/** seg_32bit=1, limit_in_pages=1, useable=1: what glibc and musl pass. */
const FLAGS = 0x51;

function putDesc(p: ReturnType<typeof makeProcess>, at: number, entry: number, base: number, limit = 0xfffff, flags = FLAGS): void {
  const b = new Uint8Array(16);
  new DataView(b.buffer).setInt32(0, entry, true);
  new DataView(b.buffer).setUint32(4, base, true);
  new DataView(b.buffer).setUint32(8, limit, true);
  new DataView(b.buffer).setUint32(12, flags, true);
  p.mem.writeBytes(at, b);
}

beforeAll(loadAssembler);

test('entry -1 takes GDT entries 6, 7, 8 in turn and writes the choice back; then ESRCH', () => {
  const p = makeProcess();
  const u = scratch(p);
  for (const want of [6, 7, 8]) {
    putDesc(p, u, -1, 0x1000 * want);
    expect(sys(p, SET, u)).toBe(0);
    expect(p.mem.read32(u)).toBe(want);
    expect(p.machine.cpu.tls.get(want)).toBe(0x1000 * want);
  }
  putDesc(p, u, -1, 0x9000);
  expect(sys(p, SET, u)).toBe(ESRCH);
});

test('explicit entries, invalid entries and descriptors, bad pointers', () => {
  const p = makeProcess();
  const u = scratch(p);
  putDesc(p, u, 7, 0x1234_5000);
  expect(sys(p, SET, u)).toBe(0);
  expect(p.machine.cpu.tls.get(7)).toBe(0x1234_5000);
  putDesc(p, u, 5, 0);
  expect(sys(p, SET, u)).toBe(EINVAL);
  putDesc(p, u, 9, 0);
  expect(sys(p, SET, u)).toBe(EINVAL);
  putDesc(p, u, 6, 0x1000, 0xfffff, FLAGS & ~1); // a 16-bit segment
  expect(sys(p, SET, u)).toBe(EINVAL);
  putDesc(p, u, 6, 0x1000, 0xfffff, FLAGS | (2 << 1)); // a code segment
  expect(sys(p, SET, u)).toBe(EINVAL);
  expect(sys(p, SET, 0x10)).toBe(EFAULT);
  expect(sys(p, GET, 0x10)).toBe(EFAULT);
  // A read-only descriptor page: entry -1 needs to write the choice back.
  const ro = scratch(p);
  putDesc(p, ro, -1, 0x7000);
  expect(sys(p, 125, ro, 0x1000, 1)).toBe(0);
  expect(sys(p, SET, ro)).toBe(EFAULT);
  expect(p.machine.cpu.tls.has(6)).toBe(false);
});

test('get_thread_area reports the descriptor; an empty descriptor clears the slot', () => {
  const p = makeProcess();
  const u = scratch(p);
  putDesc(p, u, -1, 0xabc0_0000);
  sys(p, SET, u);
  putDesc(p, u + 16, 6, 0, 0, 0);
  expect(sys(p, GET, u + 16)).toBe(0);
  const v = new DataView(p.mem.readBytes(u + 16, 16).buffer);
  expect([v.getInt32(0, true), v.getUint32(4, true), v.getUint32(8, true), v.getUint32(12, true)]).toEqual([6, 0xabc0_0000, 0xfffff, FLAGS]);
  // LDT_empty-style descriptor: base 0, limit 0, read_exec_only and seg_not_present set.
  putDesc(p, u, 6, 0, 0, 0x28);
  expect(sys(p, SET, u)).toBe(0);
  expect(p.machine.cpu.tls.has(6)).toBe(false);
  putDesc(p, u, 6, 0x5555, 0x5555, 0);
  expect(sys(p, GET, u)).toBe(0);
  const w = new DataView(p.mem.readBytes(u, 16).buffer);
  expect([w.getUint32(4, true), w.getUint32(8, true), w.getUint32(12, true)]).toEqual([0, 0, 0x28]);
  putDesc(p, u, 2, 0);
  expect(sys(p, GET, u)).toBe(EINVAL);
});

test('guest code: set_thread_area(-1), mov gs, ax with the selector, read %gs:4', async () => {
  // The descriptor lives at DATA; the TLS block at DATA+0x40 holds 42 at offset 4.
  const desc = DATA, tlsBase = DATA + 0x40;
  const code = assemble(`
    mov ebx, ${desc}
    mov eax, 243
    int 0x80
    mov eax, dword ptr [${desc}]
    shl eax, 3
    or eax, 3
    mov gs, ax
    mov ebx, dword ptr gs:[4]
    mov eax, 252
    int 0x80`, TEXT);
  const data = new Uint8Array(0x48);
  const v = new DataView(data.buffer);
  v.setInt32(0, -1, true); v.setUint32(4, tlsBase, true); v.setUint32(8, 0xfffff, true); v.setUint32(12, FLAGS, true);
  v.setUint32(0x44, 42, true);
  const p = makeProcess(simpleProgram(code, { data }));
  expect(await runProcess(p)).toEqual({ kind: 'exited', code: 42 });
  expect(p.machine.cpu.seg[5]).toBe(0x33);
});

test('loading an unset TLS selector into %gs is SIGSEGV', async () => {
  const code = assemble('mov eax, 0x3b; mov gs, ax; mov eax, 252; int 0x80', TEXT);
  const p = makeProcess(simpleProgram(code));
  expect(await runProcess(p)).toMatchObject({ kind: 'signaled', signal: 11 });
});

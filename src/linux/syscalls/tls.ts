// Thread-local storage descriptors: set_thread_area and get_thread_area on the three GDT TLS
// slots Linux gives an i386 task (entries 6, 7, 8; selectors 0x33, 0x3b, 0x43). glibc and musl
// call set_thread_area with entry_number -1, take the slot the kernel picks (6 first), and load
// the selector into %gs. The base address goes into the CPU's table, which segment loads read.

import { EINVAL, ESRCH } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { defineSyscall } from './registry.js';
import { getStruct, putStruct } from './structs.js';

export const GDT_ENTRY_TLS_MIN = 6, GDT_ENTRY_TLS_ENTRIES = 3;

/** struct user_desc: entry_number, base_addr, limit, then a word of bit-fields. */
export interface UserDesc {
  base: number;
  limit: number;
  /** seg_32bit (bit 0), contents (1-2), read_exec_only (3), limit_in_pages (4), seg_not_present (5), useable (6). */
  bits: number;
}

const SEG_32BIT = 1, READ_EXEC_ONLY = 1 << 3, SEG_NOT_PRESENT = 1 << 5;
/** What get_thread_area reports for a slot never set: a zero descriptor decodes to these bits. */
const CLEARED: UserDesc = { base: 0, limit: 0, bits: READ_EXEC_ONLY | SEG_NOT_PRESENT };

/** The descriptors per process (entries 6..8), as the guest last set them. */
const slots = new WeakMap<LinuxProcess, (UserDesc | null)[]>();

function tlsSlots(p: LinuxProcess): (UserDesc | null)[] {
  let s = slots.get(p);
  if (s === undefined) slots.set(p, (s = [null, null, null]));
  return s;
}

/** Linux's "empty" descriptor test (LDT_empty / LDT_zero): such a write clears the slot. */
function isEmpty(d: UserDesc): boolean {
  const zero = d.base === 0 && d.limit === 0 && d.bits === 0;
  const empty = d.base === 0 && d.limit === 0 && (d.bits & 0x7f) === (READ_EXEC_ONLY | SEG_NOT_PRESENT);
  return zero || empty;
}

/** Installs slot `entry` into the CPU and refreshes segment registers that hold its selector. */
function install(p: LinuxProcess, entry: number, d: UserDesc | null): void {
  const cpu = p.machine.cpu;
  if (d !== null) cpu.tls.set(entry, d.base >>> 0); else cpu.tls.delete(entry);
  // Linux reloads DS/ES/FS/GS that hold the modified selector, so the new base takes effect.
  const selector = (entry << 3) | 3;
  for (let seg = 0; seg < 6; seg++) {
    if (cpu.seg[seg] === selector) cpu.segBase[seg] = d !== null ? d.base | 0 : 0;
  }
}

defineSyscall(243, 'set_thread_area', (p, a) => {
  const v = getStruct(p.mem, a[0], 16);
  let entry = v.getInt32(0, true);
  const d: UserDesc = { base: v.getUint32(4, true), limit: v.getUint32(8, true), bits: v.getUint32(12, true) };
  const s = tlsSlots(p);
  if (entry === -1) {
    const free = s.findIndex((x) => x === null);
    if (free < 0) return -ESRCH;
    entry = GDT_ENTRY_TLS_MIN + free;
    p.mem.write32(a[0], entry);
  }
  if (entry < GDT_ENTRY_TLS_MIN || entry >= GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES) return -EINVAL;
  const slot = isEmpty(d) ? null : d;
  // Linux accepts only present, 32-bit data segments in the TLS slots (or an empty one).
  if (slot !== null && ((d.bits & SEG_32BIT) === 0 || ((d.bits >> 1) & 3) > 1 || (d.bits & SEG_NOT_PRESENT) !== 0)) return -EINVAL;
  s[entry - GDT_ENTRY_TLS_MIN] = slot;
  install(p, entry, slot);
  return 0;
});

defineSyscall(244, 'get_thread_area', (p, a) => {
  const entry = p.mem.read32(a[0]) | 0;
  if (entry < GDT_ENTRY_TLS_MIN || entry >= GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES) return -EINVAL;
  const d = tlsSlots(p)[entry - GDT_ENTRY_TLS_MIN] ?? CLEARED;
  putStruct(p.mem, a[0], 16, (v) => {
    v.setInt32(0, entry, true);
    v.setUint32(4, d.base, true);
    v.setUint32(8, d.limit, true);
    // Only the defined bits come back (lm and reserved bits read as zero on i386).
    v.setUint32(12, d.bits & 0x7f, true);
  });
  return 0;
});

/** The TLS descriptors, for fork (a child inherits them) and tests. */
export function tlsState(p: LinuxProcess): readonly (UserDesc | null)[] {
  return tlsSlots(p);
}

// The segment descriptors a Linux i386 user program can name, modelled without a real GDT:
// the user code and data segments (GDT entries 14 and 15: selectors 0x73 and 0x7b) and the TLS
// entries set_thread_area installs. Segment-register loads and the descriptor queries (LAR, LSL,
// VERR, VERW) both read this one model, so they can never disagree.

import { GuestTrap, SIGSEGV, SI_KERNEL } from './faults.js';

export interface SegmentDescriptor {
  readonly base: number;
  /** Byte limit (granularity applied). */
  readonly limit: number;
  /** Access byte: P, DPL, S and type (SDM Vol. 3A, 3.4.5). */
  readonly access: number;
  /** High nibble of descriptor byte 6: G, D/B, L, AVL. */
  readonly flags: number;
}

const USER_CODE: SegmentDescriptor = { base: 0, limit: 0xffffffff, access: 0xfb, flags: 0xc };
const USER_DATA: SegmentDescriptor = { base: 0, limit: 0xffffffff, access: 0xf3, flags: 0xc };
const CS = 1, SS = 2, FS = 4, GS = 5;

/** The descriptor a selector names, or null (null selector, LDT, or an empty GDT entry). */
export function describeSelector(selector: number, tls: ReadonlyMap<number, number>): SegmentDescriptor | null {
  const index = (selector & 0xffff) >> 3;
  if ((selector & 4) !== 0 || index === 0) return null;
  if (index === 14) return USER_CODE;
  if (index === 15) return USER_DATA;
  const base = tls.get(index);
  return base === undefined ? null : { base, limit: 0xffffffff, access: 0xf3, flags: 0xc };
}

function gp(): never {
  throw new GuestTrap(SIGSEGV, SI_KERNEL); // #GP(selector): Linux sends SIGSEGV
}

/**
 * The base a segment register gets when loaded with `selector`, or a #GP as the CPU raises it
 * (SDM Vol. 2B, MOV / POP: null is allowed in DS ES FS GS, SS needs a writable data segment with
 * RPL = DPL = CPL, the others data or readable code with DPL >= max(CPL, RPL)). The translator adds
 * bases for FS and GS only, so ES/SS/DS loads of a segment with a non-zero base are refused rather
 * than silently flattened.
 */
export function segmentLoadBase(seg: number, selector: number, tls: ReadonlyMap<number, number>): number {
  if (seg === CS) gp();
  const sel = selector & 0xffff;
  const d = describeSelector(sel, tls);
  if (d === null) {
    if ((sel & 4) === 0 && sel >> 3 === 0 && seg !== SS) return 0;
    gp();
  }
  const code = (d.access & 0x08) !== 0;
  const readable = !code || (d.access & 0x02) !== 0;
  if (seg === SS) {
    if (code || (d.access & 0x02) === 0 || (sel & 3) !== 3) gp();
  } else if (!readable) gp();
  if (d.base !== 0 && seg !== FS && seg !== GS) gp();
  return d.base;
}

/** LAR/LSL/VERR/VERW answers at CPL 3 (SDM Vol. 2A LAR, LSL; Vol. 2B VERR/VERW). */
export function querySelector(selector: number, query: 'lar' | 'lsl' | 'verr' | 'verw', tls: ReadonlyMap<number, number>): number | null {
  const d = describeSelector(selector, tls);
  if (d === null) return null; // every descriptor here has DPL 3, so no privilege check can fail
  switch (query) {
    case 'lar': return ((d.flags << 20) | (d.access << 8)) >>> 0;
    case 'lsl': return d.limit;
    case 'verr': return (d.access & 0x08) === 0 || (d.access & 0x02) !== 0 ? 1 : null;
    case 'verw': return (d.access & 0x08) === 0 && (d.access & 0x02) !== 0 ? 1 : null;
  }
}

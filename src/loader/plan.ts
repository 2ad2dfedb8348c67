// Validates an ELF program against the file and the arena and works out where everything goes,
// without touching guest memory: the segments (address, size, file bytes, permissions), the entry
// point, where the program headers are visible (AT_PHDR), the initial brk and the stack's
// executability. Every field is checked before use; each refusal is one LoadError line.

import { ElfError, ET_DYN, parseElf, PF_R, PF_W, PF_X, PT_INTERP, PT_LOAD, PT_PHDR, type ProgramHeader } from '../elf.js';
import { PAGE_SIZE, Perm } from '../memory/arena.js';
import { checkIdentity, interpreterName, PHDR_SIZE, readProgramHeaders } from './checks.js';
import { LoadError } from './errors.js';
import { pageDown, pageUp, STATIC_PIE_BASE, type Layout } from './layout.js';

const PT_GNU_STACK = 0x6474e551;

export interface SegmentPlan {
  /** Index of the program header (for messages). */
  readonly index: number;
  /** Guest address and size in memory (load bias applied). */
  readonly address: number;
  readonly memsz: number;
  readonly offset: number;
  readonly filesz: number;
  /** Arena permissions: x86 pages are readable whenever they are writable or executable. */
  readonly perm: Perm;
}

export interface ImagePlan {
  readonly type: number;
  /** Added to every p_vaddr: 0 for ET_EXEC, STATIC_PIE_BASE - first page for static-PIE. */
  readonly bias: number;
  readonly entry: number;
  readonly segments: readonly SegmentPlan[];
  /** Where the program headers are in guest memory, or null when no segment maps them. */
  readonly phdrAddress: number | null;
  readonly phnum: number;
  /** First page after the highest segment: the initial program break. */
  readonly brk: number;
  /** PT_GNU_STACK asks for an executable stack (or is absent, which on i386 means the same). */
  readonly execStack: boolean;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

function sizeText(n: number): string {
  return n >= 1 << 30 && n % (1 << 30) === 0 ? `${n / (1 << 30)} GiB` : `${Math.round(n / (1 << 20))} MiB`;
}

function permOf(flags: number): Perm {
  let p = Perm.None;
  if (flags & (PF_R | PF_W | PF_X)) p |= Perm.Read;
  if (flags & PF_W) p |= Perm.Write;
  if (flags & PF_X) p |= Perm.Exec;
  return p;
}

/** Checks one PT_LOAD against the file and the arena (before the load bias is known). */
function checkLoad(ph: ProgramHeader, i: number, fileSize: number, layout: Layout, name: string): void {
  const where = `${name}: segment ${i}`;
  if (ph.offset + ph.filesz > fileSize) {
    throw new LoadError(`${name} is truncated: segment ${i} needs file bytes ${hex(ph.offset)}..${hex(ph.offset + ph.filesz)} but the file has ${fileSize} bytes`);
  }
  if (ph.filesz > ph.memsz) throw new LoadError(`${where} has p_filesz ${hex(ph.filesz)} larger than p_memsz ${hex(ph.memsz)}; the file is corrupt`);
  if (ph.memsz > layout.size) {
    throw new LoadError(`${where} is ${sizeText(ph.memsz)} (p_memsz ${hex(ph.memsz)}), more than the guest memory (${sizeText(layout.size)}); the file is corrupt or needs --mem`);
  }
  if (ph.vaddr + ph.memsz > 0x1_0000_0000) throw new LoadError(`${where} wraps past the end of the 4 GiB address space (p_vaddr ${hex(ph.vaddr)}, p_memsz ${hex(ph.memsz)}); the file is corrupt`);
  if (ph.align > 1 && (ph.align & (ph.align - 1)) !== 0) throw new LoadError(`${where} has p_align ${ph.align}, which is not a power of two; the file is corrupt`);
  if (ph.offset % PAGE_SIZE !== ph.vaddr % PAGE_SIZE) {
    throw new LoadError(`${where} cannot be mapped: p_offset ${hex(ph.offset)} and p_vaddr ${hex(ph.vaddr)} differ modulo the page size (4096); the file is corrupt`);
  }
}

/** Plans the load of `bytes` (named `name` in messages) into an arena with `layout`. */
export function planImage(bytes: Uint8Array, name: string, layout: Layout): ImagePlan {
  checkIdentity(bytes, name);
  const raw = readProgramHeaders(bytes);
  const interp = raw.find((ph) => ph.type === PT_INTERP);
  if (interp) {
    const path = interpreterName(bytes, interp.offset, interp.filesz);
    throw new LoadError(`vxts runs static binaries; ${name} is dynamically linked (needs INTERP ${path || '?'}); rebuild it with -static`);
  }
  // An empty PT_LOAD maps nothing (Linux skips it too), so its fields do not matter.
  raw.forEach((ph, index) => { if (ph.type === PT_LOAD && (ph.memsz > 0 || ph.filesz > 0)) checkLoad(ph, index, bytes.length, layout, name); });
  let elf;
  try {
    elf = parseElf(bytes);
  } catch (e) {
    // checkIdentity and checkLoad cover what parseElf checks; this is a backstop.
    if (e instanceof ElfError) throw new LoadError(`${name}: ${e.message}`);
    throw e;
  }
  const headers = elf.programHeaders;
  const loads: { ph: ProgramHeader; index: number }[] = [];
  headers.forEach((ph, index) => { if (ph.type === PT_LOAD && ph.memsz > 0) loads.push({ ph, index }); });
  if (loads.length === 0) throw new LoadError(`${name} has no loadable (PT_LOAD) segments; the file is not an executable or is corrupt`);
  loads.sort((a, b) => a.ph.vaddr - b.ph.vaddr);

  for (let k = 1; k < loads.length; k++) {
    const a = loads[k - 1], b = loads[k];
    // Sharing a page is normal (Linux maps the later one over it); sharing bytes is not.
    if (a.ph.vaddr + a.ph.memsz > b.ph.vaddr) {
      throw new LoadError(`${name}: segments ${a.index} and ${b.index} overlap (${hex(a.ph.vaddr)}..${hex(a.ph.vaddr + a.ph.memsz)} and ${hex(b.ph.vaddr)}..${hex(b.ph.vaddr + b.ph.memsz)}); the file is corrupt`);
    }
  }

  const low = pageDown(loads[0].ph.vaddr);
  const last = loads[loads.length - 1].ph;
  const bias = elf.type === ET_DYN ? STATIC_PIE_BASE - low : 0;
  const start = low + bias;
  const end = last.vaddr + last.memsz + bias;
  if (start < layout.minAddress) {
    throw new LoadError(`${name}: segment ${loads[0].index} starts at ${hex(start)}, below ${hex(layout.minAddress)} where Linux maps nothing (the null-pointer guard); the file is corrupt`);
  }
  if (pageUp(end) > layout.mmapTop) {
    throw new LoadError(`${name}: its segments (${hex(start)}..${hex(end)}) do not fit below the stack area at ${hex(layout.mmapTop)} of a ${sizeText(layout.size)} guest memory; give more with --mem (up to 2G) if the file is genuine`);
  }

  const segments: SegmentPlan[] = loads.map(({ ph, index }) => ({
    index, address: ph.vaddr + bias, memsz: ph.memsz, offset: ph.offset, filesz: ph.filesz, perm: permOf(ph.flags),
  }));

  const entry = (elf.entry + bias) >>> 0;
  const inExec = segments.some((s) => (s.perm & Perm.Exec) !== 0 && entry >= s.address && entry < s.address + s.memsz);
  if (!inExec) throw new LoadError(`${name}: its entry point ${hex(elf.entry)} is outside every executable segment; the file is corrupt`);

  const stack = headers.find((ph) => ph.type === PT_GNU_STACK);
  return {
    type: elf.type, bias, entry, segments, phnum: elf.phnum, brk: pageUp(end),
    phdrAddress: phdrAddress(headers, segments, elf.phoff, elf.phnum, bias),
    execStack: stack === undefined || (stack.flags & PF_X) !== 0,
  };
}

/**
 * AT_PHDR: PT_PHDR's address when it lies in a loaded segment, else the address at which the
 * segment whose file bytes contain e_phoff maps them (what Linux computes), else null.
 */
function phdrAddress(headers: readonly ProgramHeader[], segs: readonly SegmentPlan[], phoff: number, phnum: number, bias: number): number | null {
  const size = phnum * PHDR_SIZE;
  const pt = headers.find((ph) => ph.type === PT_PHDR);
  if (pt) {
    const a = pt.vaddr + bias;
    if (segs.some((s) => a >= s.address && a + size <= s.address + s.memsz)) return a;
  }
  for (const s of segs) {
    if (phoff >= s.offset && phoff + size <= s.offset + s.filesz) return s.address + (phoff - s.offset);
  }
  return null;
}

// Puts a planned image into the arena: maps every page a segment touches with the union of the
// permissions of the segments that share it (Linux maps the later segment over a shared page;
// x86 has no per-byte protection, so the union is what both segments' code observes), copies the
// file bytes and leaves the rest of p_memsz (the bss) zero.

import { PAGE_SHIFT, PAGE_SIZE, type Arena, type Perm } from '../memory/arena.js';
import type { ImagePlan } from './plan.js';

export function mapImage(arena: Arena, bytes: Uint8Array, plan: ImagePlan): void {
  const pagePerm = new Map<number, Perm>();
  for (const s of plan.segments) {
    for (let p = s.address >>> PAGE_SHIFT; p <= (s.address + s.memsz - 1) >>> PAGE_SHIFT; p++) {
      pagePerm.set(p, (pagePerm.get(p) ?? 0) | s.perm);
    }
  }
  // map() zero-fills pages that were mapped before (an exec into a used arena).
  for (const [page, perm] of pagePerm) arena.map(page * PAGE_SIZE, PAGE_SIZE, perm);
  // Like mmap of the file, the bytes of a segment's first page below p_vaddr come from the file
  // too (so the ELF header is visible at the start of the text page, which __ehdr_start relies
  // on). They go in first, so that no segment's own bytes are overwritten by a neighbour's.
  for (const s of plan.segments) {
    const lead = s.address % PAGE_SIZE;
    if (lead > 0 && !plan.segments.some((o) => o !== s && o.address < s.address && o.address + o.memsz > s.address - lead)) {
      arena.u8.set(bytes.subarray(s.offset - lead, s.offset), s.address - lead);
    }
  }
  for (const s of plan.segments) {
    arena.u8.set(bytes.subarray(s.offset, s.offset + s.filesz), s.address);
    arena.u8.fill(0, s.address + s.filesz, s.address + s.memsz);
  }
}

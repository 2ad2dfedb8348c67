// A process's address space: the list of mappings (VMAs) that Linux keeps and /proc/self/maps
// shows, kept in step with the arena's page permissions, which are what actually confine the
// guest. It places mmap allocations top-down below the stack's guard gap (Linux's default
// top-down layout), moves the program break, and splits or merges mappings on munmap, mprotect
// and mremap. Every change that could leave stale translated code drops it first.

import { PAGE_SHIFT, PAGE_SIZE, Perm, type Arena } from '../memory/arena.js';
import type { Layout } from '../loader/layout.js';
import type { MemoryBudget } from './memory-budget.js';

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

export interface Vma {
  start: number;
  end: number;
  prot: number;
  shared: boolean;
  /** Path, '[heap]', '[stack]' or '' (anonymous). */
  label: string;
  /** File offset of `start` (0 for anonymous mappings). */
  offset: number;
  /** Device and inode for /proc/self/maps (0 for anonymous). */
  dev: number;
  inode: number;
}

export type VmaInit = Pick<Vma, 'prot' | 'shared' | 'label'> & Partial<Pick<Vma, 'offset' | 'dev' | 'inode'>>;

/** File mappings keep offsets in step with addresses; anonymous and [heap]/[stack] do not. */
export const isAnonymous = (v: Readonly<Vma>): boolean => v.label === '' || v.label.startsWith('[');
const isFile = (v: Vma): boolean => !isAnonymous(v);

const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;

/** Arena permissions for PROT bits: on x86 every accessible page is readable. */
export function permForProt(prot: number): Perm {
  if ((prot & 7) === 0) return Perm.Mapped; // PROT_NONE: mapped, nothing allowed
  return Perm.Read | (prot & PROT_WRITE ? Perm.Write : 0) | (prot & PROT_EXEC ? Perm.Exec : 0);
}

/** A mapping would take the process past its memory limit (the syscall fails with ENOMEM). */
export class MemoryLimitError extends Error {
  constructor(readonly limit: number, readonly wanted: number) {
    super(`memory limit of ${limit} bytes reached (${wanted} bytes wanted)`);
    this.name = 'MemoryLimitError';
  }
}

export class AddressSpace {
  private vmas: Vma[] = [];
  /**
   * Most bytes of guest address space the process may have mapped (its committed pages: every
   * page of every mapping, the stack's reservation included), or Infinity. Checked when brk,
   * mmap and mremap add pages; the loader's image is not refused (it is counted).
   */
  limit = Infinity;
  /** Called when a mapping is refused by the limit (the embedder reports it). */
  onLimit: ((wanted: number) => void) | null = null;
  /** The family's shared limit (a tenant's processes together), when there is one. */
  budget: MemoryBudget | null = null;
  /** Start of the heap and the current program break (not page aligned, as Linux returns it). */
  startBrk = 0;
  brk = 0;

  constructor(
    readonly arena: Arena,
    readonly layout: Layout,
    /** Drops translations of [address, address+length) (Machine.invalidate). */
    private readonly invalidate: (address: number, length: number) => void,
  ) {}

  get mappings(): readonly Readonly<Vma>[] { return this.vmas; }

  /** Records a mapping the loader made (segments, stack) without touching the arena. */
  record(start: number, end: number, init: VmaInit): void {
    this.removeRange(start, end);
    this.insert({ offset: 0, dev: 0, inode: 0, ...init, start, end });
  }

  /** Bytes mapped now (every page of every mapping). */
  committed(): number {
    let n = 0;
    for (const v of this.vmas) n += v.end - v.start;
    return n;
  }

  /** Throws MemoryLimitError when mapping [start, end) would pass the limit. */
  checkLimit(start: number, end: number): void {
    const b = this.budget;
    if (this.limit === Infinity && (b === null || b.limit === Infinity)) return;
    let already = 0;
    for (const v of this.vmas) already += Math.max(0, Math.min(v.end, end) - Math.max(v.start, start));
    const growth = (end - start) - already;
    const wanted = this.committed() + growth;
    if (wanted > this.limit) {
      this.onLimit?.(wanted);
      throw new MemoryLimitError(this.limit, wanted);
    }
    if (b !== null && b.limit !== Infinity) {
      const family = b.charged() + growth;
      if (family > b.limit) {
        b.onLimit?.(family);
        throw new MemoryLimitError(b.limit, family);
      }
    }
  }

  /** Maps [start, end) zero-filled with `prot`, replacing whatever was there. */
  map(start: number, end: number, init: VmaInit): void {
    this.checkLimit(start, end);
    this.dropCode(start, end);
    this.removeRange(start, end);
    this.arena.map(start, end - start, permForProt(init.prot));
    this.insert({ offset: 0, dev: 0, inode: 0, ...init, start, end });
  }

  /** Unmaps [start, end); unmapped holes in it are fine (as munmap allows). */
  unmap(start: number, end: number): void {
    this.dropCode(start, end);
    this.removeRange(start, end);
    this.arena.unmap(start, end - start);
  }

  /** mprotect: false when part of [start, end) is not mapped (ENOMEM), changing nothing. */
  protect(start: number, end: number, prot: number): boolean {
    if (!this.isCovered(start, end)) return false;
    const pieces = this.removeRange(start, end);
    for (const v of pieces) this.insert({ ...v, prot });
    // Removing PROT_EXEC must stop cached translations from running.
    if ((prot & PROT_EXEC) === 0) this.dropCode(start, end);
    this.arena.protect(start, end - start, permForProt(prot));
    return true;
  }

  /** True when no mapping intersects [start, end). */
  isFree(start: number, end: number): boolean {
    return this.vmas.every((v) => v.end <= start || v.start >= end);
  }

  /** True when every page of [start, end) is mapped. */
  isCovered(start: number, end: number): boolean {
    let at = start;
    for (const v of this.vmas) {
      if (v.end <= at) continue;
      if (v.start > at) return false;
      at = v.end;
      if (at >= end) return true;
    }
    return at >= end;
  }

  /** The mapping containing `address`, if any. */
  find(address: number): Readonly<Vma> | undefined {
    return this.vmas.find((v) => address >= v.start && address < v.end);
  }

  /**
   * A free range of `length` bytes (page multiple): at `hint` when that is free, else the highest
   * gap below mmapTop (Linux's top-down search below mmap_base). -1 when nothing fits.
   */
  findFree(length: number, hint = 0): number {
    const { minAddress, mmapTop, size } = this.layout;
    if (hint !== 0 && hint >= minAddress && hint + length <= size && this.isFree(hint, hint + length)) return hint;
    let ceiling = mmapTop;
    for (let i = this.vmas.length - 1; i >= -1; i--) {
      const v = i >= 0 ? this.vmas[i] : undefined;
      if (v !== undefined && v.start >= ceiling) continue;
      const floor = v !== undefined ? Math.max(v.end, minAddress) : minAddress;
      if (ceiling - floor >= length) return ceiling - length;
      if (v !== undefined) ceiling = v.start;
    }
    return -1;
  }

  /**
   * brk(2): moves the break to `want` when the pages it adds are free (one guard page must stay
   * below the next mapping, as Linux requires) and returns the break in effect afterwards.
   */
  setBrk(want: number): number {
    if (want < this.startBrk || want > this.layout.mmapTop) return this.brk;
    const oldTop = pageUp(this.brk), newTop = pageUp(want);
    if (newTop > oldTop) {
      const next = this.vmas.find((v) => v.start >= oldTop);
      if (next !== undefined && newTop + PAGE_SIZE > next.start) return this.brk;
      try {
        this.checkLimit(oldTop, newTop);
      } catch (e) {
        if (e instanceof MemoryLimitError) return this.brk;
        throw e;
      }
      this.map(oldTop, newTop, { prot: PROT_READ | PROT_WRITE, shared: false, label: '[heap]' });
    } else if (newTop < oldTop) {
      this.unmap(newTop, oldTop);
    }
    this.brk = want;
    return want;
  }

  /** Copies the state of another space's bookkeeping (fork). */
  copyFrom(other: AddressSpace): void {
    this.vmas = other.vmas.map((v) => ({ ...v }));
    this.limit = other.limit;
    this.onLimit = other.onLimit;
    this.startBrk = other.startBrk;
    this.brk = other.brk;
  }

  /** The text of /proc/self/maps. */
  formatMaps(): string {
    const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
    const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
    return this.vmas.map((v) => {
      const perms = `${v.prot & PROT_READ ? 'r' : '-'}${v.prot & PROT_WRITE ? 'w' : '-'}${v.prot & PROT_EXEC ? 'x' : '-'}${v.shared ? 's' : 'p'}`;
      const head = `${hex8(v.start)}-${hex8(v.end)} ${perms} ${hex8(v.offset)} ${hex2(v.dev >>> 8)}:${hex2(v.dev & 0xff)} ${v.inode}`;
      // Linux pads the fixed columns to 72 characters before a name (fs/proc/task_mmu.c).
      return v.label === '' ? `${head}\n` : `${head.padEnd(72)} ${v.label}\n`;
    }).join('');
  }

  /** Removes [start, end) from the list, splitting mappings at the edges; returns the pieces. */
  private removeRange(start: number, end: number): Vma[] {
    const kept: Vma[] = [];
    const removed: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) { kept.push(v); continue; }
      if (v.start < start) kept.push({ ...v, end: start });
      if (v.end > end) kept.push({ ...v, start: end, offset: v.offset + (isFile(v) ? end - v.start : 0) });
      const s = Math.max(v.start, start);
      removed.push({ ...v, start: s, end: Math.min(v.end, end), offset: v.offset + (isFile(v) ? s - v.start : 0) });
    }
    this.vmas = kept.sort((a, b) => a.start - b.start);
    return removed;
  }

  /** Inserts a mapping (the range must be free) and merges it with compatible neighbours. */
  private insert(vma: Vma): void {
    this.vmas.push(vma);
    this.vmas.sort((a, b) => a.start - b.start);
    const merged: Vma[] = [];
    for (const v of this.vmas) {
      const prev = merged[merged.length - 1];
      if (prev !== undefined && prev.end === v.start && prev.prot === v.prot && prev.shared === v.shared &&
          prev.label === v.label && prev.dev === v.dev && prev.inode === v.inode &&
          (!isFile(prev) || prev.offset + (prev.end - prev.start) === v.offset)) {
        prev.end = v.end;
      } else {
        merged.push(v);
      }
    }
    this.vmas = merged;
  }

  /** Invalidates translated code in [start, end), visiting only pages that hold some. */
  private dropCode(start: number, end: number): void {
    const perms = this.arena.perms;
    const last = Math.ceil(end / PAGE_SIZE);
    for (let p = start >>> PAGE_SHIFT; p < last; p++) {
      if (perms[p] & Perm.Code) this.invalidate(p * PAGE_SIZE, PAGE_SIZE);
    }
  }
}

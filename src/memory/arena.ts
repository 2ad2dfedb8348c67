// The arena: a tenant's whole guest address space, one segment-like window [0, size) backed by
// one host ArrayBuffer, with a permission byte per 4 KiB page. Every guest access is checked
// against the page table, reads as strictly as writes; an access outside the window or to a
// page without the permission throws a GuestFault (the guest gets SIGSEGV), never a host access.
// The backing buffer is allocated zero-filled by the OS on first touch, so untouched pages cost
// no host memory.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;
export const MAX_ARENA = 0x8000_0000;

/**
 * Page permission bits. Code marks pages that hold translated code (writes must invalidate);
 * Used, pages ever mapped; Mapped, a page mapped now with no access at all (PROT_NONE): it grants
 * nothing, but a fault there is SEGV_ACCERR, as on Linux, not SEGV_MAPERR.
 */
export const enum Perm { None = 0, Read = 1, Write = 2, Exec = 4, Code = 8, Used = 16, Mapped = 32 }
const ACCESS = Perm.Read | Perm.Write | Perm.Exec;
/** Bits protect() sets from its argument. */
const SETTABLE = ACCESS | Perm.Mapped;

/** A guest memory fault: the engine turns it into SIGSEGV with the faulting address. */
export class GuestFault extends Error {
  constructor(
    readonly address: number,
    /** 'read', 'write' or 'exec': what the guest tried. */
    readonly access: 'read' | 'write' | 'exec',
    /** True when the page is mapped but lacks the permission (SEGV_ACCERR), else SEGV_MAPERR. */
    readonly mapped: boolean,
  ) {
    super(`guest ${access} fault at 0x${(address >>> 0).toString(16)}`);
    this.name = 'GuestFault';
  }
}

/** Called before a write lands on a page marked Code, so translations of it can be dropped. */
export type CodeWriteHook = (address: number, length: number) => void;

/** What a revoked arena's fields point at: nothing is readable, writable or executable. */
const REVOKED_BUFFER = new ArrayBuffer(0);
const REVOKED_PERMS = new Uint8Array(0);

export class Arena {
  // The storage fields are `readonly` to everyone else; `revoke` (pooling) is the only writer
  // after construction, so that a stale reference to a recycled arena sees an empty window.
  /** Window size in bytes (a multiple of the page size, at most 2 GiB); 0 once revoked. */
  readonly size: number;
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly view: DataView;
  /** One byte of Perm bits per page of the window (pages at or beyond `size` have none). */
  readonly perms: Uint8Array;
  onCodeWrite: CodeWriteHook | null = null;
  /**
   * Every page that was ever mapped (has Perm.Used), in the order first mapped: what fork
   * copies, what the memory figures count, and what recycling must zero; never scanned whole.
   */
  readonly usedPages: number[] = [];
  /**
   * A stack that grows down on first touch, as Linux's VM_GROWSDOWN stack does: an access in
   * [floor, bottom) maps the pages from it up to `bottom` (with `perm`) and goes on. So a
   * tenant's 8 MiB stack costs only the pages it reaches, also for recycling (the pool zeroes
   * only mapped pages). Any other mapping change inside [floor, bottom) raises the floor above
   * it: the stack never grows over something mapped (or unmapped) there on purpose.
   */
  growth: { floor: number; bottom: number; readonly perm: Perm } | null = null;

  /**
   * A fresh zero-filled window of `size` bytes with its own buffer, or (with `storage`) the
   * zero-filled window at `storage.offset` of a larger buffer (a slab of the arena pool).
   */
  constructor(size: number, storage?: { readonly buffer: ArrayBuffer; readonly offset: number; readonly perms: Uint8Array }) {
    // At most 2 GiB: translated code computes addresses as int32, so every valid guest address
    // must be a non-negative int32; addresses at 2 GiB and above are outside every arena.
    if (!Number.isInteger(size) || size <= 0 || size > MAX_ARENA || size % PAGE_SIZE !== 0) {
      throw new RangeError(`arena size must be a positive multiple of ${PAGE_SIZE} up to 2 GiB, got ${size}`);
    }
    this.size = size;
    this.buffer = storage?.buffer ?? new ArrayBuffer(size);
    const offset = storage?.offset ?? 0;
    // The views end where the window ends: an index past `size` reaches nothing, not a neighbour.
    this.u8 = new Uint8Array(this.buffer, offset, size);
    this.view = new DataView(this.buffer, offset, size);
    // One byte per page of the window. Pages at or above `size` have no entry: every check
    // tests `size` first, and an index past the end reads undefined, which has no Perm bits.
    this.perms = storage?.perms ?? new Uint8Array(size >>> PAGE_SHIFT);
  }

  /** Where the window starts in `buffer` (0 unless it is a slab's). */
  get offset(): number {
    return this.u8.byteOffset;
  }

  /** Bytes of the window ever mapped (an upper bound of the host memory the guest touched). */
  get usedBytes(): number {
    return this.usedPages.length * PAGE_SIZE;
  }

  /**
   * Detaches this object from its storage (its window goes back to the pool): from now on it is
   * a window of size 0, so any stale reference faults instead of seeing another tenant's pages.
   */
  revoke(): void {
    const w = this as { -readonly [K in keyof Arena]: Arena[K] };
    w.size = 0;
    w.buffer = REVOKED_BUFFER;
    w.u8 = new Uint8Array(REVOKED_BUFFER);
    w.view = new DataView(REVOKED_BUFFER);
    w.perms = REVOKED_PERMS;
    this.onCodeWrite = null;
    this.growth = null;
  }

  /** Which 16 MiB stretches (4096 pages: one page of `perms`) hold a page ever mapped. */
  private readonly tableSeen = new Uint8Array(128);
  /** Pages of the permission table the guest's mappings touched (host memory, not guest). */
  tablePages = 0;

  /** Marks page `p` as mapped at least once (records it in usedPages). */
  private markUsed(p: number): void {
    if ((this.perms[p] & Perm.Used) === 0) {
      this.perms[p] |= Perm.Used;
      this.usedPages.push(p);
      if (this.tableSeen[p >>> 12] === 0) { this.tableSeen[p >>> 12] = 1; this.tablePages++; }
    }
  }

  /**
   * Fork's copy: page `p` of `from` (same size) with its permissions, bytes copied only when
   * the page is not all zero (a fresh page of this arena already is).
   */
  copyPageFrom(from: Arena, p: number, words: Int32Array): void {
    const perm = from.perms[p];
    this.markUsed(p);
    this.perms[p] = (perm & ~Perm.Code) | Perm.Used;
    const w = (p * PAGE_SIZE) >>> 2;
    for (let i = 0; i < PAGE_SIZE / 4; i++) {
      if (words[w + i] !== 0) {
        this.u8.set(from.u8.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE), p * PAGE_SIZE);
        return;
      }
    }
  }

  /** Sets the permissions of every page overlapping [address, address+length). */
  protect(address: number, length: number, perm: Perm): void {
    if (length <= 0) return;
    const first = address >>> PAGE_SHIFT;
    const last = (address + length - 1) >>> PAGE_SHIFT;
    if (address < 0 || address + length > this.size) {
      throw new RangeError(`range 0x${address.toString(16)}+0x${length.toString(16)} is outside the arena`);
    }
    // Used records that a page was ever mapped, so only such pages need zeroing when remapped.
    const g = this.growth;
    if (g !== null && !this.growing && address < g.bottom && address + length > g.floor) {
      g.floor = Math.min(g.bottom, (last + 1) * PAGE_SIZE);
    }
    if (perm !== Perm.None) for (let p = first; p <= last; p++) this.markUsed(p);
    for (let p = first; p <= last; p++) this.perms[p] = (this.perms[p] & (Perm.Code | Perm.Used)) | (perm & SETTABLE);
  }

  /**
   * Maps pages with the given permissions, zero-filled. Pages never mapped before are still the
   * OS's untouched zero pages, so they are left alone: mapping costs no host memory until used.
   */
  map(address: number, length: number, perm: Perm): void {
    const first = address >>> PAGE_SHIFT;
    const last = (address + Math.max(length, 1) - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last && p < this.perms.length; p++) {
      if (this.perms[p] & Perm.Used) this.u8.fill(0, p * PAGE_SIZE, Math.min(this.size, (p + 1) * PAGE_SIZE));
    }
    this.protect(address, length, perm);
  }

  /** Unmaps pages: later accesses fault. */
  unmap(address: number, length: number): void {
    this.protect(address, length, Perm.None);
  }

  /** True when every byte of [address, address+length) has all bits of `perm`. */
  check(address: number, length: number, perm: Perm): boolean {
    if (length <= 0) return true;
    address >>>= 0;
    const end = address + length - 1;
    if (end >= this.size) return false;
    for (let p = address >>> PAGE_SHIFT; p <= end >>> PAGE_SHIFT; p++) {
      if ((this.perms[p] & perm) !== perm) return false;
    }
    return true;
  }

  private growing = false;

  /** check(), growing the stack first if the range starts in its growth area (for system calls). */
  accessible(address: number, length: number, perm: Perm): boolean {
    return this.check(address, length, perm) || (this.grow(address) && this.check(address, length, perm));
  }

  /** Grows the stack down to cover `address` if it lies in the growth range; true if it did. */
  private grow(address: number): boolean {
    const g = this.growth;
    const a = address >>> 0;
    if (g === null || a < g.floor || a >= g.bottom) return false;
    const start = a & ~PAGE_MASK;
    this.growing = true;
    try {
      this.map(start, g.bottom - start, g.perm);
    } finally {
      this.growing = false;
    }
    g.bottom = start;
    return true;
  }

  private fault(address: number, length: number, access: 'read' | 'write' | 'exec', perm: Perm): never {
    // Report the first byte that lacks the permission, as the MMU would.
    for (let i = 0; i < length; i++) {
      const a = (address + i) >>> 0;
      const p = a < this.size ? this.perms[a >>> PAGE_SHIFT] : 0;
      if ((p & perm) !== perm) throw new GuestFault(a, access, (p & SETTABLE) !== 0);
    }
    throw new GuestFault(address >>> 0, access, false);
  }

  /** Checks a read of `length` bytes; throws GuestFault if not allowed. */
  checkRead(address: number, length: number): void {
    if (!this.check(address, length, Perm.Read) && !(this.grow(address) && this.check(address, length, Perm.Read))) {
      this.fault(address, length, 'read', Perm.Read);
    }
  }

  /**
   * Checks a write; on pages holding translated code it first invalidates those translations
   * and returns 1, so translated code knows to leave before running stale code.
   */
  checkWrite(address: number, length: number): number {
    if (!this.check(address, length, Perm.Write) && !(this.grow(address) && this.check(address, length, Perm.Write))) {
      this.fault(address, length, 'write', Perm.Write);
    }
    const a = address >>> 0;
    for (let p = a >>> PAGE_SHIFT; p <= (a + length - 1) >>> PAGE_SHIFT; p++) {
      if (this.perms[p] & Perm.Code) {
        this.onCodeWrite?.(a, length);
        return 1;
      }
    }
    return 0;
  }

  // The slow paths of translated code's inline accesses: page-crossing, faulting, or Code pages.
  // Little-endian byte order, as the guest sees it.
  read8(a: number): number { this.checkRead(a, 1); return this.u8[a >>> 0]; }
  read16(a: number): number { this.checkRead(a, 2); a >>>= 0; return this.u8[a] | (this.u8[a + 1] << 8); }
  read32(a: number): number {
    this.checkRead(a, 4);
    a >>>= 0;
    return this.u8[a] | (this.u8[a + 1] << 8) | (this.u8[a + 2] << 16) | (this.u8[a + 3] << 24);
  }
  // Writes return 1 when they touched a page holding translated code (see checkWrite).
  write8(a: number, v: number): number { const c = this.checkWrite(a, 1); this.u8[a >>> 0] = v; return c; }
  write16(a: number, v: number): number {
    const c = this.checkWrite(a, 2);
    a >>>= 0;
    this.u8[a] = v; this.u8[a + 1] = v >> 8;
    return c;
  }
  write32(a: number, v: number): number {
    const c = this.checkWrite(a, 4);
    a >>>= 0;
    this.u8[a] = v; this.u8[a + 1] = v >> 8; this.u8[a + 2] = v >> 16; this.u8[a + 3] = v >> 24;
    return c;
  }

  /** Copies guest bytes out (for system calls): checked, never a view into the arena. */
  readBytes(address: number, length: number): Uint8Array {
    this.checkRead(address, length);
    return this.u8.slice(address >>> 0, (address >>> 0) + length);
  }

  /** Copies bytes into the guest: checked, and invalidates translated code it overwrites. */
  writeBytes(address: number, data: Uint8Array): void {
    this.checkWrite(address, data.length);
    this.u8.set(data, address >>> 0);
  }

  /** Reads a NUL-terminated string of at most `max` bytes (checked byte by byte). */
  readCString(address: number, max = 4096): Uint8Array {
    for (let i = 0; i < max; i++) {
      if (this.read8(address + i) === 0) return this.readBytes(address, i);
    }
    throw new GuestFault((address + max) >>> 0, 'read', true);
  }
}

// Recycled arenas, after Wasmtime's pooling allocator. Two costs make a fresh window dear in
// V8: allocating 1 GiB takes about a millisecond, and V8 counts the buffer as external memory
// and starts a full garbage collection whenever that grows by more than a few dozen MiB; with
// thousands of tenants that is a collection per spawn. So windows are carved out of slabs (one
// ArrayBuffer holding many windows: one collection per slab, and the OS still commits only the
// pages a guest touches), and a window whose tenant has ended goes back to its slab's free list.
//
// Safety: a released window is zeroed page by page (only the pages its tenant ever mapped) with
// its page permissions cleared, and the Arena object the old owner held is revoked (a window of
// size 0), so no reference to an old tenant's arena reaches the next tenant's pages. A new Arena
// object is made for each new owner.
//
// An arena nobody released (a Machine an embedder or a test dropped) comes back too: when the
// collector has freed its Arena object, a FinalizationRegistry zeroes its window and frees it.
// That is safe because nothing but the Arena refers to the window (system calls copy guest bytes
// out, never keep views of the arena).
//
// Host memory: pages a tenant touched stay resident in the slab after zeroing (JavaScript cannot
// give pages back to the OS), to be reused by the next tenant of that window. Slabs whose windows
// are all free are dropped (the collector frees them) once they have stayed free for a while,
// keeping one per window size: dropping them at once would make a burst of tenants allocate
// (and collect) slabs again and again. So the pool holds about the peak of what live tenants
// touched, and settles back to one idle slab per size.

import { Arena } from './arena.js';
import { totalmem } from 'node:os';

export interface ArenaPoolOptions {
  /**
   * Bytes per slab (default: 16 GiB, or half the host's RAM if less, since Linux refuses
   * single allocations larger than RAM plus swap in its default overcommit mode).
   */
  slabBytes?: number;
}

export interface ArenaPoolStats {
  /** Windows handed out: from a free list, and carved from a new slab. */
  reused: number;
  carved: number;
  /** Slabs allocated and dropped. */
  slabs: number;
  slabsDropped: number;
  /** Windows in use now. */
  live: number;
}

/** A window handed out: where it is, and what the owner's arena touched (to zero it). */
interface Lease {
  readonly slab: Slab;
  readonly index: number;
  readonly perms: Uint8Array;
  readonly usedPages: number[];
}

interface Slab {
  readonly size: number;
  readonly buffer: ArrayBuffer;
  /** Page permissions of all windows in one buffer (one allocation per slab, not per window). */
  readonly perms: ArrayBuffer;
  /** Windows handed out at least once (the rest are still untouched zero pages). */
  carved: number;
  /** Window indexes free to hand out. */
  readonly free: number[];
  readonly windows: number;
  /** When the slab last became wholly free (performance.now()), or -1 while in use. */
  idleSince: number;
}

/** How long a wholly free slab is kept before the sweep drops it. */
const IDLE_SLAB_MS = 2000;

const SLAB_BYTES = Math.min(16 * 2 ** 30, Math.floor(totalmem() / 2 / 2 ** 30) * 2 ** 30 || 2 ** 30);

export class ArenaPool {
  private readonly slabs = new Map<number, Slab[]>();
  /** The slab each live arena came from. */
  private readonly owner = new WeakMap<Arena, Lease>();
  /** Windows whose arena was collected without release(). */
  private readonly orphans = new FinalizationRegistry<Lease>((lease) => this.giveBack(lease));
  private readonly slabBytes: number;
  readonly stats: ArenaPoolStats = { reused: 0, carved: 0, slabs: 0, slabsDropped: 0, live: 0 };

  constructor(o: ArenaPoolOptions = {}) {
    this.slabBytes = o.slabBytes ?? SLAB_BYTES;
  }

  /** A zero-filled arena of `size` bytes with no page mapped. */
  acquire(size: number): Arena {
    let list = this.slabs.get(size);
    if (list === undefined) this.slabs.set(size, (list = []));
    let slab = list.find((s) => s.free.length > 0);
    if (slab === undefined) {
      slab = this.newSlab(size);
      list.push(slab);
    }
    const index = slab.free.pop() as number;
    slab.idleSince = -1;
    const pages = size >>> 12;
    const perms = new Uint8Array(slab.perms, index * pages, pages);
    if (index >= slab.carved) {
      slab.carved = index + 1;
      this.stats.carved++;
    } else {
      this.stats.reused++;
    }
    const arena = new Arena(size, { buffer: slab.buffer, offset: index * size, perms });
    const lease: Lease = { slab, index, perms, usedPages: arena.usedPages };
    this.owner.set(arena, lease);
    this.orphans.register(arena, lease, arena);
    this.stats.live++;
    return arena;
  }

  /** A slab of windows of `size`, as many as fit in slabBytes; fewer if the host refuses. */
  private newSlab(size: number): Slab {
    let windows = Math.max(1, Math.floor(this.slabBytes / size));
    for (;;) {
      try {
        const buffer = new ArrayBuffer(windows * size);
        this.stats.slabs++;
        return {
          size, buffer, perms: new ArrayBuffer(windows * (size >>> 12)), carved: 0,
          free: Array.from({ length: windows }, (_, i) => windows - 1 - i),
          windows, idleSince: -1,
        };
      } catch (e) {
        if (windows === 1 || !(e instanceof RangeError)) throw e;
        windows = Math.floor(windows / 2);
      }
    }
  }

  /**
   * Takes back an arena whose owner will never use it again (the caller guarantees it: the
   * process has ended or its image was replaced). The owner's object is revoked.
   */
  release(arena: Arena): void {
    const lease = this.owner.get(arena);
    if (lease === undefined || arena.size === 0) { arena.revoke(); return; }
    this.owner.delete(arena);
    this.orphans.unregister(arena);
    arena.revoke();
    this.giveBack(lease);
  }

  /** Zeroes the pages a lease's owner mapped, clears their permissions, frees the window. */
  private giveBack(lease: Lease): void {
    const { slab, index, perms, usedPages } = lease;
    const u8 = new Uint8Array(slab.buffer, index * slab.size, slab.size);
    for (const p of usedPages) {
      u8.fill(0, p * 4096, (p + 1) * 4096);
      perms[p] = 0;
    }
    usedPages.length = 0;
    slab.free.push(index);
    this.stats.live--;
    if (slab.free.length === slab.windows) {
      slab.idleSince = performance.now();
      this.scheduleSweep();
    }
  }

  private sweepTimer: ReturnType<typeof setTimeout> | null = null;

  private scheduleSweep(): void {
    if (this.sweepTimer !== null) return;
    this.sweepTimer = setTimeout(() => { this.sweepTimer = null; this.sweep(); }, IDLE_SLAB_MS);
    this.sweepTimer.unref(); // never keeps the host process alive
  }

  /** Drops slabs free for IDLE_SLAB_MS or more, keeping one free slab per window size. */
  sweep(now = performance.now()): void {
    let waiting = false;
    for (const list of this.slabs.values()) {
      let keep = 1;
      for (let i = list.length - 1; i >= 0; i--) {
        const s = list[i];
        if (s.idleSince < 0) continue;
        if (keep > 0) { keep--; continue; }
        if (now - s.idleSince >= IDLE_SLAB_MS) {
          list.splice(i, 1);
          this.stats.slabsDropped++;
        } else {
          waiting = true;
        }
      }
    }
    if (waiting) this.scheduleSweep();
  }
}

/** The pool every Machine uses unless given another. */
export const defaultArenaPool = new ArenaPool();

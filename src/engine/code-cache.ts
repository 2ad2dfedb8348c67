// Translations shared between tenants, keyed by content: a block's JavaScript function depends
// only on the guest bytes it covers, its address and the translator's settings (a block reads
// the CPU state and the arena from its arguments, never from its closure), so two tenants
// running the same binary can run the same compiled function. The key is (settings, address),
// and a hit is taken only when the bytes at that address in the asking tenant's arena are
// identical to the ones translated and executable there: sharing is by content, never by path.
//
// What is shared: translations of pages that were not writable when translated (program text).
// Code a tenant writes and then runs (JITs, self-modifying code) stays private to it: its
// translations are never offered here, so one tenant cannot fill the cache with its own code.
// Each tenant keeps its own chaining and hit counts (a per-tenant copy of the Block record), so
// invalidation after a write in one tenant never touches another's.

import type { Block } from '../../translator/block.js';
import { Perm, type Arena } from '../memory/arena.js';

interface Entry {
  readonly block: Block;
  /** The guest bytes of the block's ranges, concatenated. */
  readonly bytes: Uint8Array;
  /** [start, end) pairs the block covers. */
  readonly ranges: readonly number[];
}

export interface CodeCacheStats {
  /** Blocks offered and kept; offers refused (writable pages, or the cache full). */
  stored: number;
  refused: number;
  /** Lookups that found a translation with identical bytes, and lookups that did not. */
  hits: number;
  misses: number;
  /** Guest instructions the shared blocks cover. */
  instructions: number;
}

const EXEC = Perm.Read | Perm.Exec;
/** Translations kept per (settings, address). */
const MAX_VERSIONS = 4;

function rangesOf(b: Block): readonly number[] {
  return b.extents ?? [b.eip, b.eip + Math.max(1, b.length)];
}

/** Do `arena`'s bytes over `ranges` equal `bytes`, all on executable pages? */
function sameCode(arena: Arena, ranges: readonly number[], bytes: Uint8Array): boolean {
  const u8 = arena.u8;
  let k = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    const start = ranges[i], end = ranges[i + 1];
    if (!arena.check(start, end - start, EXEC)) return false;
    for (let a = start; a < end; a++) if (u8[a] !== bytes[k++]) return false;
  }
  return true;
}

export class SharedCodeCache {
  private readonly byKey = new Map<string, Map<number, Entry[]>>();
  private count = 0;
  readonly stats: CodeCacheStats = { stored: 0, refused: 0, hits: 0, misses: 0, instructions: 0 };

  /** `maxBlocks` bounds what the cache holds; past it, new translations stay private. */
  constructor(readonly maxBlocks = 200_000) {}

  /** Blocks held. */
  get size(): number { return this.count; }

  /**
   * A translation made under `key` at `eip` whose bytes equal `arena`'s there, as a new Block
   * record for the asking tenant (its own chaining slots, validity and hit count).
   */
  find(key: string, arena: Arena, eip: number): Block | undefined {
    const list = this.byKey.get(key)?.get(eip);
    if (list !== undefined) {
      for (const e of list) {
        if (sameCode(arena, e.ranges, e.bytes)) {
          this.stats.hits++;
          return { ...e.block, next: e.block.targets.map(() => null), valid: true, hits: 0 };
        }
      }
    }
    this.stats.misses++;
    return undefined;
  }

  /**
   * Offers a translation `arena`'s tenant just made; kept when its pages are read-only code.
   * True when kept (the tenant's copy is then shared, not private).
   */
  offer(key: string, arena: Arena, block: Block): boolean {
    const ranges = rangesOf(block);
    let shareable = this.count < this.maxBlocks;
    for (let i = 0; shareable && i < ranges.length; i += 2) {
      const start = ranges[i], end = ranges[i + 1];
      shareable = arena.check(start, end - start, EXEC) && !arenaWritable(arena, start, end);
    }
    if (!shareable) { this.stats.refused++; return false; }
    let total = 0;
    for (let i = 0; i < ranges.length; i += 2) total += ranges[i + 1] - ranges[i];
    const bytes = new Uint8Array(total);
    for (let i = 0, k = 0; i < ranges.length; i += 2) {
      bytes.set(arena.u8.subarray(ranges[i], ranges[i + 1]), k);
      k += ranges[i + 1] - ranges[i];
    }
    let at = this.byKey.get(key);
    if (at === undefined) this.byKey.set(key, (at = new Map()));
    let list = at.get(block.eip);
    if (list === undefined) at.set(block.eip, (list = []));
    // A few versions per address at most (the same address holds different code in different
    // programs): the oldest goes, so a lookup compares against a bounded list.
    if (list.length >= MAX_VERSIONS) {
      const old = list.shift() as Entry;
      this.count--;
      this.stats.instructions -= old.block.instructions;
    }
    // The template keeps no tenant's chaining: each user gets its own slots (see find).
    list.push({ block: { ...block, next: [], hits: 0 }, bytes, ranges });
    this.count++;
    this.stats.stored++;
    this.stats.instructions += block.instructions;
    return true;
  }

  /** Forgets every translation. */
  clear(): void {
    this.byKey.clear();
    this.count = 0;
  }
}

/** Is any page of [start, end) writable? */
function arenaWritable(arena: Arena, start: number, end: number): boolean {
  for (let p = start >>> 12; p <= (end - 1) >>> 12; p++) if (arena.perms[p] & Perm.Write) return true;
  return false;
}

/** The cache every Machine shares unless given another (or none). */
export const defaultCodeCache = new SharedCodeCache();

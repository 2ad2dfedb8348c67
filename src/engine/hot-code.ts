// What the engine learns about a tenant's hot code, for its regions (translator/js/assemble.ts):
// the control-flow graph seen so far (direct targets of translations, indirect targets sampled
// at run time) and which blocks ran lately, from which a region's blocks are chosen; and the
// one-instruction "step" blocks a region leaves to when an access needs the slow path.

import { isBlock, Tier, translateStep, type Block, type BlockFault } from '../../translator/block.js';
import type { CpuFeatures } from '../../decoder/validate.js';
import { Perm, type Arena } from '../memory/arena.js';

/**
 * A block joins a region when it was entered at least this often, and at least the region's
 * entry's entries shifted right by REGION_MEMBER_SHIFT (code that ran lately: V8 will soon have
 * type feedback for it).
 */
const REGION_MEMBER_HITS = 16;
const REGION_MEMBER_SHIFT = 5;
/** How many hot blocks the search for a region's loop nest looks at. */
const REGION_SEARCH = 256;
/** Indirect targets remembered per block, sampled by the engine at every 8th indirect exit. */
const INDIRECT_SEEN = 16;

export class HotCode {
  /** Direct targets of the block last translated at an EIP, kept once a region took its place. */
  private readonly edges = new Map<number, readonly number[]>();
  private readonly indirectSeen = new Map<number, number[]>();
  private readonly steps = new Map<number, { readonly block: Block; readonly bytes: Uint8Array }>();

  /** `cache`: the engine's translations by EIP (read only here). */
  constructor(private readonly cache: ReadonlyMap<number, Block>) {}

  /** `old` is about to be replaced (by a later tier): remember where it went. */
  replaced(old: Block): void {
    if (old.tier !== Tier.Region) this.edges.set(old.eip, old.targets);
  }

  /** An indirect jump from the block at `from` went to `to`. */
  noteIndirect(from: number, to: number): void {
    let seen = this.indirectSeen.get(from);
    if (seen === undefined) this.indirectSeen.set(from, (seen = []));
    if (seen.length < INDIRECT_SEEN && !seen.includes(to)) seen.push(to);
  }

  /**
   * The blocks of a region around the hot block `entry` (which comes first): of the blocks
   * reachable from it through direct targets and sampled indirect targets (returns, jump
   * tables), those hot enough from which the entry is reached again: the loops around it, calls
   * included, but not the code before or after them. A region in the way is taken in whole.
   */
  regionMembers(entry: Block): number[] {
    const min = Math.max(REGION_MEMBER_HITS, entry.hits >> REGION_MEMBER_SHIFT);
    const hot = (eip: number): boolean => {
      const c = this.cache.get(eip);
      return c !== undefined && c.valid && (c.tier === Tier.Region || (c.tier === Tier.Block && c.hits >= min));
    };
    const successors = (eip: number): readonly number[] => {
      const c = this.cache.get(eip);
      const direct = c?.tier === Tier.Region ? [...(this.edges.get(eip) ?? []), ...(c.members ?? [])] : c?.targets ?? [];
      const indirect = this.indirectSeen.get(eip);
      return indirect === undefined ? direct : [...direct, ...indirect];
    };
    // Forward: the hot blocks reachable from the entry.
    const order = [entry.eip];
    const seen = new Set(order);
    for (let i = 0; i < order.length && order.length < REGION_SEARCH; i++) {
      for (const t of successors(order[i])) {
        if (!seen.has(t) && hot(t)) { seen.add(t); order.push(t); }
      }
    }
    // Backward: of those, the ones from which the entry is reached again (its loop nest).
    const loop = new Set([entry.eip]);
    for (let changed = true; changed;) {
      changed = false;
      for (const x of order) {
        if (!loop.has(x) && successors(x).some((t) => loop.has(t))) { loop.add(x); changed = true; }
      }
    }
    return order.filter((x) => loop.has(x));
  }

  /**
   * The one-instruction block at `eip` (a region left for a slow path there). Kept per EIP and
   * reused only while the bytes it was made from are still there and executable, so it needs no
   * invalidation of its own.
   */
  step(arena: Arena, eip: number, features: CpuFeatures, translated: (b: Block) => void): Block | BlockFault {
    const known = this.steps.get(eip);
    if (known !== undefined && arena.check(eip, known.bytes.length, Perm.Read | Perm.Exec)) {
      const u8 = arena.u8, bytes = known.bytes;
      let same = true;
      for (let i = 0; i < bytes.length && same; i++) same = u8[eip + i] === bytes[i];
      if (same) return known.block;
    }
    const made = translateStep(arena, eip, features);
    if (!isBlock(made)) return made;
    translated(made);
    this.steps.set(eip, { block: made, bytes: arena.u8.slice(eip, eip + made.length) });
    return made;
  }
}

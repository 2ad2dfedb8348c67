// The shape of a region's function (see assemble.ts): which blocks become cases of its switch,
// in what order, and which loops are written as JavaScript loops.
//
// A transition through the region's switch costs a jump through one table shared by every
// transition, which the host CPU predicts badly. So:
//  - fall-through: a block whose last exit goes to the case placed after it falls into it;
//  - structured loops: a loop of the guest's control-flow graph with a single way in (its
//    head) becomes one case holding a `for (;;)`: the head, then the rest of the loop in an
//    order where every edge goes forward (inner loops nested the same way). A back-edge is a
//    `continue` of the loop, a forward edge a `break` out of a labelled block that ends where
//    its target starts; V8 compiles both as plain jumps. The blocks inside a loop other than
//    its head are not entries of the region (nothing outside the loop jumps to them).
// Loops with several ways in, or whose insides cannot be ordered so, stay cases of the switch.

import type { JsEmitter } from './emitter-js.js';

/**
 * A loop: its head and the rest of it in order (blocks, or loops nested in it). `sides`: the
 * region's first block when it lies inside the loop and its only way on inside the loop is back
 * to the head (a rotated loop's test, where the engine happened to enter): it also gets a case
 * of its own, a copy that goes on to the loop's case.
 */
export interface Loop {
  readonly head: JsEmitter;
  readonly body: readonly Unit[];
  readonly sides: readonly JsEmitter[];
}

/** A case of the region's switch, or an element of a loop's body. */
export type Unit = { readonly block: JsEmitter } | { readonly loop: Loop };

const EDGE = /@@(?:DIRECT|FALL)\((\d+)\|\d+\)@@/g;

/** The final unconditional direct exit of a block's code (where it falls through), if any. */
export function fallthrough(b: JsEmitter): number | null {
  const m = /@@FALL\((\d+)\|\d+\)@@[\s}]*$/.exec(b.code());
  return m === null ? null : Number(m[1]);
}

/** The first block a unit runs. */
export function headOf(u: Unit): JsEmitter {
  return 'block' in u ? u.block : u.loop.head;
}

/** Strongly connected components of `nodes` under `succ` (Tarjan), in no particular order. */
function components<T>(nodes: readonly T[], succ: (n: T) => readonly T[]): T[][] {
  const index = new Map<T, number>(), low = new Map<T, number>(), onStack = new Set<T>();
  const stack: T[] = [];
  const out: T[][] = [];
  let next = 0;
  const visit = (v: T): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of succ(v)) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: T[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) { onStack.delete(w); c.push(w); if (w === v) break; }
      out.push(c);
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}

/**
 * The region's units: structured loops where possible, every other block a case of its own.
 * The first block (where the engine enters the region first) must be a case, or a loop's head,
 * or a side entry of a loop. Other blocks the code outside jumps to, when they end up inside a
 * loop, are left to their own translations, which lead back into the region at the loop's head.
 */
export function planCases(blocks: readonly JsEmitter[]): Unit[] {
  const byEntry = new Map<number, JsEmitter>();
  for (const b of blocks) if (!byEntry.has(b.entry)) byEntry.set(b.entry, b);
  const nodes = [...byEntry.values()];
  const succs = new Map<JsEmitter, JsEmitter[]>();
  const preds = new Map<JsEmitter, Set<JsEmitter>>(nodes.map((n) => [n, new Set()]));
  for (const b of nodes) {
    const out = [...new Set([...b.code().matchAll(EDGE)].map((m) => byEntry.get(Number(m[1]))).filter((t): t is JsEmitter => t !== undefined))];
    succs.set(b, out);
    for (const t of out) preds.get(t)!.add(b);
  }
  const first = blocks[0];

  /**
   * The loop of component `c` entered at `head` (and, when `outer`, at side entries), or null
   * when it cannot be structured.
   */
  const structure = (c: readonly JsEmitter[], head: JsEmitter, outer = true): Loop | null => {
    const inside = new Set(c.filter((b) => b !== head));
    const sides = [...inside].filter((b) => b === first);
    if (sides.some((b) => !outer || succs.get(b)!.some((t) => inside.has(t)))) return null;
    const inner = (b: JsEmitter) => succs.get(b)!.filter((t) => inside.has(t));
    const units: Unit[] = [];
    const unitOf = new Map<JsEmitter, Unit>();
    for (const comp of components([...inside], inner)) {
      const single = comp.length === 1 && !succs.get(comp[0])!.includes(comp[0]);
      let u: Unit;
      if (single) {
        u = { block: comp[0] };
      } else {
        const set = new Set(comp);
        const ways = comp.filter((b) => [...preds.get(b)!].some((p) => !set.has(p)));
        if (ways.length !== 1) return null;
        const loop = structure(comp, ways[0], false);
        if (loop === null) return null;
        u = { loop };
      }
      units.push(u);
      for (const b of comp) unitOf.set(b, u);
    }
    // Order the units so that every edge between them goes forward (Kahn), preferring to place
    // a block's fall-through target right after it.
    const blocksOf = (u: Unit): JsEmitter[] => ('block' in u ? [u.block] : [u.loop.head, ...u.loop.body.flatMap(blocksOf)]);
    const unitSuccs = new Map<Unit, Set<Unit>>(units.map((u) => [u, new Set()]));
    const waiting = new Map<Unit, number>(units.map((u) => [u, 0]));
    for (const u of units) {
      for (const b of blocksOf(u)) {
        for (const t of inner(b)) {
          const v = unitOf.get(t)!;
          if (v !== u && !unitSuccs.get(u)!.has(v)) { unitSuccs.get(u)!.add(v); waiting.set(v, waiting.get(v)! + 1); }
        }
      }
    }
    const ordered: Unit[] = [];
    const ready = units.filter((u) => waiting.get(u) === 0);
    let f = fallthrough(head);
    while (ready.length > 0) {
      const pick = ready.findIndex((u) => headOf(u).entry === f);
      const [u] = ready.splice(pick >= 0 ? pick : 0, 1);
      ordered.push(u);
      f = 'block' in u ? fallthrough(u.block) : null; // nothing falls out of a loop
      for (const v of unitSuccs.get(u)!) {
        waiting.set(v, waiting.get(v)! - 1);
        if (waiting.get(v) === 0) ready.push(v);
      }
    }
    return ordered.length === units.length ? { head, body: ordered, sides } : null;
  };

  const unitOf = new Map<JsEmitter, Unit>();
  /** Blocks of `comp` entered from the rest of the region; `strict`: or where the engine enters first. */
  const waysIn = (comp: readonly JsEmitter[], strict: boolean): JsEmitter[] => {
    const inComp = new Set(comp);
    return comp.filter((b) => (strict && b === first) || [...preds.get(b)!].some((p) => !inComp.has(p)));
  };
  const accept = (loop: Loop): void => {
    unitOf.set(loop.head, { loop });
    for (const b of loop.sides) unitOf.set(b, { block: b });
  };
  /**
   * The cases for `set`: each loop with one way in becomes a case. Of a loop with several ways
   * in, each way in heads the loop it alone enters, if any; the others become plain cases and
   * the loops left inside are looked for again (likewise the head of a loop that cannot be
   * ordered).
   */
  const decompose = (set: readonly JsEmitter[]): void => {
    const member = new Set(set);
    for (const comp of components(set, (b) => succs.get(b)!.filter((t) => member.has(t)))) {
      if (comp.length === 1 && !succs.get(comp[0])!.includes(comp[0])) { unitOf.set(comp[0], { block: comp[0] }); continue; }
      // The head: where the rest of the region enters it (or, entered only by the engine, the first
      // block); the first block elsewhere in the loop may be a side entry.
      const loose = waysIn(comp, false);
      const ways = waysIn(comp, true);
      const head = loose.length === 1 ? loose[0] : loose.length === 0 && ways.length > 0 ? (ways.includes(first) ? first : ways[0]) : null;
      const loop = head !== null ? structure(comp, head) : null;
      if (loop !== null) { accept(loop); continue; }
      const rest = new Set(comp);
      for (const w of ways.length > 0 ? ways : [comp[0]]) {
        const others = new Set(ways.filter((x) => x !== w));
        const around = components(comp.filter((b) => !others.has(b)), (b) => succs.get(b)!.filter((t) => rest.has(t) && !others.has(t)))
          .find((c) => c.includes(w))!;
        const sub = ways.length > 1 && (around.length > 1 || succs.get(w)!.includes(w)) && waysIn(around, true).length === 1 ? structure(around, w, false) : null;
        if (sub !== null) {
          accept(sub);
          for (const b of around) rest.delete(b);
        } else {
          unitOf.set(w, { block: w });
          rest.delete(w);
        }
      }
      decompose([...rest]);
    }
  };
  decompose(nodes);
  // Cases in the blocks' order, each plain block followed by the case it falls into.
  const cases: Unit[] = [];
  const placed = new Set<Unit>();
  for (const start of nodes) {
    for (let u = unitOf.get(start); u !== undefined && !placed.has(u);) {
      placed.add(u);
      cases.push(u);
      if (!('block' in u)) break;
      const f = fallthrough(u.block);
      const t = f === null ? undefined : byEntry.get(f);
      u = t === undefined ? undefined : unitOf.get(t);
    }
  }
  return cases;
}

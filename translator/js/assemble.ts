// Function bodies from emitted blocks. The JsEmitter leaves every block exit as a placeholder
// (its write-back list depends on every register the function touches, known only at the end);
// this file resolves them for the two shapes of translated function:
//  - one block (a basic block or superblock): exits return to the dispatcher, except a direct
//    exit back to the block's own entry, which loops inside the function while the budget lasts;
//  - a region: several hot blocks in one function with an internal dispatch, so guest registers
//    and lazy flags stay in JS locals across all of them and V8 optimises one loop.
// Every value in the source is a local name, an operator or a number formatted here or by the
// emitter: guest bytes never reach the source as text.

import type { JsEmitter } from './emitter-js.js';
import { headOf, planCases, type Loop } from './region-layout.js';

/** Exit codes returned by block functions; >= 0 selects a direct successor. */
export const EXIT_INDIRECT = -1, EXIT_SYSCALL = -2, EXIT_STOP = -3, EXIT_TRAP = -4;
/**
 * A region met an access its inline fast path does not cover (page-crossing, faulting, or a page
 * holding code) before the instruction had any effect: s.eip names that instruction, and the
 * engine runs it through a one-instruction block whose slow paths are ordinary calls.
 */
export const EXIT_SLOW = -5;

const DIRECT = /@@(?:DIRECT|FALL)\((\d+)\|(\d+)\)@@/g;
const OTHER = /@@EXIT\(([^|]+)\|(\d+)\)@@ return (-?\d+);/g;

function num(n: number): string {
  return n < 0 ? `(${n | 0})` : String(n | 0);
}

/** Registers any of the blocks reads or writes, and the ones they write. */
function registers(blocks: readonly JsEmitter[]): { used: number[]; written: number[] } {
  const used = new Set<number>(), written = new Set<number>();
  for (const b of blocks) {
    for (const r of b.usedRegs) used.add(r);
    for (const r of b.writtenRegs) written.add(r);
  }
  return { used: [...used].sort(), written: [...written].sort() };
}

/**
 * Loads of the state into locals, and the declarations of the temporaries and staging locals.
 * A `bound` function (private to one tenant: superblocks, regions) has views of that tenant's
 * memory as constants of its closure (U8, DV, PM; see block.ts), which lets V8 fold their length
 * and data pointer into the code instead of reloading and rechecking them at every access; it
 * refuses any arena but the one it was made for (AU is that arena's own view).
 */
function prologue(blocks: readonly JsEmitter[], used: readonly number[], written: readonly number[], bound: boolean): string {
  const temps = Math.max(0, ...blocks.map((b) => b.temps));
  const locals = [...Array.from({ length: temps }, (_, k) => `t${k} = 0`), ...written.map((r) => `n${r} = 0`)];
  return [
    bound ? "if (m.u8 !== AU) throw new Error('vxts: a translation bound to one arena was run with another');" : '',
    bound ? 'const R = s.r, u8 = U8, dv = DV, pm = PM;' : 'const R = s.r, u8 = m.u8, dv = m.view, pm = m.perms;',
    used.length ? `let ${used.map((r) => `r${r} = R[${r}]`).join(', ')};` : '',
    'let op = s.ccOp, cd = s.ccDst, cs = s.ccSrc, c2 = s.ccSrc2, fa = s.fa, ip = 0, smc = 0;',
    locals.length ? `let ${locals.join(', ')};` : '',
  ].join(' ');
}

function writeBack(written: readonly number[]): string {
  return `${written.map((r) => `R[${r}] = r${r};`).join(' ')} s.ccOp = op; s.ccDst = cd; s.ccSrc = cs; s.ccSrc2 = c2; s.fa = fa;`;
}

/** The union of the blocks' direct targets, in first-seen order: exits return an index into it. */
export function regionTargets(blocks: readonly JsEmitter[]): number[] {
  const out: number[] = [];
  for (const b of blocks) for (const t of b.targets) if (!out.includes(t)) out.push(t);
  return out;
}

/**
 * The body of a single block's function. Every exit leaves for one shared write-back, so the
 * write-back code runs (and has type feedback) after the first exit: exits never taken before
 * cost V8 no deoptimisation. Tables: E (instruction index -> EIP) and I (instruction index ->
 * index within its block) for faults.
 */
export function assemble(block: JsEmitter, bound = false): string {
  const { used, written } = registers([block]);
  const targets = block.targets;
  let loops = false;
  const exit = (eip: string, retired: string, k: string) => `{ xe = ${eip}; xr = ${retired}; xk = ${k}; break L; }`;
  const body = block.code()
    .replace(DIRECT, (_m, eipText: string, retired: string) => {
      const eip = Number(eipText);
      const out = exit(num(eip), retired, String(targets.indexOf(eip)));
      if (eip !== block.entry) return out;
      loops = true;
      return `if (s.budget > ${retired}) { s.budget -= ${retired}; continue L; } ${out}`;
    })
    .replace(OTHER, (_m, eip: string, retired: string, k: string) => exit(eip, retired, k));
  if (body.includes('@@')) throw new Error('emitter: unresolved exit placeholder');
  const wb = writeBack(written);
  return `${prologue([block], used, written, bound)} let xe = 0, xr = 0, xk = 0;\ntry {\n${loops ? `L: for (;;) {\n${body}\n}` : `L: {\n${body}\n}`}\n}` +
    ` catch (e) { ${wb} s.eip = E[ip]; s.budget -= I[ip]; throw e; }\n${wb} s.eip = xe; s.budget -= xr; return xk;`;
}

/** A region's function body and the tables its internal indirect dispatch reads. */
export interface AssembledRegion {
  readonly body: string;
  readonly targets: number[];
  /** Open-addressed map from a hashed EIP to a member index (members.length when none). */
  readonly hash: Int32Array;
  /** Member entry EIPs by index, and -1 after the last (the "no member" sentinel). */
  readonly members: Int32Array;
  /** The members the hash finds (the others, colliding, are reached only by direct exits). */
  readonly entries: number[];
}

/** A hash of member EIPs into a small table: the shift and mask with the fewest collisions. */
function memberHash(eips: readonly number[]): { shift: number; mask: number; table: Int32Array } {
  let best = { shift: 0, mask: 0, table: new Int32Array(1), lost: Infinity };
  let bits = 4;
  while ((1 << bits) < eips.length * 4) bits++;
  for (let b = bits; b <= bits + 2 && best.lost > 0; b++) {
    const mask = (1 << b) - 1;
    for (let shift = 0; shift <= 6 && best.lost > 0; shift++) {
      const table = new Int32Array(mask + 1).fill(eips.length);
      let lost = 0;
      eips.forEach((e, k) => {
        const h = (e >>> shift) & mask;
        if (table[h] === eips.length) table[h] = k; else lost++;
      });
      if (lost < best.lost) best = { shift, mask, table, lost };
    }
  }
  return best;
}

/**
 * One function for a region: the hot blocks `blocks` as cases of a `switch` in a loop, except
 * the loops that region-layout.ts could structure, each one case holding a `for (;;)` (forward
 * edges inside it are breaks of labelled blocks, back-edges continues). It may be entered at
 * any case: the loop head finds the case for s.eip through the hash table T and the member
 * table M, as it does for an indirect jump whose target is a member (an indirect jump seen to
 * go to few places tests those first: a direct edge, usually a return). A direct exit to a
 * member continues at it; anything else leaves.
 *
 * Budget: `xr` holds the instructions retired since the budget `bu` was last charged; every case,
 * every turn of a loop and every block inside a loop charges them first, and cases and loop
 * heads leave when the budget is spent, so a loop inside the region (even `jmp $`) is preempted
 * at its back-edge with EIP exact; entered with no budget, the function leaves at once with
 * nothing changed.
 *
 * Shaped for V8: transitions and exits only assign constants to locals (no operation that
 * needs type feedback, so a path first taken after TurboFan compiled the function does not
 * deoptimise it); the arithmetic lives where blocks start, which run whenever the code after
 * them does. All exits share one write-back, which the engine makes run often while the region
 * is young (a short budget, see Machine.runYoung) so that it has type feedback before TurboFan
 * compiles the loop.
 */
export function assembleRegion(blocks: readonly JsEmitter[], bound = false): AssembledRegion {
  const cases = planCases(blocks);
  const inside = new Map<number, number>();
  cases.forEach((c, k) => { if (!inside.has(headOf(c).entry)) inside.set(headOf(c).entry, k); });
  const eips = cases.map((c) => headOf(c).entry);
  const { shift, mask, table } = memberHash(eips);
  const members = Int32Array.from([...eips, -1]);
  const { used, written } = registers(blocks);
  const targets = regionTargets(blocks);
  const leave = (eip: string, retired: number, k: string) => `{ xe = ${eip}; xr = ${retired}; xk = ${k}; break L; }`;
  const check = (eip: number) => `bu -= xr; xr = 0; if (bu <= 0) { xe = ${num(eip)}; xk = ${EXIT_STOP}; break L; }`;
  let labels = 0;

  /** An enclosing loop while its body is emitted: its label, and its elements' labels by first EIP. */
  interface Scope { readonly head: number; readonly label: string; readonly elements: Map<number, { label: string; index: number }>; at: number }

  /** One block's code with its exits resolved; `scopes` are its enclosing loops, innermost last. */
  const blockCode = (b: JsEmitter, here: number, scopes: readonly Scope[], plain: boolean): string => {
    const transition = (eip: number, n: number, final: boolean): string | null => {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const sc = scopes[i];
        if (eip === sc.head) return `xr = ${n}; continue ${sc.label};`;
        const el = sc.elements.get(eip);
        if (el === undefined) continue;
        if (el.index <= sc.at) throw new Error('emitter: a backward edge inside a structured loop');
        if (final && i === scopes.length - 1 && el.index === sc.at + 1) return `xr = ${n}; /* falls through */`;
        return `xr = ${n}; break ${el.label};`;
      }
      const to = inside.get(eip);
      if (to === undefined) return null;
      if (final && plain && to === here + 1) return `xr = ${n}; /* falls through */`;
      return `xr = ${n}; pc = ${to}; continue L;`;
    };
    const out = (eip: number, n: number) => leave(num(eip), n, String(targets.indexOf(eip)));
    return b.code()
      .replace(/@@FALL\((\d+)\|(\d+)\)@@/g, (_m, e: string, n: string) => transition(Number(e), Number(n), true) ?? out(Number(e), Number(n)))
      .replace(DIRECT, (_m, e: string, n: string) => {
        const t = transition(Number(e), Number(n), false);
        return t !== null ? `{ ${t} }` : out(Number(e), Number(n));
      })
      .replace(OTHER, (_m, eip: string, n: string, k: string) => Number(k) === EXIT_INDIRECT
        ? `{ xt = ${eip} | 0; xr = ${n}; pc = -1; continue L; }`
        : leave(eip, Number(n), k));
  };

  /**
   * A loop: `for (;;)` around its head and body, each body element after a labelled block that
   * holds everything before it (a forward edge to it is a break of that label).
   */
  const loopCode = (loop: Loop, here: number, scopes: readonly Scope[]): string => {
    const sc: Scope = { head: loop.head.entry, label: `C${labels++}`, elements: new Map(), at: 0 };
    loop.body.forEach((u, i) => sc.elements.set(headOf(u).entry, { label: `F${labels++}`, index: i + 1 }));
    const inner = [...scopes, sc];
    let text = blockCode(loop.head, here, inner, false);
    loop.body.forEach((u, i) => {
      sc.at = i + 1;
      const code = 'block' in u ? `bu -= xr; xr = 0;\n${blockCode(u.block, here, inner, false)}` : loopCode(u.loop, here, inner);
      text = `${sc.elements.get(headOf(u).entry)!.label}: {\n${text}\n}\n${code}`;
      sc.at = i + 1;
    });
    return `${sc.label}: for (;;) { ${check(loop.head.entry)}\n${text}\n}`;
  };

  const bodies = cases.map((c, k) => 'block' in c ? `${check(c.block.entry)}\n${blockCode(c.block, k, [], true)}` : loopCode(c.loop, k, []));
  if (bodies.some((b) => b.includes('@@'))) throw new Error('emitter: unresolved exit placeholder');
  const text = bodies.map((b, k) => `case ${k}: {\n${b}\n}`).join('\n');
  const wb = writeBack(written);
  const body = `${prologue(blocks, used, written, bound)} let bu = s.budget, xe = 0, xr = 0, xk = 0, xt = s.eip | 0, xi = 0, pc = -1;\n` +
    'try {\nL: for (;;) {\n' +
    // An indirect jump (or the entry): the case of a member, or leave for the engine to find it
    // (EIP as a signed int32: an address of 2 GiB or more is outside every arena anyway).
    `if (pc < 0) { xi = T[(xt >>> ${shift}) & ${mask}]; if (M[xi] !== xt) { xe = xt; xk = ${EXIT_INDIRECT}; break L; } pc = xi; }\n` +
    `switch (pc) {\n${text}\n} }\n` +
    `} catch (e) { ${wb} s.eip = E[ip]; s.budget -= I[ip]; throw e; }\n${wb} s.eip = xe; s.budget = bu - xr; return xk;`;
  const entries = eips.filter((e, k) => table[(e >>> shift) & mask] === k);
  return { body, targets, hash: table, members, entries };
}

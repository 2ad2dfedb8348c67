// The JavaScript backend of the emitter: turns semantics calls into JS source for one block.
// Guest registers live in locals r0..r7 for the whole block and are written back at exits; the
// lazy flags live in locals (op, cd, cs, c2, plus fa = first operand for fused conditions).
// Every value in the source is a local name, an operator, or a number formatted here: guest
// bytes never reach the source as text.
//
// Precision: register and flag writes are staged in per-instruction locals and committed when
// the instruction ends; a fault thrown inside an instruction therefore sees the registers as
// they were before it, and the block's catch writes them back with that instruction's EIP.

import { Cc, ccOp } from '../../src/cpu/flags.js';
import { HELPERS } from './helpers.js';
import type { BinOp, CmpOp, Emitter, HelperName, Size, TrapKind, UnOp, Val } from '../emitter.js';

const v = (s: string) => s as unknown as Val;
const s = (x: Val) => x as unknown as string;

/** Exit codes returned by block functions; >= 0 selects a direct successor. */
export const EXIT_INDIRECT = -1, EXIT_SYSCALL = -2, EXIT_STOP = -3, EXIT_TRAP = -4;

const SIGNALS: Record<TrapKind, number> = { SIGTRAP: 5, SIGILL: 4, SIGFPE: 8, SIGSEGV: 11, SIGBUS: 7 };

function num(n: number): string {
  if (!Number.isFinite(n)) throw new Error('emitter: non-finite constant');
  const i = n | 0;
  return i < 0 ? `(${i})` : String(i);
}

function signExtend(x: string, size: number): string {
  return size === 1 ? `((${x}) << 24 >> 24)` : size === 2 ? `((${x}) << 16 >> 16)` : `((${x}) | 0)`;
}

function unsigned(x: string, size: number): string {
  return size === 4 ? `((${x}) >>> 0)` : `(${x})`;
}

function masked(x: string, size: number): string {
  return size === 1 ? `((${x}) & 255)` : size === 2 ? `((${x}) & 65535)` : `((${x}) | 0)`;
}

export class JsEmitter implements Emitter {
  eip = 0;
  nextEip = 0;
  /** Direct successor addresses; an exit returns the index into this list. */
  readonly targets: number[] = [];
  /** Registers the block reads or writes. */
  readonly usedRegs = new Set<number>();
  readonly writtenRegs = new Set<number>();
  /** Set once an instruction ended the block. */
  ended = false;

  private out: string[] = [];
  private body: string[] = [];
  private decls: string[] = [];
  private commits: string[] = [];
  private staged = new Map<number, string>();
  private tmp = 0;
  private index = 0;
  private hasStore = false;
  /** The lazy-flags operation known at translation time, or -1 when it comes from the state. */
  private knownOp = -1;
  private pendingOp: number | null = null;
  private retired = 0;
  private depth = 0;

  /** EIP of the block's first instruction. */
  entry = -1;
  /**
   * Superblocks: when set, an unconditional direct JMP/CALL outside conditional code does not end
   * the block; the translator goes on decoding at the target, named here after the instruction.
   */
  followJumps = false;
  /** Also follow the fall-through of conditional branches, which become side exits (hot blocks). */
  followBranches = false;
  followTo: number | null = null;
  /** Index of this block's first instruction in the function's instruction tables (regions). */
  ipBase = 0;

  beginInstruction(index: number, eip: number, nextEip: number): void {
    if (index === 0) this.entry = eip >>> 0;
    this.index = index;
    this.eip = eip;
    this.nextEip = nextEip;
    this.body = [];
    this.decls = [];
    this.commits = [];
    this.staged.clear();
    this.hasStore = false;
    this.pendingOp = null;
  }

  /** Closes the instruction: commits staged writes and, after a store to code, leaves. */
  endInstruction(): void {
    const parts = [`ip = ${this.ipBase + this.index};`, ...this.decls, ...this.body];
    for (const [r, name] of this.staged) parts.push(`r${r} = ${name};`);
    parts.push(...this.commits);
    if (this.pendingOp !== null) this.knownOp = this.pendingOp;
    this.retired = this.index + 1;
    if (this.hasStore && !this.ended) {
      parts.push(`if (smc !== 0) { ${this.exitCodeDeferred(this.nextEip)} return ${EXIT_STOP}; }`);
    }
    this.out.push(`{ ${parts.join(' ')} }`);
  }

  private emit(line: string): void {
    this.body.push(line);
  }

  private fresh(prefix = 't'): string {
    return `${prefix}${this.tmp++}`;
  }

  imm(n: number): Val {
    return v(num(n));
  }

  reg(r: number, size: Size): Val {
    if (size === 1 && r >= 4) {
      this.usedRegs.add(r - 4);
      return v(`((r${r - 4} >> 8) & 255)`);
    }
    this.usedRegs.add(r);
    return v(size === 4 ? `r${r}` : size === 2 ? `(r${r} & 65535)` : `(r${r} & 255)`);
  }

  setReg(r: number, size: Size, value: Val): void {
    const full = size === 1 && r >= 4 ? r - 4 : r;
    this.usedRegs.add(full);
    this.writtenRegs.add(full);
    let name = this.staged.get(full);
    if (name === undefined) {
      name = this.fresh('n');
      this.staged.set(full, name);
      this.decls.push(`let ${name} = r${full};`);
    }
    const x = s(value);
    if (size === 4) this.emit(`${name} = ${x} | 0;`);
    else if (size === 2) this.emit(`${name} = (${name} & -65536) | (${x} & 65535);`);
    else if (r < 4) this.emit(`${name} = (${name} & -256) | (${x} & 255);`);
    else this.emit(`${name} = (${name} & -65281) | ((${x} & 255) << 8);`);
  }

  segBase(seg: number): Val {
    return v(`s.segBase[${num(seg)}]`);
  }

  segSelector(seg: number): Val {
    return v(`s.seg[${num(seg)}]`);
  }

  let(value: Val): Val {
    const name = this.fresh();
    this.emit(`const ${name} = ${s(value)};`);
    return v(name);
  }

  bin(op: BinOp, a: Val, b: Val): Val {
    const x = s(a), y = s(b);
    switch (op) {
      case 'add': return v(`((${x} + ${y}) | 0)`);
      case 'sub': return v(`((${x} - ${y}) | 0)`);
      case 'and': return v(`(${x} & ${y})`);
      case 'or': return v(`(${x} | ${y})`);
      case 'xor': return v(`(${x} ^ ${y})`);
      case 'shl': return v(`(${x} << ${y})`);
      case 'shr': return v(`((${x} >>> ${y}) | 0)`);
      case 'sar': return v(`(${x} >> ${y})`);
      case 'mul': return v(`Math.imul(${x}, ${y})`);
      case 'mulhu': return v(`H.mulhu(${x}, ${y})`);
      case 'mulhs': return v(`H.mulhs(${x}, ${y})`);
    }
  }

  un(op: UnOp, a: Val): Val {
    switch (op) {
      case 'not': return v(`(~${s(a)})`);
      case 'neg': return v(`((-${s(a)}) | 0)`);
      case 'clz': return v(`Math.clz32(${s(a)})`);
      case 'ctz': {
        // ~x & (x - 1) keeps exactly the trailing zeros of x as ones (all 32 when x = 0).
        const x = s(this.let(a));
        return v(`(32 - Math.clz32(~${x} & (${x} - 1)))`);
      }
      case 'popcnt': {
        const x = s(this.let(a));
        const p = s(this.let(v(`(${x} - ((${x} >>> 1) & 1431655765))`)));
        const q = s(this.let(v(`((${p} & 858993459) + ((${p} >>> 2) & 858993459))`)));
        return v(`(Math.imul((${q} + (${q} >>> 4)) & 252645135, 16843009) >>> 24)`);
      }
    }
  }

  zext(value: Val, size: Size): Val {
    return v(masked(s(value), size));
  }

  sext(value: Val, size: Size): Val {
    return v(signExtend(s(value), size));
  }

  cmp(op: CmpOp, a: Val, b: Val): Val {
    const x = s(a), y = s(b);
    const expr =
      op === 'eq' ? `${x} === ${y}` : op === 'ne' ? `${x} !== ${y}`
        : op === 'ltu' ? `(${x} >>> 0) < (${y} >>> 0)` : op === 'leu' ? `(${x} >>> 0) <= (${y} >>> 0)`
          : op === 'gtu' ? `(${x} >>> 0) > (${y} >>> 0)` : op === 'lts' ? `(${x} | 0) < (${y} | 0)`
            : op === 'les' ? `(${x} | 0) <= (${y} | 0)` : `(${x} | 0) > (${y} | 0)`;
    return v(`(${expr} ? 1 : 0)`);
  }

  select(cond: Val, a: Val, b: Val): Val {
    return v(`(${s(cond)} !== 0 ? ${s(a)} : ${s(b)})`);
  }

  // Memory: an inline fast path for accesses inside one readable/writable page; anything else
  // (page-crossing, unmapped, outside the arena, pages holding code) goes to the checked arena.
  load(addr: Val, size: Size): Val {
    const a = s(this.let(addr));
    const name = this.fresh();
    if (size === 4) this.emit(`const ${name} = (pm[${a} >>> 12] & 1) !== 0 && (${a} & 4095) <= 4092 ? dv.getInt32(${a}, true) : m.read32(${a});`);
    else if (size === 2) this.emit(`const ${name} = (pm[${a} >>> 12] & 1) !== 0 && (${a} & 4095) <= 4094 ? dv.getUint16(${a}, true) : m.read16(${a});`);
    else this.emit(`const ${name} = (pm[${a} >>> 12] & 1) !== 0 ? u8[${a}] : m.read8(${a});`);
    return v(name);
  }

  store(addr: Val, size: Size, value: Val): void {
    const a = s(this.let(addr));
    const x = s(value);
    this.hasStore = true;
    if (size === 4) this.emit(`if ((pm[${a} >>> 12] & 10) === 2 && (${a} & 4095) <= 4092) dv.setInt32(${a}, ${x}, true); else smc |= m.write32(${a}, ${x});`);
    else if (size === 2) this.emit(`if ((pm[${a} >>> 12] & 10) === 2 && (${a} & 4095) <= 4094) dv.setUint16(${a}, ${x}, true); else smc |= m.write16(${a}, ${x});`);
    else this.emit(`if ((pm[${a} >>> 12] & 10) === 2) u8[${a}] = ${x}; else smc |= m.write8(${a}, ${x});`);
  }

  // Lazy flags.
  setFlags(kind: Cc, size: Size, result: Val, a: Val, b: Val, extra?: Val): void {
    const op = ccOp(kind, size);
    const [r, x, y, z] = [this.let(result), this.let(a), this.let(b), extra ? this.let(extra) : this.imm(0)];
    this.commits.push(`op = ${op}; cd = ${s(r)}; fa = ${s(x)}; cs = ${s(y)}; c2 = ${s(z)};`);
    this.pendingOp = op;
  }

  setFlagsIf(cond: Val, kind: Cc, size: Size, result: Val, _a: Val, b: Val, extra?: Val): void {
    const op = ccOp(kind, size);
    const c = s(this.let(cond));
    const current = s(this.let(this.arithFlags()));
    const computed = `H.flags(${op}, ${s(result)}, ${s(b)}, ${extra ? s(extra) : '0'})`;
    const name = this.fresh();
    this.emit(`const ${name} = ${c} !== 0 ? ${computed} : ${current};`);
    this.commits.push(`op = ${ccOp(Cc.Eflags, 4)}; cd = ${name}; cs = 0; c2 = 0;`);
    this.pendingOp = ccOp(Cc.Eflags, 4);
  }

  arithFlags(): Val {
    if (this.knownOp === ccOp(Cc.Eflags, 4)) return v('(cd & 2261)');
    return v('H.flags(op, cd, cs, c2)');
  }

  setArithFlags(value: Val): void {
    const x = s(this.let(value));
    this.commits.push(`op = ${ccOp(Cc.Eflags, 4)}; cd = ${x} & 2261; cs = 0; c2 = 0;`);
    this.pendingOp = ccOp(Cc.Eflags, 4);
  }

  eflags(): Val {
    return v(`((s.flagsRest & -2262) | ${s(this.arithFlags())} | 2)`);
  }

  setEflags(value: Val): void {
    const x = s(this.let(value));
    this.commits.push(`s.flagsRest = (s.flagsRest & ~H.USER_FLAGS) | (${x} & H.USER_FLAGS & -2262) | 2;`);
    this.setArithFlags(v(x));
  }

  direction(): Val {
    return v('((s.flagsRest & 1024) !== 0 ? -1 : 1)');
  }

  setDirection(down: boolean): void {
    this.commits.push(down ? 's.flagsRest |= 1024;' : 's.flagsRest &= -1025;');
  }

  cond(cc: number): Val {
    const fused = this.fusedCondition(cc & ~1);
    if (fused !== null) return v(cc & 1 ? `(${fused} ? 0 : 1)` : `(${fused} ? 1 : 0)`);
    return v(`(H.cond(${num(cc)}, op, cd, cs, c2) ? 1 : 0)`);
  }

  /** Conditions computed straight from the operands of a known CMP/SUB/TEST/AND/... (fusion). */
  private fusedCondition(cc: number): string | null {
    if (this.knownOp < 0) return null;
    const kind = this.knownOp >> 2;
    const size = [1, 2, 4][this.knownOp & 3];
    const zero = `${masked('cd', size)} === 0`;
    const negative = `${signExtend('cd', size)} < 0`;
    if (kind === Cc.Sub) {
      switch (cc) {
        case 2: return `${unsigned('fa', size)} < ${unsigned('cs', size)}`;
        case 4: return zero;
        case 6: return `${unsigned('fa', size)} <= ${unsigned('cs', size)}`;
        case 8: return negative;
        case 12: return `${signExtend('fa', size)} < ${signExtend('cs', size)}`;
        case 14: return `${signExtend('fa', size)} <= ${signExtend('cs', size)}`;
        default: return null;
      }
    }
    if (kind === Cc.Logic) {
      switch (cc) {
        case 0: case 2: return 'false';
        case 4: case 6: return zero;
        case 8: case 12: return negative;
        case 14: return `${signExtend('cd', size)} <= 0`;
        default: return null;
      }
    }
    if (kind === Cc.Inc || kind === Cc.Dec) {
      if (cc === 2) return '(c2 & 1) !== 0'; // INC/DEC keep the CF they were given
    }
    if (kind === Cc.Add) {
      if (cc === 2) return `${unsigned('cd', size)} < ${unsigned('cs', size)}`;
    }
    if (kind === Cc.Add || kind === Cc.Inc || kind === Cc.Dec || kind === Cc.Adc || kind === Cc.Sbb) {
      if (cc === 4) return zero;
      if (cc === 8) return negative;
    }
    return null;
  }

  helper(name: HelperName, args: Val[]): Val {
    if (!Object.prototype.hasOwnProperty.call(HELPERS, name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(`emitter: unknown helper '${name}'`);
    }
    const out = this.fresh();
    this.emit(`const ${out} = H.${name}(s, m${args.map((a) => ', ' + s(a)).join('')});`);
    return v(out);
  }

  scratch(k: number): Val {
    return this.let(v(`s.scratch[${num(k)}]`));
  }

  helperStored(codeWritten: Val): void {
    this.hasStore = true;
    this.emit(`smc |= ${s(codeWritten)};`);
  }

  when(cond: Val, then: () => void, otherwise?: () => void): void {
    const saved = this.body;
    this.body = [];
    this.depth++;
    then();
    const a = this.body;
    this.body = [];
    otherwise?.();
    this.depth--;
    const b = this.body;
    this.body = saved;
    this.emit(`if (${s(cond)} !== 0) { ${a.join(' ')} }${b.length ? ` else { ${b.join(' ')} }` : ''}`);
  }

  // Block exits. The staged writes of this instruction are committed before the exit code runs.
  private endWith(code: string): void {
    if (this.depth > 0) {
      // A conditional exit inside `when`: commit this path's writes inline; the other path
      // goes on with the instruction as usual.
      const regs = [...this.staged].map(([r, name]) => `r${r} = ${name};`);
      this.body.push(...regs, ...this.commits, code);
      return;
    }
    this.ended = true;
    // Commit staged writes first (they must be visible to the exit's write-back).
    for (const [r, name] of this.staged) this.body.push(`r${r} = ${name};`);
    this.staged.clear();
    this.body.push(...this.commits);
    this.commits = [];
    if (this.pendingOp !== null) this.knownOp = this.pendingOp;
    this.pendingOp = null;
    this.body.push(code);
  }

  private target(eip: number): number {
    const i = this.targets.indexOf(eip >>> 0);
    if (i >= 0) return i;
    this.targets.push(eip >>> 0);
    return this.targets.length - 1;
  }

  /**
   * A direct exit to `eip`, left as a placeholder: when the function is assembled, an exit to a
   * block compiled into the same function (the block's own entry, or a block of the region)
   * continues the function's loop while the budget lasts, so registers and lazy flags stay in
   * locals and V8 sees a loop it can optimise; any other target returns to the dispatcher.
   */
  private directExit(eip: number): string {
    this.target(eip);
    return `@@DIRECT(${eip >>> 0}|${this.index + 1})@@`;
  }

  jump(eip: number): void {
    if (this.followJumps && this.depth === 0) {
      // The staged writes commit at the end of the instruction, as for any other instruction.
      this.followTo = eip >>> 0;
      return;
    }
    this.endWith(this.directExit(eip));
  }

  branch(cond: Val, taken: number, notTaken: number): void {
    const c = s(this.let(cond));
    if (this.followBranches && this.depth === 0 && (notTaken >>> 0) === (this.nextEip >>> 0)) {
      // Superblock: a side exit when taken (this instruction's writes committed on that path),
      // and translation goes on with the next instruction.
      const regs = [...this.staged].map(([r, name]) => `r${r} = ${name};`).join(' ');
      this.emit(`if (${c} !== 0) { ${regs} ${this.commits.join(' ')} ${this.directExit(taken)} }`);
      this.followTo = notTaken >>> 0;
      return;
    }
    this.endWith(`if (${c} !== 0) { ${this.directExit(taken)} } ${this.directExit(notTaken)}`);
  }

  jumpIndirect(target: Val): void {
    const t = s(this.let(target));
    this.endWith(`${this.exitCodeDeferred(`(${t} >>> 0)`)} return ${EXIT_INDIRECT};`);
  }

  syscall(): void {
    this.endWith(`${this.exitCodeDeferred(this.nextEip)} return ${EXIT_SYSCALL};`);
  }

  trap(signal: TrapKind, code: number, atNext: boolean): void {
    const at = atNext ? this.nextEip : this.eip;
    this.endWith(`s.trapSignal = ${SIGNALS[signal]}; s.trapCode = ${num(code)}; ${this.exitCodeDeferred(at, atNext ? this.index + 1 : this.index)} return ${EXIT_TRAP};`);
  }

  restart(): void {
    this.endWith(`${this.exitCodeDeferred(this.eip, this.index)} return ${EXIT_STOP};`);
  }

  /** The write-back list depends on every register the block writes, known only at the end. */
  private exitCodeDeferred(eip: number | string, retired = this.index + 1): string {
    return `@@EXIT(${typeof eip === 'number' ? num(eip) : eip}|${retired})@@`;
  }

  /** Ends the block: the fall-through exit when no instruction ended it. */
  close(fallthroughEip: number): void {
    if (!this.ended) {
      this.out.push(`${this.directExit(fallthroughEip)}`);
      this.ended = true;
    }
  }

  /** The block's code with its exit placeholders, for assemble(). */
  code(): string {
    return this.out.join('\n');
  }

  /** The complete function body of a single block. `E` maps instruction index -> EIP for faults. */
  finish(fallthroughEip: number): string {
    this.close(fallthroughEip);
    return assemble([this]);
  }
}

/**
 * One function body for one or more blocks (the first is the entry). Guest registers and lazy
 * flags are locals for the whole function. With several blocks (or a block that jumps back to
 * itself) the body is a loop over a `switch` on the current block; a direct exit to a block of
 * the function continues the loop while the budget lasts. Exits elsewhere write everything
 * back and return the index of the target in the returned `targets`. The function's tables:
 * E (instruction index -> EIP) and I (instruction index -> index within its block) for faults.
 */
export function assemble(blocks: readonly JsEmitter[]): string {
  const inside = new Map<number, number>();
  blocks.forEach((b, k) => { if (!inside.has(b.entry)) inside.set(b.entry, k); });
  const used = new Set<number>(), written = new Set<number>();
  for (const b of blocks) {
    for (const r of b.usedRegs) used.add(r);
    for (const r of b.writtenRegs) written.add(r);
  }
  const targets = blocks.length === 1 ? blocks[0].targets : regionTargets(blocks);
  const regs = [...used].sort();
  const multi = blocks.length > 1;
  let loops = false;
  const header = [
    'const R = s.r, u8 = m.u8, dv = m.view, pm = m.perms;',
    regs.length ? `let ${regs.map((r) => `r${r} = R[${r}]`).join(', ')};` : '',
    `let op = s.ccOp, cd = s.ccDst, cs = s.ccSrc, c2 = s.ccSrc2, fa = s.fa, ip = 0, smc = 0${multi ? ', pc = 0' : ''};`,
  ].join(' ');
  const writeBack = [...written].sort().map((r) => `R[${r}] = r${r};`).join(' ');
  // Every exit leaves the loop for one shared write-back, so the write-back code runs (and has
  // type feedback) after the first exit: exits never taken before cost V8 no deoptimisation.
  const exit = (eip: string, retired: string, k: string) => `{ xe = ${eip}; xr = ${retired}; xk = ${k}; break L; }`;
  const bodies = blocks.map((b) => b.code()
    .replace(/@@DIRECT\((\d+)\|(\d+)\)@@/g, (_m, eipText: string, retired: string) => {
      const eip = Number(eipText);
      const k = targets.indexOf(eip);
      const out = exit(num(eip), retired, String(k));
      const to = inside.get(eip);
      if (to === undefined) return out;
      loops = true;
      return `if (s.budget > ${retired}) { s.budget -= ${retired}; ${multi ? `pc = ${to}; ` : ''}continue L; } ${out}`;
    })
    .replace(/@@EXIT\(([^|]+)\|(\d+)\)@@ return (-?\d+);/g, (_m, eip: string, retired: string, k: string) => exit(eip, retired, k)));
  if (bodies.some((b) => b.includes('@@'))) throw new Error('emitter: unresolved exit placeholder');
  const body = !multi ? (loops ? `L: for (;;) {\n${bodies[0]}\n}` : `L: {\n${bodies[0]}\n}`)
    : `L: for (;;) { switch (pc) {\n${bodies.map((b, k) => `case ${k}: {\n${b}\n}`).join('\n')}\n} }`;
  const state = 's.ccOp = op; s.ccDst = cd; s.ccSrc = cs; s.ccSrc2 = c2; s.fa = fa;';
  return `${header} let xe = 0, xr = 0, xk = 0;\ntry {\n${body}\n} catch (e) { ${writeBack} ${state} s.eip = E[ip]; s.budget -= I[ip]; throw e; }\n` +
    `${writeBack} ${state} s.eip = xe; s.budget -= xr; return xk;`;
}

/** The union of the blocks' direct targets, in first-seen order. */
export function regionTargets(blocks: readonly JsEmitter[]): number[] {
  const out: number[] = [];
  for (const b of blocks) for (const t of b.targets) if (!out.includes(t)) out.push(t);
  return out;
}

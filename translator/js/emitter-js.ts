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
import { assemble, EXIT_INDIRECT, EXIT_SLOW, EXIT_STOP, EXIT_SYSCALL, EXIT_TRAP } from './assemble.js';
import { fusedCondition, loadCode, masked, num, signExtend, storeCode } from './emit-code.js';
import type { BinOp, CmpOp, Emitter, HelperName, Size, TrapKind, UnOp, Val } from '../emitter.js';

const v = (s: string) => s as unknown as Val;
const s = (x: Val) => x as unknown as string;

export { EXIT_INDIRECT, EXIT_SYSCALL, EXIT_STOP, EXIT_TRAP, EXIT_SLOW } from './assemble.js';

const SIGNALS: Record<TrapKind, number> = { SIGTRAP: 5, SIGILL: 4, SIGFPE: 8, SIGSEGV: 11, SIGBUS: 7 };

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
  /** Temporaries the function must declare (the most any instruction used). */
  temps = 0;
  private index = 0;
  private hasStore = false;
  /** The instruction has done something a re-execution would repeat (a store, a helper call). */
  private effect = false;
  /** The lazy-flags operation known at translation time, or -1 when it comes from the state. */
  private knownOp = -1;
  private pendingOp: number | null = null;
  private retired = 0;
  /** Instructions emitted so far (all of the block's, once it is closed). */
  get instructions(): number { return this.retired; }
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
  /**
   * Translating for a region: slow paths of accesses leave the function (EXIT_SLOW) when they
   * can, and the budget lives in the local `bu`, written to s.budget before any call that may
   * read it or throw (helpers, the arena's checked accesses) and read back after helpers.
   */
  region = false;

  /**
   * The flag plan for the instruction about to be emitted (translator/js/flag-liveness.ts): its
   * arithmetic flag results are never read (skip them), whether it reads flags itself, and what
   * the plan assumed about it: checked here, and a wrong assumption sets flagPlanBroken (the
   * block is then translated again without a plan).
   */
  flagsDead = false;
  flagsRead = true;
  planPure = false;
  planKills = false;
  flagPlanBroken = false;
  private insnThrows = false;
  private insnFull = false;
  /** The high half of the last inlined 32x32 multiply (scratch(0) right after it). */
  private product: string | null = null;

  beginInstruction(index: number, eip: number, nextEip: number): void {
    if (index === 0) this.entry = eip >>> 0;
    this.index = index;
    this.eip = eip;
    this.nextEip = nextEip;
    this.body = [];
    this.decls = [];
    this.commits = [];
    this.staged.clear();
    this.tmp = 0;
    this.hasStore = false;
    this.effect = false;
    this.pendingOp = null;
    this.insnThrows = false;
    this.insnFull = false;
    this.product = null;
  }

  /** Closes the instruction: commits staged writes and, after a store to code, leaves. */
  endInstruction(): void {
    if ((this.planPure && this.insnThrows) || (this.planKills && !this.insnFull)) this.flagPlanBroken = true;
    const parts = [`ip = ${this.ipBase + this.index};`, ...this.decls, ...this.body];
    for (const [r, name] of this.staged) parts.push(`r${r} = ${name};`);
    parts.push(...this.commits);
    if (this.pendingOp !== null) this.knownOp = this.pendingOp;
    this.retired = this.index + 1;
    if (this.hasStore && !this.ended) {
      // After a store to code, leave for where this instruction goes next: the fall-through, or
      // the target of a direct CALL/JMP the superblock follows (a CALL has pushed its return
      // address by now: leaving to the fall-through would skip the callee).
      parts.push(`if (smc !== 0) { ${this.exitCodeDeferred(this.followTo ?? this.nextEip)} return ${EXIT_STOP}; }`);
    }
    this.out.push(`{ ${parts.join(' ')} }`);
  }

  private emit(line: string): void {
    this.body.push(line);
  }

  /**
   * Temporaries are t0, t1, ... numbered from 0 again in every instruction and declared once per
   * function (see assemble.ts): V8 keeps one interpreter register per declared local, and every
   * frame state of the optimising compiler holds all of them, so a fresh name per value would
   * make big functions (regions) slow to compile.
   */
  private fresh(): string {
    const name = `t${this.tmp++}`;
    if (this.tmp > this.temps) this.temps = this.tmp;
    return name;
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
      name = `n${full}`;
      this.staged.set(full, name);
      this.decls.push(`${name} = r${full};`);
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
    // A temporary or a constant is already evaluated once (register and flag locals are not:
    // their commit may come before a use in exit code).
    if (/^(t\d+|\d+|\(-\d+\))$/.test(s(value))) return value;
    const name = this.fresh();
    this.emit(`${name} = ${s(value)};`);
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
  // In a region, an access that may still be undone (no store or helper call earlier in the
  // instruction) leaves the region instead (EXIT_SLOW, see assemble.ts): the slow call would be
  // code V8 never saw run, and taking it would deoptimise the whole region.
  load(addr: Val, size: Size): Val {
    this.insnThrows = true;
    const a = s(this.let(addr));
    const name = this.fresh();
    const { fast, read, slow } = loadCode(a, size);
    if (!this.region) this.emit(`${name} = ${fast} ? ${read} : ${slow};`);
    else if (!this.effect) this.emit(`if (${fast}) ${name} = ${read}; else { ${this.slowExit()} }`);
    else this.emit(`if (${fast}) ${name} = ${read}; else { s.budget = bu; ${name} = ${slow}; }`);
    return v(name);
  }

  store(addr: Val, size: Size, value: Val): void {
    this.insnThrows = true;
    const a = s(this.let(addr));
    const x = s(value);
    const { fast, write, slow } = storeCode(a, size, x);
    if (!this.region) this.emit(`if (${fast}) ${write}; else smc |= ${slow};`);
    else if (!this.effect) this.emit(`if (${fast}) ${write}; else { ${this.slowExit()} }`);
    else this.emit(`if (${fast}) ${write}; else { s.budget = bu; smc |= ${slow}; }`);
    this.hasStore = true;
    this.effect = true;
  }

  /** Leaves a region before this instruction, which the engine then runs on its own. */
  private slowExit(): string {
    return `${this.exitCodeDeferred(this.eip, this.index)} return ${EXIT_SLOW};`;
  }

  // Lazy flags. With flagsDead, the instruction's flag results are skipped: the lazy state (and
  // what the emitter knows of it, knownOp) stays as it was, which nothing reads before it is
  // overwritten.
  setFlags(kind: Cc, size: Size, result: Val, a: Val, b: Val, extra?: Val): void {
    if (this.depth === 0) this.insnFull = true;
    if (this.flagsDead) return;
    const op = ccOp(kind, size);
    const [r, x, y, z] = [this.let(result), this.let(a), this.let(b), extra ? this.let(extra) : this.imm(0)];
    this.commits.push(`op = ${op}; cd = ${s(r)}; fa = ${s(x)}; cs = ${s(y)}; c2 = ${s(z)};`);
    this.pendingOp = op;
  }

  setFlagsIf(cond: Val, kind: Cc, size: Size, result: Val, _a: Val, b: Val, extra?: Val): void {
    if (this.flagsDead) return;
    const op = ccOp(kind, size);
    const c = s(this.let(cond));
    const current = s(this.let(this.arithFlags()));
    const computed = `H.flags(${op}, ${s(result)}, ${s(b)}, ${extra ? s(extra) : '0'})`;
    const name = this.fresh();
    this.emit(`${name} = ${c} !== 0 ? ${computed} : ${current};`);
    this.commits.push(`op = ${ccOp(Cc.Eflags, 4)}; cd = ${name}; cs = 0; c2 = 0;`);
    this.pendingOp = ccOp(Cc.Eflags, 4);
  }

  /** Flags read only to merge into dead results: any value will do. */
  private flagsUnread(): boolean {
    return this.flagsDead && !this.flagsRead;
  }

  arithFlags(): Val {
    if (this.flagsUnread()) return v('0');
    if (this.knownOp === ccOp(Cc.Eflags, 4)) return v('(cd & 2261)');
    return v('H.flags(op, cd, cs, c2)');
  }

  setArithFlags(value: Val): void {
    if (this.depth === 0) this.insnFull = true;
    if (this.flagsDead) return;
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
    if (this.flagsUnread()) return v('0');
    const fused = fusedCondition(this.knownOp, cc & ~1);
    if (fused !== null) return v(cc & 1 ? `(${fused} ? 0 : 1)` : `(${fused} ? 1 : 0)`);
    return v(`(H.cond(${num(cc)}, op, cd, cs, c2) ? 1 : 0)`);
  }

  helper(name: HelperName, args: Val[]): Val {
    if (!Object.prototype.hasOwnProperty.call(HELPERS, name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(`emitter: unknown helper '${name}'`);
    }
    const out = this.fresh();
    this.product = null;
    if ((name === 'muls32' || name === 'mulu32') && args.length === 2) {
      // Inline, and pure: the high half (as integer-helpers' `high` computes it) is an
      // expression the semantics read through scratch(0), which V8 drops when only dead flags
      // would use it.
      const [a, b] = args.map((x) => s(this.let(x)));
      this.emit(`${out} = Math.imul(${a}, ${b});`);
      const conv = name === 'muls32' ? '| 0' : '>>> 0';
      this.product = `(Math.round(((${a} ${conv}) * (${b} ${conv}) - (${out} >>> 0)) / 4294967296) | 0)`;
      return v(out);
    }
    this.effect = true;
    this.insnThrows = true;
    const call = `${out} = H.${name}(s, m${args.map((a) => ', ' + s(a)).join('')});`;
    this.emit(this.region ? `s.budget = bu; ${call} bu = s.budget;` : call);
    return v(out);
  }

  scratch(k: number): Val {
    if (this.product !== null) {
      if (k !== 0) throw new Error('emitter: an inlined multiply has only scratch(0)');
      return v(this.product);
    }
    return this.let(v(`s.scratch[${num(k)}]`));
  }

  helperStored(codeWritten: Val): void {
    this.hasStore = true;
    this.effect = true;
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
    this.insnThrows = true;
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
   * `final`: the block's last, unconditional exit (in a region it may fall through to the next case).
   */
  private directExit(eip: number, final = false): string {
    this.target(eip);
    return `@@${final ? 'FALL' : 'DIRECT'}(${eip >>> 0}|${this.index + 1})@@`;
  }

  jump(eip: number): void {
    if (this.followJumps && this.depth === 0) {
      // The staged writes commit at the end of the instruction, as for any other instruction.
      this.followTo = eip >>> 0;
      return;
    }
    this.endWith(this.directExit(eip, this.depth === 0));
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
    this.endWith(`if (${c} !== 0) { ${this.directExit(taken)} } ${this.directExit(notTaken, this.depth === 0)}`);
  }

  jumpIndirect(target: Val): void {
    const t = s(this.let(target));
    this.endWith(`${this.exitCodeDeferred(`(${t} >>> 0)`)} return ${EXIT_INDIRECT};`);
  }

  syscall(): void {
    this.endWith(`${this.exitCodeDeferred(this.nextEip)} return ${EXIT_SYSCALL};`);
  }

  leave(): void {
    this.endWith(`${this.exitCodeDeferred(this.nextEip)} return ${EXIT_STOP};`);
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
      this.out.push(`${this.directExit(fallthroughEip, true)}`);
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
    return assemble(this);
  }
}

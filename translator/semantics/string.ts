// String instructions: MOVS STOS LODS CMPS SCAS in byte, word and doubleword forms, with and
// without REP / REPE / REPNE.
//
// SDM Vol. 2B "MOVS", "STOS", "LODS", "CMPS", "SCAS", "REP/REPE/REPZ/REPNE/REPNZ":
//  - the source is DS:(E)SI, or the segment override (FS/GS carry a base here, see operands.ts
//    linear); the destination is ES:(E)DI and cannot be overridden;
//  - the address size picks SI/DI/CX (67 prefix) or ESI/EDI/ECX, and the registers wrap at that
//    width; DF = 1 steps down;
//  - CMPS compares [source] - [destination], SCAS the accumulator - [destination], flags as CMP;
//  - with a REP prefix a count of 0 does nothing (flags included); REPE/REPNE (F3/F2) also stop
//    when ZF says the comparison ended it; on MOVS/STOS/LODS F2 and F3 both mean REP.
//
// Without a prefix the single iteration is inlined. With one, a host helper (js/string-helpers.ts)
// runs up to min(count, budget) iterations, the registers are updated from the number it ran,
// and when the count is not exhausted (and the condition still holds) the block ends with
// restart(): the engine runs the same instruction again later, so a long REP never outlives its
// budget and is interruptible exactly as the SDM describes (registers name the next element).
//
// MOVSD and CMPSD are also SSE2 mnemonics (F2 0F 10/11 and F2 0F C2). The registry keys by
// mnemonic, so the entries here take the one-byte forms and hand the 0F-map forms to the
// semantics the SIMD family registers in SSE2_SHARED_MNEMONICS (SIGILL until it does).

import type { Instruction } from '../../decoder/instruction.js';
import { OpMap, Prefix } from '../../decoder/types.js';
import { Cc } from '../../src/cpu/flags.js';
import type { Emitter, Size, Val } from '../emitter.js';
import { linear, opSize } from '../operands.js';
import { define, type Semantic, type TranslateContext } from './registry.js';

const EAX = 0, ECX = 1, ESI = 6, EDI = 7;
const ES = 0, DS = 3, FS = 4, GS = 5;

/** SSE2 forms sharing a mnemonic with a string instruction; the SIMD family fills this in. */
export const SSE2_SHARED_MNEMONICS = new Map<'movsd' | 'cmpsd', Semantic>();

interface Ctx {
  readonly size: Size;
  /** Width of SI/DI/CX: 2 under a 67 prefix, else 4. */
  readonly asz: Size;
  /** Source segment: the override, else DS. */
  readonly seg: number;
  readonly step: Val;
}

function setup(e: Emitter, insn: Instruction): Ctx {
  const size = opSize(insn);
  return {
    size,
    asz: insn.adsize === 16 ? 2 : 4,
    seg: insn.seg >= 0 ? insn.seg : DS,
    step: e.let(e.bin('mul', e.direction(), e.imm(size))),
  };
}

const repeated = (insn: Instruction) => (insn.prefixes & (Prefix.Rep | Prefix.Repne)) !== 0;

function srcAddress(e: Emitter, c: Ctx, si: Val): Val {
  return linear(e, c.seg, si);
}

function dstAddress(e: Emitter, di: Val): Val {
  return linear(e, ES, di);
}

/** Base the REP helpers add to source offsets (only FS and GS have one in the flat model). */
function srcBase(e: Emitter, c: Ctx): Val {
  return c.seg === FS || c.seg === GS ? e.segBase(c.seg) : e.imm(0);
}

/** After a REP helper ran `k` iterations: eCX -= k; the index registers advance k steps. */
function advance(e: Emitter, c: Ctx, count: Val, k: Val, regs: number[], bases: Val[]): Val {
  const left = e.let(e.zext(e.bin('sub', count, k), c.asz));
  const delta = e.let(e.bin('mul', k, c.step));
  e.setReg(ECX, c.asz, left);
  regs.forEach((r, i) => e.setReg(r, c.asz, e.bin('add', bases[i], delta)));
  return left;
}

function movs(e: Emitter, insn: Instruction): void {
  const c = setup(e, insn);
  const si = e.let(e.reg(ESI, c.asz)), di = e.let(e.reg(EDI, c.asz));
  if (!repeated(insn)) {
    const v = e.load(srcAddress(e, c, si), c.size);
    e.store(dstAddress(e, di), c.size, v);
    e.setReg(ESI, c.asz, e.bin('add', si, c.step));
    e.setReg(EDI, c.asz, e.bin('add', di, c.step));
    return;
  }
  const count = e.let(e.reg(ECX, c.asz));
  const k = e.let(e.helper('repMovs', [e.imm(c.size), e.imm(c.asz === 2 ? 1 : 0), count, si, di, srcBase(e, c), c.step]));
  e.helperStored(e.scratch(0));
  const left = advance(e, c, count, k, [ESI, EDI], [si, di]);
  e.when(e.cmp('ne', left, e.imm(0)), () => e.restart());
}

function stos(e: Emitter, insn: Instruction): void {
  const c = setup(e, insn);
  const di = e.let(e.reg(EDI, c.asz));
  const acc = e.reg(EAX, c.size);
  if (!repeated(insn)) {
    e.store(dstAddress(e, di), c.size, acc);
    e.setReg(EDI, c.asz, e.bin('add', di, c.step));
    return;
  }
  const count = e.let(e.reg(ECX, c.asz));
  const k = e.let(e.helper('repStos', [e.imm(c.size), e.imm(c.asz === 2 ? 1 : 0), count, di, acc, c.step]));
  e.helperStored(e.scratch(0));
  const left = advance(e, c, count, k, [EDI], [di]);
  e.when(e.cmp('ne', left, e.imm(0)), () => e.restart());
}

function lods(e: Emitter, insn: Instruction): void {
  const c = setup(e, insn);
  const si = e.let(e.reg(ESI, c.asz));
  if (!repeated(insn)) {
    e.setReg(EAX, c.size, e.load(srcAddress(e, c, si), c.size));
    e.setReg(ESI, c.asz, e.bin('add', si, c.step));
    return;
  }
  const count = e.let(e.reg(ECX, c.asz));
  const k = e.let(e.helper('repLods', [e.imm(c.size), e.imm(c.asz === 2 ? 1 : 0), count, si, srcBase(e, c), c.step]));
  const last = e.scratch(0);
  e.setReg(EAX, c.size, e.select(e.cmp('ne', k, e.imm(0)), last, e.reg(EAX, c.size)));
  const left = advance(e, c, count, k, [ESI], [si]);
  e.when(e.cmp('ne', left, e.imm(0)), () => e.restart());
}

/** REPNE (F2) for CMPS/SCAS; otherwise F3 is REPE. The last of the two prefixes wins (decoder). */
const repne = (insn: Instruction) => (insn.prefixes & Prefix.Repne) !== 0;

/** Flags of a CMPS/SCAS repetition, and the restart when it must go on. */
function finishCompare(e: Emitter, insn: Instruction, c: Ctx, k: Val, left: Val, a: Val, b: Val): void {
  // No iteration (count 0) leaves the flags alone.
  e.setFlagsIf(e.cmp('ne', k, e.imm(0)), Cc.Sub, c.size, e.zext(e.bin('sub', a, b), c.size), a, b);
  const goOn = repne(insn) ? e.cmp('ne', a, b) : e.cmp('eq', a, b);
  e.when(e.bin('and', e.cmp('ne', left, e.imm(0)), goOn), () => e.restart());
}

function cmps(e: Emitter, insn: Instruction): void {
  const c = setup(e, insn);
  const si = e.let(e.reg(ESI, c.asz)), di = e.let(e.reg(EDI, c.asz));
  if (!repeated(insn)) {
    const a = e.let(e.load(srcAddress(e, c, si), c.size));
    const b = e.let(e.load(dstAddress(e, di), c.size));
    e.setFlags(Cc.Sub, c.size, e.zext(e.bin('sub', a, b), c.size), a, b);
    e.setReg(ESI, c.asz, e.bin('add', si, c.step));
    e.setReg(EDI, c.asz, e.bin('add', di, c.step));
    return;
  }
  const count = e.let(e.reg(ECX, c.asz));
  const k = e.let(e.helper('repCmps', [e.imm(c.size), e.imm(c.asz === 2 ? 1 : 0), e.imm(repne(insn) ? 1 : 0), count, si, di, srcBase(e, c), c.step]));
  const a = e.scratch(0), b = e.scratch(1);
  const left = advance(e, c, count, k, [ESI, EDI], [si, di]);
  finishCompare(e, insn, c, k, left, a, b);
}

function scas(e: Emitter, insn: Instruction): void {
  const c = setup(e, insn);
  const di = e.let(e.reg(EDI, c.asz));
  const acc = e.let(e.reg(EAX, c.size));
  if (!repeated(insn)) {
    const b = e.let(e.load(dstAddress(e, di), c.size));
    e.setFlags(Cc.Sub, c.size, e.zext(e.bin('sub', acc, b), c.size), acc, b);
    e.setReg(EDI, c.asz, e.bin('add', di, c.step));
    return;
  }
  const count = e.let(e.reg(ECX, c.asz));
  const k = e.let(e.helper('repScas', [e.imm(c.size), e.imm(c.asz === 2 ? 1 : 0), e.imm(repne(insn) ? 1 : 0), count, di, acc, c.step]));
  const b = e.scratch(1);
  const left = advance(e, c, count, k, [EDI], [di]);
  finishCompare(e, insn, c, k, left, acc, b);
}

/** The one-byte string form, or the SSE2 form of the same mnemonic. */
function sharedWithSse2(mnemonic: 'movsd' | 'cmpsd', string: (e: Emitter, insn: Instruction) => void): Semantic {
  return (e: Emitter, insn: Instruction, ctx: TranslateContext) => {
    if (insn.row!.map === OpMap.One) return string(e, insn);
    const sse = SSE2_SHARED_MNEMONICS.get(mnemonic);
    if (sse !== undefined) return sse(e, insn, ctx);
    e.trap('SIGILL', 2 /* ILL_ILLOPN */, false); // not implemented, as the translator reports it
  };
}

// Keyed by the table's 32-bit spellings (movsw etc. dispatch through their row's 'movsd').
define('movsb', movs);
define('movsd', sharedWithSse2('movsd', movs));
define(['stosb', 'stosd'], stos);
define(['lodsb', 'lodsd'], lods);
define('cmpsb', cmps);
define('cmpsd', sharedWithSse2('cmpsd', cmps));
define(['scasb', 'scasd'], scas);

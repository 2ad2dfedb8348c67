// The read-modify-write exchanges: CMPXCHG (8/16/32), CMPXCHG8B, XADD. A tenant runs on one host
// thread and an instruction's memory accesses are never interleaved with another guest thread's,
// so LOCK needs nothing more: each is atomic as translated.
//
// SDM Vol. 2A "CMPXCHG": flags as CMP accumulator, destination; if equal, DEST := SRC, else the
// accumulator := DEST. The destination is written in both cases ("the destination operand is
// written back if the comparison fails"), so a read-only destination faults either way.
// SDM Vol. 2A "CMPXCHG8B": compares EDX:EAX with m64; if equal, m64 := ECX:EBX and ZF := 1, else
// EDX:EAX := m64 and ZF := 0; m64 is written in both cases. Only ZF changes.
// SDM Vol. 2B "XADD": TEMP := SRC + DEST; SRC := DEST; DEST := TEMP; flags as ADD.

import { Cc, ZF } from '../../src/cpu/flags.js';
import { linear, offsetOf, opSize, read, rmwAddress, write } from '../operands.js';
import { probeWrite } from './data.js';
import { define } from './registry.js';

const EAX = 0, ECX = 1, EDX = 2, EBX = 3;

define('cmpxchg', (e, insn) => {
  const size = opSize(insn);
  const addr = rmwAddress(e, insn, 0);
  const dest = e.let(read(e, insn, 0, addr));
  const acc = e.let(e.reg(EAX, size));
  const src = e.let(read(e, insn, 1));
  const equal = e.let(e.cmp('eq', acc, dest));
  e.setFlags(Cc.Sub, size, e.zext(e.bin('sub', acc, dest), size), acc, dest);
  // The accumulator first: when the destination is the accumulator itself (CMPXCHG EAX, r), the
  // comparison succeeds and DEST := SRC must be what remains.
  e.setReg(EAX, size, e.select(equal, acc, dest));
  write(e, insn, 0, e.select(equal, src, dest), addr);
});

define('cmpxchg8b', (e, insn) => {
  const off = e.let(offsetOf(e, insn));
  const lo = e.let(linear(e, insn.seg, off));
  const hiOff = e.bin('add', off, e.imm(4));
  const hi = e.let(linear(e, insn.seg, insn.adsize === 16 ? e.zext(hiOff, 2) : hiOff));
  const oldLo = e.let(e.load(lo, 4));
  const oldHi = e.let(e.load(hi, 4));
  const equal = e.let(e.bin('and', e.cmp('eq', oldLo, e.reg(EAX, 4)), e.cmp('eq', oldHi, e.reg(EDX, 4))));
  // The locked 8-byte write faults as one access: check both halves before storing either.
  probeWrite(e, lo, 4);
  probeWrite(e, hi, 4);
  e.store(lo, 4, e.select(equal, e.reg(EBX, 4), oldLo));
  e.store(hi, 4, e.select(equal, e.reg(ECX, 4), oldHi));
  // On success EDX:EAX already equals m64, so loading it unconditionally is the same.
  e.setReg(EAX, 4, oldLo);
  e.setReg(EDX, 4, oldHi);
  e.setArithFlags(e.bin('or', e.bin('and', e.arithFlags(), e.imm(~ZF)), e.select(equal, e.imm(ZF), e.imm(0))));
});

define('xadd', (e, insn) => {
  const size = opSize(insn);
  const addr = rmwAddress(e, insn, 0);
  const dest = e.let(read(e, insn, 0, addr));
  const src = e.let(read(e, insn, 1));
  const sum = e.let(e.zext(e.bin('add', dest, src), size));
  write(e, insn, 1, dest);
  write(e, insn, 0, sum, addr); // after SRC := DEST, so XADD r, r leaves the sum
  e.setFlags(Cc.Add, size, sum, dest, src);
});

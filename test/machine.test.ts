// The core's contract: faults come back as Linux signals with the faulting EIP and address,
// the host goes on, budgets preempt any loop without losing the translation cache, and writes
// to translated code take effect before the next instruction runs.

import { Perm } from '../src/memory/arena';
import { CODE, DATA, guest, loadAssembler, runToStop } from './support/guest';

beforeAll(loadAssembler);

const SIGILL = 4, SIGTRAP = 5, SIGSEGV = 11;

describe('faults', () => {
  test('a read outside the arena is SIGSEGV with the address and the EIP of the load', () => {
    const m = guest('mov eax, 1; mov ebx, dword ptr [0x7ffffff0]; int 0x80');
    const r = m.run(100);
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: 0x7ffffff0, eip: CODE + 5 });
    expect(m.reg(0)).toBe(1); // the instruction before the fault completed
    expect(m.eip).toBe(CODE + 5);
  });

  test('reads are confined like writes: an unmapped page inside the window faults', () => {
    const m = guest('mov eax, dword ptr [0x00300000]; int 0x80');
    expect(m.run(100)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: 0x300000, eip: CODE, code: 1 });
  });

  test('a read of a PROT_NONE page is SEGV_ACCERR (mapped, no access); of an unmapped one SEGV_MAPERR', () => {
    const m = guest(`mov eax, dword ptr [${DATA}]; int 0x80`);
    m.memory.protect(DATA, 0x1000, Perm.Mapped);
    expect(m.run(100)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DATA, code: 2 });
    const n = guest(`mov eax, dword ptr [${DATA}]; int 0x80`);
    n.memory.unmap(DATA, 0x1000);
    expect(n.run(100)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DATA, code: 1 });
  });

  test('a write to a read-only page is SIGSEGV (SEGV_ACCERR) and leaves memory and registers alone', () => {
    const m = guest(`mov ecx, 7; mov dword ptr [${CODE}], ecx; int 0x80`);
    const before = m.memory.u8.slice(CODE, CODE + 4);
    const r = m.run(100);
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: CODE, eip: CODE + 5, code: 2 });
    expect(m.memory.u8.slice(CODE, CODE + 4)).toEqual(before);
    expect(m.reg(1)).toBe(7);
  });

  test('a push that faults does not move ESP', () => {
    const m = guest('mov esp, 0x00300004; push eax; int 0x80');
    const r = m.run(100);
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: 0x300000, eip: CODE + 5 });
    expect(m.reg(4)).toBe(0x300004);
  });

  test('a store straddling into an unmapped page faults at the first missing byte', () => {
    const m = guest(`mov dword ptr [${DATA + 0xffe}], eax; int 0x80`);
    expect(m.run(100)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DATA + 0x1000 });
  });

  test('executing outside the arena or in a non-executable page is SIGSEGV at that EIP', () => {
    const far = guest('jmp eax');
    far.setReg(0, 0x7ff00000);
    expect(far.run(100)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: 0x7ff00000, eip: 0x7ff00000 });
    const data = guest(`mov eax, ${DATA}; jmp eax`);
    expect(data.run(100)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DATA, eip: DATA });
  });

  test('undefined and privileged instructions give SIGILL and SIGSEGV with the EIP', () => {
    const ud = guest('nop; ud2');
    expect(ud.run(100)).toMatchObject({ kind: 'fault', signal: SIGILL, eip: CODE + 1 });
    const hlt = guest('nop; nop; hlt');
    const r = hlt.run(100);
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, eip: CODE + 2 });
    if (r.kind === 'fault') expect(r.message).toMatch(/at 0x8048002: f4 \(hlt\): privileged/);
    const bad = guest(Uint8Array.from([0x90, 0x0f, 0x04]));
    expect(bad.run(100)).toMatchObject({ kind: 'fault', signal: SIGILL, eip: CODE + 1 });
  });

  test('INT3 stops with SIGTRAP after the instruction; INT 0x80 stops for the system call', () => {
    const m = guest('mov eax, 4; int3; mov eax, 5; int 0x80');
    expect(m.run(100)).toMatchObject({ kind: 'fault', signal: SIGTRAP, eip: CODE + 6 });
    expect(m.run(100)).toEqual({ kind: 'syscall' });
    expect(m.reg(0)).toBe(5);
    expect(m.eip).toBe(CODE + 13);
  });

  test('INT 3 and INT 4 (CD 03, CD 04) trap after the instruction as on Linux; INT 5 faults at it', () => {
    const three = guest(new Uint8Array([0xcd, 0x03, 0x90, 0xcd, 0x80]));
    expect(three.run(100)).toMatchObject({ kind: 'fault', signal: SIGTRAP, code: 0x80, eip: CODE + 2 });
    const four = guest(new Uint8Array([0xcd, 0x04, 0x90, 0xcd, 0x80]));
    expect(four.run(100)).toMatchObject({ kind: 'fault', signal: SIGSEGV, code: 0x80, eip: CODE + 2 });
    const five = guest(new Uint8Array([0xcd, 0x05, 0x90, 0xcd, 0x80]));
    expect(five.run(100)).toMatchObject({ kind: 'fault', signal: SIGSEGV, eip: CODE });
  });

  test('EFLAGS.TF single-steps: SIGTRAP (TRAP_TRACE) after each instruction, from the one after POPF', () => {
    const m = guest('pushfd; or dword ptr [esp], 0x100; popfd; nop; mov eax, 1; int 0x80');
    expect(m.run(100)).toMatchObject({ kind: 'fault', signal: SIGTRAP, code: 2, eip: CODE + 10 }); // after the NOP
    expect(m.run(100)).toMatchObject({ kind: 'fault', signal: SIGTRAP, code: 2, eip: CODE + 15 }); // after MOV
    expect(m.reg(0)).toBe(1);
    expect(m.run(100)).toEqual({ kind: 'syscall' }); // the personality traps after the call
  });

  test('a fault in one machine does not disturb another', () => {
    const a = guest('mov eax, dword ptr [0]; int 0x80');
    const b = guest('mov eax, 42; int 0x80');
    expect(a.run(100).kind).toBe('fault');
    expect(b.run(100)).toEqual({ kind: 'syscall' });
    expect(b.reg(0)).toBe(42);
  });
});

describe('preemption', () => {
  test('`jmp $` returns to the host at every budget and keeps its translation', () => {
    const m = guest('spin: jmp spin');
    for (let i = 0; i < 5; i++) expect(m.run(10_000)).toEqual({ kind: 'budget' });
    expect(m.stats.blocksTranslated).toBe(1);
    expect(m.eip).toBe(CODE);
  });

  test('a loop with a body is preempted and resumes exactly where it was', () => {
    const m = guest('xor eax, eax; l: add eax, 3; inc ebx; jmp l');
    let slices = 0;
    while (slices < 10) { expect(m.run(1000).kind).toBe('budget'); slices++; }
    const translated = m.stats.blocksTranslated;
    expect(m.reg(0)).toBe((m.reg(3) * 3) >>> 0);
    expect(m.reg(3)).toBeGreaterThan(2000);
    m.run(1000);
    expect(m.stats.blocksTranslated).toBe(translated);
  });
});

describe('self-modifying code', () => {
  test('a block that rewrites its own next instruction runs the new bytes', () => {
    // `mov eax, imm32` at `target`: the store patches its immediate before it executes.
    const text = 'mov byte ptr [target + 1], 0x55; target: mov eax, 0x11111111; int 0x80';
    const m = guest(text, { codePerm: Perm.Write });
    expect(m.run(100)).toEqual({ kind: 'syscall' });
    expect(m.reg(0)).toBe(0x11111155);
    expect(m.stats.invalidations).toBeGreaterThan(0);
  });

  test('code generated into a buffer at run time, then overwritten, runs its latest version', () => {
    // Writes `mov eax, N; ret` into DATA+0x100 (made executable), calls it, rewrites N, calls again.
    const emit = (n: number) => `mov byte ptr [${DATA + 0x100}], 0xb8; mov dword ptr [${DATA + 0x101}], ${n}; mov byte ptr [${DATA + 0x105}], 0xc3;`;
    const text = `${emit(1)} mov ecx, ${DATA + 0x100}; call ecx; mov ebx, eax; ${emit(2)} call ecx; int 0x80`;
    const m = guest(text);
    m.memory.protect(DATA, 0x1000, Perm.Read | Perm.Write | Perm.Exec);
    expect(runToStop(m)).toEqual({ kind: 'syscall' });
    expect(m.reg(3)).toBe(1);
    expect(m.reg(0)).toBe(2);
  });

  test('a followed CALL whose push lands on a page holding code still runs the callee', () => {
    // A RET on the stack runs first, so the stack page holds a translation; the CALL after it
    // pushes onto that page (a store to code) inside a superblock that follows the CALL.
    const m = guest('sub esp, 64; mov byte ptr [esp], 0xc3; call esp; mov ebx, 7; call callee; int 0x80; callee: mov ebx, 42; ret',
      { followJumps: true });
    m.memory.protect(0x0010_0000 - 0x10000, 0x10000, Perm.Read | Perm.Write | Perm.Exec);
    expect(runToStop(m)).toEqual({ kind: 'syscall' });
    expect(m.reg(3)).toBe(42);
  });

  test('only the translations overlapping the write are dropped', () => {
    const m = guest(`call f; call f; mov dword ptr [${DATA}], 1; call f; int 0x80; f: inc esi; ret`);
    m.memory.protect(DATA, 0x1000, Perm.Read | Perm.Write | Perm.Exec);
    expect(runToStop(m)).toEqual({ kind: 'syscall' });
    expect(m.reg(6)).toBe(3);
    expect(m.stats.invalidations).toBe(0);
  });
});

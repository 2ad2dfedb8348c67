// Signals with real guest programs (test/programs/*.c, built by test/programs/Makefile):
// SIGSEGV/SIGFPE/SIGILL from faults caught and left with siglongjmp, SA_SIGINFO details from
// raise and kill, masks and pending delivery, sigsuspend, SA_RESETHAND/SA_NODEFER, alarm and
// pause, interval timers, EINTR and SA_RESTART, an alternate stack for a stack overflow, and
// default actions. Each run must give qemu-i386's stdout and exit status: live when qemu-i386
// is installed, else the committed bin/*.expected (made with `make -C test/programs expected`).

import { runProcess } from '../src/linux/run';
import { expected, haveQemu, programPath, runQemu, runVxts } from './programs/harness';
import { assemble, loadAssembler } from './support/asm';
import { simpleProgram, TEXT } from './support/elf-builder';
import { makeProcess } from './support/linux';

const PROGRAMS = ['sig-fault', 'sig-info', 'sig-alarm', 'sig-altstack'];

if (!haveQemu()) console.log('qemu-i386 not found: comparing with the committed test/programs/bin/*.expected only');

describe.each(PROGRAMS)('%s', (name) => {
  test('stdout and exit status match qemu-i386', async () => {
    const got = await runVxts(programPath(name));
    const want = expected(name);
    expect({ stdout: got.stdout, status: got.status }).toEqual(want);
    const live = runQemu(programPath(name));
    if (live !== null) expect({ stdout: got.stdout, status: got.status }).toEqual(live);
  });
});

test('the fault handler sees the faulting EIP and si_addr; death by an unhandled fault keeps its address', async () => {
  const got = await runVxts(programPath('sig-fault'));
  expect(got.stdout).toContain('SIGSEGV round 2: signo=11 code=1 addr=0x10 at_insn=1 masked_in_handler=1');
  expect(got.end).toMatchObject({ kind: 'signaled', signal: 11, address: 0 });
});

test('alarm and pause also work with deterministic clocks (the clock jumps to the alarm)', async () => {
  const got = await runVxts(programPath('sig-alarm'), [], { deterministic: true });
  expect({ stdout: got.stdout, status: got.status }).toEqual(expected('sig-alarm'));
});

describe('frames, byte for byte', () => {
  beforeAll(loadAssembler);

  test('a legacy frame: handler args, sigcontext registers, retcode; sigreturn restores everything', async () => {
    // Install a handler for SIGUSR1 with the old sigaction (no SA_SIGINFO; SA_RESTORER with a
    // trampoline as the C libraries pass, since this stack is not executable), raise it with
    // kill, and in the handler record its argument and clobber registers; sigreturn restores them.
    const handler = TEXT + 0x200, restorer = TEXT + 0x280;
    const code = `
      mov esp, 0x3ff00000 - 0x1000
      sub esp, 16
      mov dword ptr [esp], ${handler}
      mov dword ptr [esp+4], 0
      mov dword ptr [esp+8], 0x04000000
      mov dword ptr [esp+12], ${restorer}
      mov eax, 67; mov ebx, 10; mov ecx, esp; xor edx, edx; int 0x80
      mov eax, 20; int 0x80
      mov ebx, eax; mov ecx, 10; mov eax, 37
      mov esi, 0x11111111; mov edi, 0x22222222; mov ebp, 0x33333333
      int 0x80
      mov edx, eax
      cmp esi, 0x11111111; jne bad
      cmp edi, 0x22222222; jne bad
      cmp ebp, 0x33333333; jne bad
      mov ebx, dword ptr [0x3ff00000 - 0x800]
      mov eax, 1; int 0x80
    bad:
      mov ebx, 99; mov eax, 1; int 0x80`;
    const hcode = `
      mov eax, dword ptr [esp+4]
      mov dword ptr [0x3ff00000 - 0x800], eax
      mov esi, 0; mov edi, 0; mov ebp, 0
      ret`;
    const text = new Uint8Array(0x300);
    text.set(assemble(code, TEXT));
    text.set(assemble(hcode, handler), 0x200);
    text.set(assemble('pop eax; mov eax, 119; int 0x80', restorer), 0x280);
    const p = makeProcess(simpleProgram(text));
    expect(await runProcess(p)).toEqual({ kind: 'exited', code: 10 });
  });
});

// The run loop and dispatcher: exit statuses, death by a fault's signal, unknown system calls
// (ENOSYS, execution continues), a call that blocks in the middle of a program, the instruction
// limit, and the --strace and --trace output formats.

import { runProcess } from '../src/linux/run';
import { quote } from '../src/linux/strace-format';
import { assemble, loadAssembler } from './support/asm';
import { simpleProgram, TEXT } from './support/elf-builder';
import { makeProcess } from './support/linux';

beforeAll(loadAssembler);

const program = (text: string) => simpleProgram(assemble(text, TEXT));

test('exit_group and exit give the low 8 bits of the status', async () => {
  expect(await runProcess(makeProcess(program('mov ebx, 7; mov eax, 252; int 0x80')))).toEqual({ kind: 'exited', code: 7 });
  expect(await runProcess(makeProcess(program('mov ebx, 300; mov eax, 1; int 0x80')))).toEqual({ kind: 'exited', code: 44 });
});

test('a fault ends the process with its signal; --strace shows the siginfo and the death', async () => {
  const lines: string[] = [];
  const p = makeProcess(program('nop; mov eax, dword ptr [0]'), { strace: (l) => lines.push(l) });
  expect(await runProcess(p)).toMatchObject({ kind: 'signaled', signal: 11, address: 0, eip: TEXT + 1 });
  expect(lines).toEqual([
    '[pid 1] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x0} ---',
    '[pid 1] +++ killed by SIGSEGV +++',
  ]);
});

test('an unknown system call returns -ENOSYS and the program goes on', async () => {
  const lines: string[] = [];
  const p = makeProcess(program('mov eax, 999; mov ebx, 1; mov ecx, 2; int 0x80; mov ebx, eax; neg ebx; mov eax, 252; int 0x80'), { strace: (l) => lines.push(l) });
  expect(await runProcess(p)).toEqual({ kind: 'exited', code: 38 });
  expect(lines).toEqual([
    '[pid 1] syscall_0x3e7(0x1, 0x2, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)',
    '[pid 1] exit_group(38) = ?',
    '[pid 1] +++ exited with 38 +++',
  ]);
  expect(p.stats.syscalls).toBe(2);
});

test('strace decodes arguments and results of common calls', async () => {
  const lines: string[] = [];
  const p = makeProcess(program(`
    mov eax, 45; xor ebx, ebx; int 0x80
    mov eax, 192; xor ebx, ebx; mov ecx, 0x2000; mov edx, 3; mov esi, 0x22; mov edi, -1; xor ebp, ebp; int 0x80
    mov ebx, eax; mov eax, 125; mov ecx, 0x1000; mov edx, 1; int 0x80
    mov eax, 403; mov ebx, 1; mov ecx, 0x10; int 0x80
    mov eax, 252; xor ebx, ebx; int 0x80`), { strace: (l) => lines.push(l) });
  await runProcess(p);
  expect(lines.slice(0, 4)).toEqual([
    '[pid 1] brk(NULL) = 0x804b000',
    '[pid 1] mmap2(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x3f6fe000',
    '[pid 1] mprotect(0x3f6fe000, 4096, PROT_READ) = 0',
    '[pid 1] clock_gettime64(CLOCK_MONOTONIC, 0x10) = -1 EFAULT (Bad address)',
  ]);
});

test('strace strings: C escapes, octal padded only before a digit, cut after 32 bytes', () => {
  expect(quote(new TextEncoder().encode('hi\n\t"\\'))).toBe('"hi\\n\\t\\"\\\\"');
  expect(quote(Uint8Array.of(0, 0x31, 0x1b, 0x5b, 0xff))).toBe('"\\0001\\33[\\377"');
  expect(quote(new TextEncoder().encode('abc'), true)).toBe('"abc"...');
});

test('a call that blocks in the middle of a program is retried after the wait', async () => {
  // nanosleep(1 ms) on the real clock, then exit(5).
  const code = assemble(`
    mov eax, 162; mov ebx, ${0x0804_a000}; xor ecx, ecx; int 0x80
    mov ebx, eax; add ebx, 5; mov eax, 252; int 0x80`, TEXT);
  const data = Uint8Array.of(0, 0, 0, 0, 0x40, 0x42, 0x0f, 0);
  const p = makeProcess(simpleProgram(code, { data }), { clock: { deterministic: false } });
  expect(await runProcess(p)).toEqual({ kind: 'exited', code: 5 });
});

test('the instruction limit stops an endless loop with SIGXCPU', async () => {
  const p = makeProcess(program('l: jmp l'));
  expect(await runProcess(p, { maxInstructions: 50_000, quantum: 10_000 })).toMatchObject({ kind: 'signaled', signal: 24 });
  expect(p.stats.instructions).toBeGreaterThanOrEqual(50_000);
});

test('--trace prints each block once with its disassembly, then only its address', async () => {
  const lines: string[] = [];
  const p = makeProcess(program('mov ecx, 3; l: dec ecx; jnz l; mov eax, 252; int 0x80'));
  await runProcess(p, { trace: (l) => lines.push(l) });
  const first = lines.indexOf('[pid 1] block 0x08049000:');
  expect(first).toBe(0);
  expect(lines[1]).toMatch(/^ {4}8049000: b9 03 00 00 00 +mov ecx, 3$/);
  expect(lines.filter((l) => l.startsWith('[pid 1] block 0x08049005'))).toEqual(['[pid 1] block 0x08049005:', '[pid 1] block 0x08049005']);
  expect(lines.some((l) => /int 0x80$/.test(l))).toBe(true);
});

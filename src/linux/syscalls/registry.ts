// The i386 system call table of the Linux personality: number -> name and handler. Handlers get
// the process and the six argument registers (EBX ECX EDX ESI EDI EBP as uint32) and return the
// value for EAX (a -errno on failure), or a Blocked value when the call must wait (the process is
// parked until `wake` settles, then the call is made again). Every pointer argument is copied
// through the arena's checked accessors; a bad pointer is -EFAULT, never a host error.

import type { LinuxProcess } from '../process.js';

export class Blocked {
  constructor(readonly wake: Promise<unknown>) {}
}

export type SyscallResult = number | Blocked;
export type SyscallHandler = (p: LinuxProcess, a: Uint32Array) => SyscallResult;

export interface SyscallDef {
  readonly nr: number;
  readonly name: string;
  readonly handler: SyscallHandler;
}

export const SYSCALLS = new Map<number, SyscallDef>();

export function defineSyscall(nr: number, name: string, handler: SyscallHandler): void {
  const old = SYSCALLS.get(nr);
  if (old) throw new Error(`syscall ${nr} defined twice (${old.name}, ${name})`);
  SYSCALLS.set(nr, { nr, name, handler });
}

// The vxts package root: the public API for embedders.
// The low layer (Vx32-like): a Machine runs guest code until a trap and knows nothing of Linux;
// an embedder can drive it with its own personality. The decoder and disassembler are public too.

export { Machine } from './engine/machine.js';
export type { MachineOptions, MachineStats, RunResult } from './engine/machine.js';
export { Arena, GuestFault, Perm, PAGE_SIZE } from './memory/arena.js';
export { CpuState, EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI } from './cpu/state.js';
export {
  decode, decodeInto, formatInstruction, formatLine, validate, DEFAULT_FEATURES, Instruction, OPCODE_TABLE,
} from '../decoder/index.js';
export type { Verdict, CpuFeatures, OpcodeRow, IsaExt } from '../decoder/index.js';

// The embedding API: many tenants (static i386 Linux programs) in this process, each with hard limits.
export { Sandbox, Tenant, SpawnError } from './api/sandbox.js';
export type {
  SandboxOptions, TenantSpawnOptions, TenantLimits, TenantMount, TenantPolicy, TenantResult, TenantStats, TenantState,
  ExitReason, SyscallEvent,
} from './api/sandbox.js';
// What Sandbox.spawn returns, whether the tenant runs on this thread or on a worker thread.
export type { TenantHandle } from './api/tenant-handle.js';
// The policy: system calls with decoded, copied arguments; default-deny network (docs/SECURITY.md).
export { isLoopback, isLocalHost } from './api/policy.js';
export type {
  SyscallRequest, NetworkRequest, PolicyVerdict, DecodedArg, ArgKind, NetOp, SockAddr, SocketFamily, SocketType,
} from './api/policy.js';

// The limits of `vxts run` that need the run loop's accounting hook: --cpu-ms (host CPU time
// charged to the guest's processes together, checked between slices, SIGXCPU past it) and
// --max-procs (processes alive or unreaped at once; fork past it fails with EAGAIN). The
// instruction limit (--cpu-insns) and the memory window (--mem) are the run loop's and the
// arena's own. The Sandbox (src/api/sandbox.ts) enforces the same limits per tenant.

import { familyOf } from '../linux/kernel.js';
import type { LinuxProcess } from '../linux/process.js';
import type { Account } from '../linux/run.js';

const SIGXCPU = 24;

export interface CliLimits {
  cpuMs?: number;
  maxProcesses?: number;
}

/** An Account enforcing `limits` on `p` and every process it forks; null when there are none. */
export function limitAccount(p: LinuxProcess, limits: CliLimits): Account | null {
  if (limits.maxProcesses !== undefined) familyOf(p).table.maxProcesses = limits.maxProcesses;
  const cpuMs = limits.cpuMs;
  if (cpuMs === undefined) return null;
  let used = 0;
  return {
    beforeSlice(q) {
      if (used >= cpuMs) {
        const message = `CPU time limit of ${cpuMs} ms reached`;
        // The whole family stops, as a shell's ulimit -t stops a process group's work.
        for (const r of familyOf(q).table.procs.values()) {
          if (r.exit === null) { r.terminate({ kind: 'signaled', signal: SIGXCPU, eip: r.machine.eip, message }); r.sig.wake(); }
        }
        return 0;
      }
      return Infinity;
    },
    charge(_q, _instructions, ms) { used += ms; },
    ended() {},
  };
}

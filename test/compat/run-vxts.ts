// Runs built programs under vxts as tenants of one Sandbox in this Node process, a capped
// number at a time, each with a CPU-time limit (a hang becomes a failure, not a stall), a
// wall-time limit (for a guest parked forever in a blocking call, which uses no CPU) and an
// output limit, and records how each ended: code, signal, the Sandbox's reason and message,
// the [FAIL] lines it printed and the end of its stderr.

import { readFileSync } from 'node:fs';
import { Sandbox, SpawnError } from '../../src/index.js';
import { mapLimit } from './pool.js';
import type { Built, RunOutcome } from './types.js';
import type { IsaExt } from '../../decoder/types.js';

/**
 * Programs that need a CPU beyond vxts's default (a P6), given as extensions of it. test_FISTTP
 * executes FISTTP, an x87 instruction that came with SSE3 (qemu-i386's default CPU has SSE3):
 * it runs on a CPU that reports SSE3 (the Sandbox's `extensions` option).
 */
const CPU_EXTENSIONS: Readonly<Record<string, readonly IsaExt[]>> = {
  test_FISTTP: ['sse3'],
};

export interface VxtsOptions {
  concurrency: number;
  cpuMs: number;
  /** Wall-clock limit per program; the tenant is killed then (reason 'killed'). */
  wallMs: number;
  /** Called after each program ends (progress). */
  onDone?: (name: string, o: RunOutcome) => void;
}

const failLines = (text: string) => text.split('\n').filter((l) => l.startsWith('[FAIL]')).map((l) => l.trim());

export async function runVxts(built: readonly Built[], o: VxtsOptions): Promise<Map<string, RunOutcome>> {
  const sandbox = new Sandbox();
  const results = new Map<string, RunOutcome>();
  await mapLimit(built.filter((b) => b.binary !== undefined), o.concurrency, async (b) => {
    const name = b.program.name;
    let outcome: RunOutcome;
    try {
      const t = sandbox.spawn(new Uint8Array(readFileSync(b.binary!)), {
        argv: [name],
        env: { PATH: '/bin:/usr/bin', HOME: '/tmp' },
        cwd: '/tmp',
        limits: { cpuMs: o.cpuMs, output: 4 << 20, processes: 64 },
        ...(CPU_EXTENSIONS[name] !== undefined ? { extensions: CPU_EXTENSIONS[name] } : {}),
      });
      let out = '', err = '';
      t.stdout.on('data', (c: Buffer) => { out += c.toString('latin1'); });
      t.stderr.on('data', (c: Buffer) => { err += c.toString('latin1'); });
      let wallKilled = false;
      const timer = setTimeout(() => { wallKilled = true; t.kill(); }, o.wallMs);
      const r = await t.exited;
      clearTimeout(timer);
      outcome = {
        code: r.code, signal: r.signal, reason: r.reason,
        message: wallKilled ? `wall-time limit of ${o.wallMs} ms reached (a blocked guest?)` : r.message,
        failLines: failLines(`${out}\n${err}`), stderrTail: err.slice(-600), ms: Math.round(r.stats.cpuMs),
      };
    } catch (e) {
      const msg = e instanceof SpawnError ? e.message : `runner error: ${(e as Error)?.message ?? String(e)}`;
      outcome = { code: null, signal: null, reason: 'spawn-error', message: msg, failLines: [], stderrTail: '', ms: 0 };
    }
    results.set(name, outcome);
    o.onDone?.(name, outcome);
  });
  return results;
}

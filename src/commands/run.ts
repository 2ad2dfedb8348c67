// `vxts run [options] PROGRAM [ARGS...]`: loads a static i386 Linux program and runs it in the
// sandbox with the host's stdin, stdout and stderr. The exit status is the guest's; death by a
// signal gives 128+N and a one-line message on stderr, as a shell reports it. A program that
// cannot be loaded gets a one-line reason and status 126 (127 when the file cannot be read).

import { LoadError } from '../loader/index.js';
import { runProcess } from '../linux/run.js';
import { seededRandom } from '../linux/random.js';
import { signalDescription, signalName } from '../linux/signals-info.js';
import { spawnProcess } from '../linux/spawn.js';
import type { ExitState, LinuxProcess } from '../linux/process.js';
import type { Command } from './command.js';
import { readProgramOrSay } from './program.js';
import { optionPart, parseRunArgs, type RunCommandOptions } from './run-options.js';
import { prepareFiles } from './run-files.js';
import { limitAccount } from './run-limits.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** The guest's environment: the host's (unless --clear-env), then each --env in order. */
function environment(o: RunCommandOptions): string[] {
  const env = new Map<string, string>();
  if (!o.clearEnv) for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env.set(k, v);
  for (const e of o.env) {
    const eq = e.indexOf('=');
    env.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** `vxts: prog: Segmentation fault (SIGSEGV at 0x0 eip 0x8049000)`. */
export function deathMessage(program: string, end: Extract<ExitState, { kind: 'signaled' }>): string {
  const where = end.address !== undefined ? ` at ${hex(end.address)}` : '';
  const eip = end.eip !== undefined ? ` eip ${hex(end.eip)}` : '';
  // Say why when the reason is vxts's own (an instruction it cannot run yet, a limit).
  const why = end.message !== undefined && (/not implemented|limit/.test(end.message)) ? `: ${end.message}` : '';
  return `vxts: ${program}: ${signalDescription(end.signal)} (${signalName(end.signal)}${where}${eip}${why})`;
}

function statsText(p: LinuxProcess, ms: number): string {
  const s = p.machine.stats;
  const rows: [string, string][] = [
    ['instructions', String(p.stats.instructions)],
    ['system calls', String(p.stats.syscalls)],
    ['blocks translated', String(s.blocksTranslated)],
    ['translation time', `${s.translateMs.toFixed(1)} ms decode+emit, ${s.compileMs.toFixed(1)} ms compile`],
    ['cache hits', String(s.cacheHits)],
    ['invalidations', String(s.invalidations)],
    ['wall time', `${ms.toFixed(1)} ms`],
  ];
  return rows.map(([k, v]) => `vxts: stats: ${k.padEnd(18)} ${v}\n`).join('');
}

export const run: Command = {
  name: 'run',
  synopsis: 'run [options] PROGRAM [ARGS...]',
  summary: 'run a static i386 Linux program in the sandbox',
  options: [
    '--mount HOSTDIR:GUESTDIR[:ro]  also show a host directory to the guest (repeatable; read-write unless :ro).',
    '                               The current directory is always visible read-write at its own path,',
    '                               with /tmp (in memory), /dev and /proc; nothing else of the host.',
    '--cwd GUESTDIR                 start in this guest directory (default: the current directory)',
    '--env NAME=VALUE               set an environment variable (repeatable)',
    '--clear-env                    start from an empty environment instead of the host\'s',
    '--mem SIZE                     guest memory, e.g. 256M or 2G (default 1G)',
    '--cpu-insns N                  stop the guest with SIGXCPU after N instructions',
    '--cpu-ms N                     stop the guest (all its processes) with SIGXCPU after N ms of host CPU time',
    '--max-procs N                  at most N processes at once (the program included); fork past it fails with EAGAIN',
    '--strace                       log every system call to stderr, strace style',
    '--stats                        print instructions, translations, cache hits and syscalls at exit',
    '--trace                        log every block run, with its disassembly, to stderr (slow)',
    '--seed SEED                    reproducible randomness (AT_RANDOM, getrandom, /dev/urandom)',
    '--deterministic                fixed clocks (time advances with instructions) and seed 0',
  ],
  examples: [
    'vxts run guests/bin/hello-musl',
    'vxts run --strace ./prog arg1 arg2',
    'vxts run --mount /srv/data:/data:ro --cwd /data ./busybox ls -l',
    'vxts run --clear-env --env HOME=/tmp --mem 256M --cpu-insns 1000000000 ./prog',
    'vxts run --cpu-ms 2000 --max-procs 16 ./prog',
  ],
  optionArgs: optionPart,
  async run(args) {
    const o = parseRunArgs(args);
    const bytes = readProgramOrSay(o.program);
    if (bytes === null) return 127;
    const files = prepareFiles(o);
    const seed = o.seed ?? (o.deterministic ? '0' : undefined);
    let p: LinuxProcess;
    try {
      p = spawnProcess({
        program: bytes, name: o.program, guestPath: files.guestPath(o.program), execfn: o.program,
        argv: [o.program, ...o.args], envp: environment(o), memorySize: o.memorySize,
        random: seed !== undefined ? seededRandom(seed) : undefined,
        clock: { deterministic: o.deterministic },
        strace: o.strace ? (line) => process.stderr.write(`${line}\n`) : null,
      }).process;
    } catch (e) {
      files.dispose();
      if (!(e instanceof LoadError)) throw e;
      process.stderr.write(`vxts: ${e.message}\n`);
      return 126;
    }
    let end: ExitState;
    const t0 = performance.now();
    try {
      files.attach(p);
      end = await runProcess(p, {
        maxInstructions: o.cpuInstructions,
        account: limitAccount(p, { cpuMs: o.cpuMs, maxProcesses: o.maxProcesses }),
        trace: o.trace ? (line) => process.stderr.write(`${line}\n`) : null,
      });
    } finally {
      files.dispose();
    }
    if (o.stats) process.stderr.write(statsText(p, performance.now() - t0));
    if (end.kind === 'exited') return end.code;
    process.stderr.write(`${deathMessage(o.program, end)}\n`);
    return 128 + end.signal;
  },
};

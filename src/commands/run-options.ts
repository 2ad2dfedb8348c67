// The command line of `vxts run`: vxts's own options come first, then PROGRAM, then the
// program's arguments, which are passed through untouched (even ones that look like options,
// such as `--help`). `--` ends vxts's options explicitly. Every mistake is a one-line
// UsageError that names the option and the fix.

import { MAX_ARENA } from '../memory/arena.js';
import { parseNumber, UsageError } from './command.js';

export interface Mount {
  readonly host: string;
  readonly guest: string;
  readonly readOnly: boolean;
}

export interface RunCommandOptions {
  readonly mounts: Mount[];
  cwd?: string;
  readonly env: string[];
  clearEnv: boolean;
  memorySize?: number;
  cpuInstructions?: number;
  /** --cpu-ms: host CPU milliseconds for the guest's processes together. */
  cpuMs?: number;
  /** --max-procs: processes alive at once (the first included). */
  maxProcesses?: number;
  strace: boolean;
  stats: boolean;
  trace: boolean;
  /** Seed for reproducible randomness; `deterministic` also fixes the clocks. */
  seed?: string;
  deterministic: boolean;
  program: string;
  args: string[];
  help: boolean;
}

/** Options that take a value (as `--opt VALUE` or `--opt=VALUE`). */
const WITH_VALUE = new Set(['--mount', '--cwd', '--env', '--mem', '--cpu-insns', '--cpu-ms', '--max-procs', '--seed']);
const FLAGS = new Set(['--clear-env', '--strace', '--stats', '--trace', '--deterministic', '--help', '-h']);

const MIN_MEM = 16 << 20;

/** `256M`, `1G`, `65536K`, or bytes; rounded up to whole pages. */
export function parseSize(text: string): number {
  const m = /^([0-9]+)([KMG]?)(i?B)?$/i.exec(text.trim());
  if (m === null) throw new UsageError(`--mem: '${text}' is not a size; give a number with K, M or G (e.g. --mem 256M)`);
  const unit = { '': 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  const bytes = Math.ceil((Number(m[1]) * unit) / 4096) * 4096;
  if (bytes < MIN_MEM) throw new UsageError(`--mem: ${text} is too small; the guest needs at least 16M (stack and program)`);
  // The arena holds every guest address as a non-negative int32 (src/memory/arena.ts).
  if (bytes > MAX_ARENA) throw new UsageError(`--mem: ${text} is too large; vxts gives a guest at most 2G`);
  return bytes;
}

export function parseMount(text: string): Mount {
  const parts = text.split(':');
  const ro = parts.length === 3 && parts[2] === 'ro';
  const rw = parts.length === 3 && parts[2] === 'rw';
  if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && !ro && !rw) || parts[0] === '' || parts[1] === '') {
    throw new UsageError(`--mount: '${text}' is not HOSTDIR:GUESTDIR or HOSTDIR:GUESTDIR:ro`);
  }
  if (!parts[1].startsWith('/')) throw new UsageError(`--mount: the guest directory '${parts[1]}' must be an absolute path`);
  return { host: parts[0], guest: parts[1], readOnly: ro };
}

/** A positive count for a limit option; a UsageError that says what the number means. */
export function parseLimit(text: string, option: string, meaning: string): number {
  if (!/^\s*(0x[0-9a-f]+|[0-9]+)\s*$/i.test(text)) throw new UsageError(`${option}: '${text}' is not a number; give ${meaning}`);
  const n = parseNumber(text, option, Number.MAX_SAFE_INTEGER);
  if (n < 1) throw new UsageError(`${option}: ${text} allows nothing; give ${meaning}`);
  return n;
}

/**
 * Scans the options at the front of `args` (`--opt VALUE`, `--opt=VALUE`, flags; `--` ends them;
 * the first word that is not an option is the program): each flag goes to `onFlag`, each value to
 * `onValue`. Returns the index of the first argument after the options. Shared by run and
 * run-many, so both read options the same way and name mistakes the same way.
 */
export function scanOptions(
  args: readonly string[], command: string, flags: ReadonlySet<string>, withValue: ReadonlySet<string>,
  onFlag: (name: string) => void, onValue: (name: string, value: string) => void,
): number {
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return i + 1;
    if (!arg.startsWith('-') || arg === '-') break;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (flags.has(name)) {
      if (name !== arg) throw new UsageError(`${name} takes no value`);
      onFlag(name);
      continue;
    }
    if (!withValue.has(name)) throw new UsageError(`unknown option ${name} for ${command} (see 'vxts ${command} --help')`);
    let value: string;
    if (name !== arg) value = arg.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    else throw new UsageError(`${name} needs a value (see 'vxts ${command} --help')`);
    onValue(name, value);
  }
  return i;
}

/** --mount, --cwd and --env: the guest's view, read the same way by run and run-many. False for other options. */
export function guestViewOption(o: { mounts: Mount[]; env: string[]; cwd?: string }, name: string, value: string): boolean {
  switch (name) {
    case '--mount': o.mounts.push(parseMount(value)); return true;
    case '--cwd':
      if (!value.startsWith('/')) throw new UsageError(`--cwd: '${value}' must be an absolute guest path`);
      o.cwd = value;
      return true;
    case '--env':
      if (!/^[^=]+=/.test(value)) throw new UsageError(`--env: '${value}' is not NAME=VALUE`);
      o.env.push(value);
      return true;
    default:
      return false;
  }
}

/** Parses `args` (everything after `vxts run`). */
export function parseRunArgs(args: readonly string[]): RunCommandOptions {
  const o: RunCommandOptions = {
    mounts: [], env: [], clearEnv: false, strace: false, stats: false, trace: false, deterministic: false,
    program: '', args: [], help: false,
  };
  const i = scanOptions(args, 'run', FLAGS, WITH_VALUE, (name) => {
    if (name === '--help' || name === '-h') o.help = true;
    else if (name === '--clear-env') o.clearEnv = true;
    else if (name === '--deterministic') o.deterministic = true;
    else o[name.slice(2) as 'strace' | 'stats' | 'trace'] = true;
  }, (name, value) => {
    if (guestViewOption(o, name, value)) return;
    switch (name) {
      case '--mem': o.memorySize = parseSize(value); break;
      case '--cpu-insns': o.cpuInstructions = parseNumber(value, '--cpu-insns', Number.MAX_SAFE_INTEGER); break;
      case '--cpu-ms': o.cpuMs = parseLimit(value, '--cpu-ms', 'milliseconds of host CPU time, e.g. --cpu-ms 2000'); break;
      case '--max-procs': o.maxProcesses = parseLimit(value, '--max-procs', 'processes, at least 1 (the program itself), e.g. --max-procs 16'); break;
      case '--seed': o.seed = value; break;
    }
  });
  if (i < args.length) {
    o.program = args[i];
    o.args = args.slice(i + 1);
  }
  if (o.program === '' && !o.help) throw new UsageError(`run needs a PROGRAM to run (see 'vxts run --help')`);
  return o;
}

/** The part of `args` that holds vxts's own options (for the CLI's --help check). */
export function optionPart(args: readonly string[]): readonly string[] {
  let i = 0;
  while (i < args.length && args[i] !== '--' && args[i].startsWith('-') && args[i] !== '-') {
    i += WITH_VALUE.has(args[i]) ? 2 : 1;
  }
  return args.slice(0, i);
}

// The vocabulary of the compatibility runner (test/compat/): a program to build, what building
// it gave, and what running it under vxts or qemu-i386 gave.

/** One test program of a suite, as the suite's own rules ask it to be built. */
export interface Program {
  /** 'torture' or 'selftests'. */
  readonly suite: string;
  /** Name inside the suite (the source file's base name). */
  readonly name: string;
  /** Directory the compiler runs in (relative includes resolve from here). */
  readonly dir: string;
  /** Source files, relative to dir. */
  readonly sources: readonly string[];
  /** Compiler flags, in order, before the sources. */
  readonly flags: readonly string[];
  /** Link flags after the sources. */
  readonly libs: readonly string[];
  /** Files whose content the build depends on besides the sources (headers), relative to dir. */
  readonly inputs: readonly string[];
  /** Why the program is not built or run, when it is not. */
  readonly skip?: string;
}

/** A program after the build step: a binary, or the reason there is none. */
export interface Built {
  readonly program: Program;
  /** Path of the static i386 binary, when it built. */
  readonly binary?: string;
  /** The compiler's complaint, first lines, when it did not. */
  readonly buildError?: string;
  /** Cache key of the binary (source + flags + compiler). */
  readonly key: string;
}

/** How one run ended, under either runner. */
export interface RunOutcome {
  readonly code: number | null;
  readonly signal: number | null;
  /** vxts: the Sandbox's exit reason (exit, signal, cpu-limit...); qemu: exit, signal or timeout. */
  readonly reason: string;
  /** vxts: the Sandbox's one-line message (faults, limits). */
  readonly message?: string;
  /** Lines starting with [FAIL] that the program printed. */
  readonly failLines: readonly string[];
  /** The last part of stderr. */
  readonly stderrTail: string;
  /** Host milliseconds (vxts: CPU time charged to the tenant; qemu: wall time). */
  readonly ms: number;
}

/** Pass rule: exit status 0 and no [FAIL] line (torture programs print none). */
export function passed(o: RunOutcome | undefined): boolean {
  return o !== undefined && o.code === 0 && o.failLines.length === 0;
}

/** One line saying how a failing run ended. */
export function describe(o: RunOutcome): string {
  const how = o.code !== null ? `exit ${o.code}` : o.signal !== null ? `signal ${o.signal}` : o.reason;
  const why = o.message ? ` (${o.message})` : '';
  const fails = o.failLines.length > 0 ? `; ${o.failLines.length} [FAIL]: ${o.failLines[0]}` : '';
  return `${how}${o.reason !== 'exit' && o.reason !== 'signal' ? ` [${o.reason}]` : ''}${why}${fails}`;
}

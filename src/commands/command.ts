// The shape every `vxts` subcommand has, and the error type for bad command lines. The CLI entry
// (src/cli.ts) only dispatches; each subcommand lives in its own module under src/commands/.

/** One subcommand: its name, a one-line summary and usage text for help, and its body. */
export interface Command {
  readonly name: string;
  /** `vxts <name> ...` synopsis, e.g. `disasm [--start ADDR] [--count N] PROGRAM`. */
  readonly synopsis: string;
  readonly summary: string;
  /** Option descriptions, one line each, shown by `vxts help` and `vxts <name> --help`. */
  readonly options: readonly string[];
  /** Example command lines, shown by help. */
  readonly examples?: readonly string[];
  /**
   * The leading part of `args` that holds vxts's own options, when the rest belongs to a guest
   * program (so a guest's `--help` is passed on, not taken as a request for vxts's help).
   */
  optionArgs?(args: readonly string[]): readonly string[];
  /** Runs the command; resolves to the process exit status. */
  run(args: readonly string[]): Promise<number>;
}

/**
 * A problem the user can fix by changing the command line or its inputs (bad option, missing
 * file, not an ELF file). The CLI prints its message as `vxts: <message>` and exits 2; anything
 * else escaping a command is a bug in vxts.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses an address or count given as decimal or 0x-hex; rejects anything else. */
export function parseNumber(text: string, what: string, max: number): number {
  const t = text.trim();
  const value = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^[0-9]+$/.test(t) ? parseInt(t, 10) : NaN;
  if (Number.isNaN(value)) throw new UsageError(`${what}: '${text}' is not a number (decimal or 0x-hex)`);
  if (!Number.isSafeInteger(value) || value > max) throw new UsageError(`${what}: ${text} is too large`);
  return value;
}

// Reading a guest program from disk with messages a user can act on. Shared by the subcommands
// that take a PROGRAM argument (disasm now, run later).

import { readFileSync } from 'node:fs';
import { UsageError } from './command.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
};

/**
 * For the commands that run a program: its bytes, or null after printing why it cannot be read
 * (the caller exits 127, as a shell does for a command it cannot run).
 */
export function readProgramOrSay(path: string): Uint8Array | null {
  try {
    return readProgram(path);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`vxts: ${e.message}\n`);
    return null;
  }
}

/** The whole file as bytes; a UsageError naming the path when it cannot be read. */
export function readProgram(path: string): Uint8Array {
  try {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`cannot read ${path}: ${REASONS[code] ?? (err as Error).message}`);
  }
}

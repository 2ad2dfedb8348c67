// `vxts disasm [--start ADDR] [--count N] PROGRAM`: a linear-sweep listing of the executable
// PT_LOAD segments of an i386 ELF file, one line per instruction with all its bytes. Bytes that
// do not decode print as one `(bad)` line each and the sweep resumes at the next byte, as
// objdump does, so the listing always covers every byte of the segment.

import { parseArgs } from 'node:util';
import { decodeInto, formatLine, Instruction } from '../../decoder/index.js';
import { ElfError, parseElf, PF_R, PF_W, PF_X, PT_LOAD, type ElfFile } from '../elf.js';
import { type Command, parseNumber, UsageError } from './command.js';
import { LineWriter } from './output.js';
import { readProgram } from './program.js';

interface CodeSegment {
  readonly vaddr: number;
  readonly flags: number;
  readonly bytes: Uint8Array;
}

/** The PT_LOAD segments with PF_X, in file order, with their file bytes. */
function codeSegments(file: Uint8Array, path: string): CodeSegment[] {
  let elf: ElfFile;
  try {
    elf = parseElf(file);
  } catch (err) {
    if (err instanceof ElfError) throw new UsageError(`${path}: ${err.message}`);
    throw err;
  }
  const segments = elf.programHeaders
    .filter((ph) => ph.type === PT_LOAD && (ph.flags & PF_X) !== 0)
    .map((ph) => ({ vaddr: ph.vaddr, flags: ph.flags, bytes: file.subarray(ph.offset, ph.offset + ph.filesz) }));
  if (segments.length === 0) throw new UsageError(`${path}: no executable PT_LOAD segment`);
  return segments;
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

function header(seg: CodeSegment): string {
  const f = seg.flags;
  const perms = (f & PF_R ? 'r' : '-') + (f & PF_W ? 'w' : '-') + (f & PF_X ? 'x' : '-');
  return `segment ${hex(seg.vaddr)}-${hex(seg.vaddr + seg.bytes.length)} ${perms}`;
}

/**
 * Writes the listing. `start` (if given) must lie inside an executable segment: the sweep begins
 * there and continues through the later segments. `count` limits the instruction lines.
 */
async function sweep(out: LineWriter, segments: CodeSegment[], start: number | undefined, count: number): Promise<void> {
  let first = 0;
  let firstPos = 0;
  if (start !== undefined) {
    first = segments.findIndex((s) => start >= s.vaddr && start < s.vaddr + s.bytes.length);
    if (first < 0) throw new UsageError(`--start ${hex(start)} is not inside an executable segment`);
    firstPos = start - segments[first].vaddr;
  }
  // One Instruction reused for the whole listing: the decoder fills it in place.
  const insn = new Instruction();
  let remaining = count;
  for (let i = first; i < segments.length && remaining > 0 && !out.isClosed; i++) {
    const seg = segments[i];
    const bytes = seg.bytes;
    const end = bytes.length;
    let pos = i === first ? firstPos : 0;
    const wait = out.line(header(seg));
    if (wait) await wait;
    while (pos < end && remaining > 0) {
      decodeInto(insn, bytes, pos, end, (seg.vaddr + pos) >>> 0);
      const pending = out.line(formatLine(insn, bytes, pos));
      pos += insn.error === null ? insn.length : 1;
      remaining--;
      if (pending) {
        await pending;
        if (out.isClosed) return;
      }
    }
  }
}

export const disasm: Command = {
  name: 'disasm',
  synopsis: 'disasm [--start ADDR] [--count N] PROGRAM',
  summary: 'disassemble the executable segments of a static i386 ELF program (linear sweep)',
  options: [
    '--start ADDR   begin at this address (0x-hex or decimal) inside an executable segment',
    '--count N      stop after N instruction lines',
  ],
  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { start: { type: 'string' }, count: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError(`disasm takes one PROGRAM, got ${positionals.length}`);
    const path = positionals[0];
    const start = values.start === undefined ? undefined : parseNumber(values.start, '--start', 0xffff_ffff);
    const count = values.count === undefined ? Infinity : parseNumber(values.count, '--count', Number.MAX_SAFE_INTEGER);
    const segments = codeSegments(readProgram(path), path);
    const out = new LineWriter(process.stdout);
    await sweep(out, segments, start, count);
    await out.end();
    return 0;
  },
};

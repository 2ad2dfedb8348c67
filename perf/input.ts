// The perf suite's input: the executable segments of a committed guest binary (so the suite runs
// on a fresh clone) and the instruction sites of a linear sweep over them. Every benchmark that
// works per instruction uses these same sites, so the rows compare the same work.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Instruction, decodeInto } from '../decoder/index.js';
import { executableSegments, parseElf } from '../src/elf.js';

export interface Segment {
  readonly vaddr: number;
  readonly bytes: Uint8Array;
}

export interface SweepInput {
  /** Path relative to the repository root, for the report. */
  readonly file: string;
  readonly segments: readonly Segment[];
  readonly totalBytes: number;
  /** Sites of the sweep: segment index and offset of each instruction or undecodable byte. */
  readonly siteSegment: Uint16Array;
  readonly siteOffset: Uint32Array;
  readonly instructions: number;
  /** Sites where the decoder found no instruction (the sweep steps one byte). */
  readonly undecodable: number;
}

/** Resolves a repository-relative path from this file's place in dist/perf/ or perf/. */
function repoPath(relative: string): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = /[\\/]dist[\\/]perf[\\/]?$/.test(here) ? new URL('../../', import.meta.url) : new URL('../', import.meta.url);
  return fileURLToPath(new URL(relative, root));
}

export function loadSweepInput(relative = 'guests/bin/hello-glibc'): SweepInput {
  const file = new Uint8Array(readFileSync(repoPath(relative)));
  const segments = executableSegments(parseElf(file), file);
  const segIdx: number[] = [], offsets: number[] = [];
  const insn = new Instruction();
  let undecodable = 0, totalBytes = 0;
  segments.forEach((seg, s) => {
    const b = seg.bytes;
    totalBytes += b.length;
    for (let pos = 0; pos < b.length;) {
      segIdx.push(s);
      offsets.push(pos);
      decodeInto(insn, b, pos, b.length, seg.vaddr + pos);
      if (insn.error === null) pos += insn.length;
      else { undecodable++; pos++; }
    }
  });
  return {
    file: relative, segments, totalBytes,
    siteSegment: Uint16Array.from(segIdx), siteOffset: Uint32Array.from(offsets),
    instructions: offsets.length - undecodable, undecodable,
  };
}

// Decoder throughput benchmarks: linear sweeps over the input's executable segments with the
// public decoder API, alone and with the work that follows decoding in vxts (validation, and
// Intel text as `vxts disasm` prints it, the fair match for capstone, which always makes text).

import { Instruction, decode, decodeInto, formatInstruction, validate } from '../decoder/index.js';
import type { SweepInput } from './input.js';
import type { Benchmark, Work } from './measure.js';

/** Results are folded in here so the JIT cannot drop the work as dead. */
export let sink = 0;

/** One pass over every segment; `visit` sees each decoded instruction. */
function sweepPass(input: SweepInput, insn: Instruction, visit: ((insn: Instruction, bytes: Uint8Array, pos: number) => number) | null): Work {
  let instructions = 0, acc = 0;
  for (const seg of input.segments) {
    const bytes = seg.bytes, end = bytes.length, base = seg.vaddr;
    let pos = 0;
    while (pos < end) {
      decodeInto(insn, bytes, pos, end, base + pos);
      if (insn.error === null) {
        instructions++;
        if (visit !== null) acc += visit(insn, bytes, pos);
        pos += insn.length;
      } else {
        pos++;
      }
    }
  }
  sink ^= acc;
  return { instructions, bytes: input.totalBytes };
}

export function decoderBenchmarks(input: SweepInput): Benchmark[] {
  const insn = new Instruction();
  return [
    {
      name: 'vxts decodeInto (sweep)',
      note: 'linear sweep, one reused Instruction: the translator\'s hot path',
      run: () => sweepPass(input, insn, null),
    },
    {
      name: 'vxts decode (sweep, new object per call)',
      note: 'linear sweep with decode(): one Instruction allocated per instruction',
      run: () => {
        let instructions = 0, acc = 0;
        for (const seg of input.segments) {
          const bytes = seg.bytes, end = bytes.length;
          for (let pos = 0; pos < end;) {
            const d = decode(bytes, pos, seg.vaddr + pos, end);
            if (d.error === null) { instructions++; acc += d.opcode; pos += d.length; } else pos++;
          }
        }
        sink ^= acc;
        return { instructions, bytes: input.totalBytes };
      },
    },
    {
      name: 'vxts decodeInto + validate',
      note: 'decode and give every instruction its verdict, as block building does',
      run: () => sweepPass(input, insn, (i, bytes, pos) => (validate(i, bytes, pos).ok ? 1 : 0)),
    },
    {
      name: 'vxts decodeInto + formatInstruction',
      note: 'decode and make Intel-syntax text: the same output capstone produces',
      run: () => sweepPass(input, insn, (i) => formatInstruction(i).length),
    },
  ];
}

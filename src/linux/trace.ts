// --trace: a block-level execution trace. The run loop runs one block at a time and reports
// each block's entry here; the first visit prints the block's disassembly (decoded from guest
// memory up to its control transfer), later visits one line with the block's address.

import { decodeInto, formatLine, Instruction } from '../../decoder/index.js';
import { MAX_BLOCK_INSTRUCTIONS } from '../../translator/block.js';
import { Perm, PAGE_SHIFT, type Arena } from '../memory/arena.js';

export class BlockTracer {
  private readonly seen = new Set<number>();
  private readonly insn = new Instruction();

  constructor(private readonly out: (line: string) => void, private readonly pid: () => number) {}

  /** Reports that the block at `eip` is about to run. */
  enter(mem: Arena, eip: number): void {
    const head = `[pid ${this.pid()}] block 0x${eip.toString(16).padStart(8, '0')}`;
    if (this.seen.has(eip)) {
      this.out(head);
      return;
    }
    this.seen.add(eip);
    this.out(`${head}:`);
    let pc = eip;
    for (let i = 0; i < MAX_BLOCK_INSTRUCTIONS; i++) {
      const end = this.executableEnd(mem, pc);
      if (end <= pc) break;
      decodeInto(this.insn, mem.u8, pc, end, pc);
      this.out(`    ${formatLine(this.insn, mem.u8, pc)}`);
      if (this.insn.error !== null || this.insn.row === null || this.insn.row.flow !== 'none') break;
      pc += this.insn.length;
    }
  }

  /** End of the executable bytes at `pc`, at most 15 bytes on (one instruction). */
  private executableEnd(mem: Arena, pc: number): number {
    let end = pc;
    while (end < pc + 15 && end < mem.size && (mem.perms[end >>> PAGE_SHIFT] & (Perm.Exec | Perm.Read)) === (Perm.Exec | Perm.Read)) {
      end = Math.min(pc + 15, ((end >>> PAGE_SHIFT) + 1) << PAGE_SHIFT);
    }
    return end;
  }
}

// Reads the parts of an ELF32 i386 file that vxts needs: the header and the program headers.
// Every field is checked against the file's size before use; a malformed file gives an ElfError
// with a message naming the field, never an out-of-range read.

export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
export const ET_EXEC = 2;
export const ET_DYN = 3;

export interface ProgramHeader {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly flags: number;
  readonly align: number;
}

export interface ElfFile {
  readonly type: number;
  readonly entry: number;
  readonly phoff: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly programHeaders: readonly ProgramHeader[];
}

/** Parses and validates an ELF32 little-endian i386 file. */
export function parseElf(bytes: Uint8Array): ElfFile {
  if (bytes.length < 52) throw new ElfError(`file too short for an ELF header (${bytes.length} bytes)`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file (bad magic)');
  }
  if (bytes[4] !== 1) throw new ElfError(`not a 32-bit ELF file (EI_CLASS ${bytes[4]})`);
  if (bytes[5] !== 1) throw new ElfError(`not little-endian (EI_DATA ${bytes[5]})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== 3) throw new ElfError(`not an i386 file (e_machine ${machine})`);
  if (type !== ET_EXEC && type !== ET_DYN) throw new ElfError(`not an executable (e_type ${type})`);
  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum === 0) throw new ElfError('no program headers');
  if (phentsize !== 32) throw new ElfError(`e_phentsize is ${phentsize}, expected 32`);
  if (phoff + phnum * phentsize > bytes.length) {
    throw new ElfError(`program headers (offset ${phoff}, ${phnum} entries) run past the end of the file`);
  }
  const programHeaders: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const ph: ProgramHeader = {
      type: view.getUint32(at, true),
      offset: view.getUint32(at + 4, true),
      vaddr: view.getUint32(at + 8, true),
      filesz: view.getUint32(at + 16, true),
      memsz: view.getUint32(at + 20, true),
      flags: view.getUint32(at + 24, true),
      align: view.getUint32(at + 28, true),
    };
    if (ph.type === PT_LOAD) {
      if (ph.offset + ph.filesz > bytes.length) {
        throw new ElfError(`segment ${i}: file bytes ${ph.offset}+${ph.filesz} run past the end of the file`);
      }
      if (ph.filesz > ph.memsz) throw new ElfError(`segment ${i}: p_filesz ${ph.filesz} exceeds p_memsz ${ph.memsz}`);
      if (ph.vaddr + ph.memsz > 0x1_0000_0000) throw new ElfError(`segment ${i}: wraps past 4 GiB`);
    }
    programHeaders.push(ph);
  }
  return { type, entry, phoff, phentsize, phnum, programHeaders };
}

/** The loadable, executable segments, with their bytes (a view into `bytes`). */
export function executableSegments(elf: ElfFile, bytes: Uint8Array): { vaddr: number; bytes: Uint8Array }[] {
  return elf.programHeaders
    .filter((ph) => ph.type === PT_LOAD && (ph.flags & PF_X) !== 0)
    .map((ph) => ({ vaddr: ph.vaddr, bytes: bytes.subarray(ph.offset, ph.offset + ph.filesz) }));
}

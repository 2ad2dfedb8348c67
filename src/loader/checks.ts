// The first look at a would-be executable: is it an ELF file at all, for this machine, of a kind
// vxts can run? Each refusal is one line that says what the file is and what to do instead,
// which is friendlier than the bare field value a generic ELF reader would report.

import type { ProgramHeader } from '../elf.js';
import { LoadError } from './errors.js';

const MACHINES: Record<number, string> = {
  2: 'SPARC', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC 64', 22: 'S/390', 40: 'ARM', 50: 'IA-64',
  62: 'x86-64', 183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};

export const EHDR_SIZE = 52;
export const PHDR_SIZE = 32;
/** Linux refuses program header tables above 64 KiB (binfmt_elf's load_elf_phdrs). */
export const MAX_PHDR_TABLE = 65536;

/** Checks the identification and the fixed header fields; throws LoadError naming `name`. */
export function checkIdentity(bytes: Uint8Array, name: string): void {
  if (bytes.length >= 2 && bytes[0] === 0x23 && bytes[1] === 0x21) {
    throw new LoadError(`${name} is a script (starts with #!), not an ELF program; run its interpreter (a static i386 build) with the script as an argument`);
  }
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new LoadError(`${name} is not an ELF program (no \\x7fELF magic); vxts runs static i386 Linux executables`);
  }
  if (bytes.length < EHDR_SIZE) {
    throw new LoadError(`${name} is truncated: ${bytes.length} bytes, shorter than an ELF header (52 bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const machine = view.getUint16(18, true);
  if (bytes[4] === 2) {
    const what = MACHINES[machine] ?? `e_machine ${machine}`;
    throw new LoadError(`${name} is a 64-bit ELF program (${what}); vxts runs 32-bit i386 programs (build with i686-linux-gnu-gcc -static or gcc -m32 -static)`);
  }
  if (bytes[4] !== 1) throw new LoadError(`${name} has an invalid ELF class (EI_CLASS ${bytes[4]}); the file is corrupt`);
  if (bytes[5] !== 1) throw new LoadError(`${name} is a big-endian ELF program (EI_DATA ${bytes[5]}); vxts runs little-endian i386 programs`);
  if (bytes[6] !== 1 || view.getUint32(20, true) !== 1) {
    throw new LoadError(`${name} has an unknown ELF version (EI_VERSION ${bytes[6]}, e_version ${view.getUint32(20, true)}); the file is corrupt`);
  }
  if (machine !== 3) {
    const what = MACHINES[machine] ?? `e_machine ${machine}`;
    throw new LoadError(`${name} is built for ${what}, not i386; vxts runs 32-bit x86 (i386) programs`);
  }
  const type = view.getUint16(16, true);
  if (type === 1) throw new LoadError(`${name} is an object file (ET_REL), not an executable; link it (e.g. i686-linux-gnu-gcc -static)`);
  if (type === 4) throw new LoadError(`${name} is a core dump (ET_CORE), not an executable`);
  if (type !== 2 && type !== 3) throw new LoadError(`${name} is not an executable (e_type ${type})`);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum === 0) throw new LoadError(`${name} has no program headers, so nothing to load; the file is not an executable or is corrupt`);
  if (phentsize !== PHDR_SIZE) throw new LoadError(`${name} has e_phentsize ${phentsize}, but i386 program headers are 32 bytes; the file is corrupt`);
  if (phnum * PHDR_SIZE > MAX_PHDR_TABLE) {
    throw new LoadError(`${name} has ${phnum} program headers, more than Linux accepts (${MAX_PHDR_TABLE / PHDR_SIZE}); the file is corrupt`);
  }
  if (phoff + phnum * PHDR_SIZE > bytes.length) {
    throw new LoadError(`${name} is truncated: its program headers (offset ${phoff}, ${phnum} × 32 bytes) end past the end of the file (${bytes.length} bytes)`);
  }
}

/** The PT_INTERP path, printable, for the "dynamically linked" message. */
export function interpreterName(bytes: Uint8Array, offset: number, size: number): string {
  const end = Math.min(bytes.length, offset + Math.min(size, 256));
  let s = '';
  for (let i = offset; i < end && bytes[i] !== 0; i++) {
    const c = bytes[i];
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

/**
 * The program headers, read without judging them (checkIdentity has bounded the table), so the
 * loader can give its own specific message before src/elf.ts's generic ones.
 */
export function readProgramHeaders(bytes: Uint8Array): ProgramHeader[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = view.getUint32(28, true);
  const phnum = view.getUint16(44, true);
  const out: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_SIZE;
    out.push({
      type: view.getUint32(at, true), offset: view.getUint32(at + 4, true), vaddr: view.getUint32(at + 8, true),
      filesz: view.getUint32(at + 16, true), memsz: view.getUint32(at + 20, true),
      flags: view.getUint32(at + 24, true), align: view.getUint32(at + 28, true),
    });
  }
  return out;
}

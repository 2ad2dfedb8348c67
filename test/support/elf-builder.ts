// Builds small ELF32 i386 files in memory for loader and personality tests: well-formed ones
// around a piece of code, and deliberately broken ones (each field can be overridden).

export const PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551;
export const PF_X = 1, PF_W = 2, PF_R = 4;

export interface PhdrSpec {
  type?: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
  align?: number;
}

export interface ElfSpec {
  type?: number;
  machine?: number;
  elfClass?: number;
  data?: number;
  version?: number;
  entry: number;
  phoff?: number;
  phentsize?: number;
  phnum?: number;
  phdrs: PhdrSpec[];
  /** Total file size (default: big enough for every header and segment). */
  size?: number;
  /** Bytes to place at file offsets. */
  contents?: [number, Uint8Array][];
}

export function buildElf(spec: ElfSpec): Uint8Array {
  const phoff = spec.phoff ?? 52;
  const needed = Math.max(phoff + spec.phdrs.length * 32, ...spec.phdrs.map((p) => p.offset + p.filesz), ...(spec.contents ?? []).map(([o, b]) => o + b.length));
  const bytes = new Uint8Array(spec.size ?? needed);
  const v = new DataView(bytes.buffer);
  const put = (at: number, f: () => void): void => { if (at < bytes.length) f(); };
  bytes.set([0x7f, 0x45, 0x4c, 0x46].slice(0, bytes.length));
  put(4, () => { bytes[4] = spec.elfClass ?? 1; });
  put(5, () => { bytes[5] = spec.data ?? 1; });
  put(6, () => { bytes[6] = spec.version ?? 1; });
  if (bytes.length >= 52) {
    v.setUint16(16, spec.type ?? 2, true);
    v.setUint16(18, spec.machine ?? 3, true);
    v.setUint32(20, spec.version ?? 1, true);
    v.setUint32(24, spec.entry, true);
    v.setUint32(28, phoff, true);
    v.setUint16(40, 52, true);
    v.setUint16(42, spec.phentsize ?? 32, true);
    v.setUint16(44, spec.phnum ?? spec.phdrs.length, true);
  }
  spec.phdrs.forEach((p, i) => {
    const at = phoff + i * 32;
    if (at + 32 > bytes.length) return;
    v.setUint32(at, p.type ?? PT_LOAD, true);
    v.setUint32(at + 4, p.offset, true);
    v.setUint32(at + 8, p.vaddr, true);
    v.setUint32(at + 12, p.vaddr, true);
    v.setUint32(at + 16, p.filesz, true);
    v.setUint32(at + 20, p.memsz, true);
    v.setUint32(at + 24, p.flags, true);
    v.setUint32(at + 28, p.align ?? 0x1000, true);
  });
  for (const [o, b] of spec.contents ?? []) if (o + b.length <= bytes.length) bytes.set(b, o);
  return bytes;
}

export const TEXT = 0x0804_9000;
export const DATA = 0x0804_a000;

/**
 * A well-formed static executable: headers in a read-only page at 0x08048000, `code` at
 * TEXT (r-x), and a data segment at DATA with `data` followed by `bss` zero bytes (rw-).
 */
export function simpleProgram(code: Uint8Array, o: { data?: Uint8Array; bss?: number; type?: number; extra?: PhdrSpec[] } = {}): Uint8Array {
  const data = o.data ?? new Uint8Array(16).fill(0xaa);
  return buildElf({
    type: o.type,
    entry: TEXT,
    phdrs: [
      { offset: 0, vaddr: 0x0804_8000, filesz: 0x100, memsz: 0x100, flags: PF_R },
      { offset: 0x1000, vaddr: TEXT, filesz: code.length, memsz: code.length, flags: PF_R | PF_X },
      { offset: 0x2000, vaddr: DATA, filesz: data.length, memsz: data.length + (o.bss ?? 0x100), flags: PF_R | PF_W },
      { type: PT_GNU_STACK, offset: 0, vaddr: 0, filesz: 0, memsz: 0, flags: PF_R | PF_W },
      ...(o.extra ?? []),
    ],
    contents: [[0x1000, code], [0x2000, data]],
  });
}

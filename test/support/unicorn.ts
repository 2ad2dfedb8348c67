// A binding to Unicorn 2 (libunicorn.so.2, Debian's libunicorn2) through the koffi FFI package:
// the oracle of the translator's instruction-level differential test (test/support/compare.ts).
// Only what the harness needs: one 32-bit x86 engine, page mappings, register access, single
// instructions with an interrupt hook, and Unicorn's outcome mapped to our fault model.
//
// Constants come from Unicorn's public headers (include/unicorn/unicorn.h and x86.h; the same
// values are in bindings/python/unicorn/unicorn_const.py and x86_const.py): enum uc_x86_reg
// counts from UC_X86_REG_INVALID = 0 in header order, so EAX = 19 ... FPTAG = 247.
//
// The engine runs the guest the way Linux runs an i386 process: a flat GDT with the Linux
// user selectors (__USER_CS 0x73, __USER_DS 0x7b, as vxts reports them), entered at CPL 3 by
// an IRET from a setup stub, so segment pushes, POPF and privileged forms behave as in user
// mode. Unicorn never delivers interrupts through the IDT: the UC_HOOK_INTR hook records the
// vector and stops emulation; #UD ends emu_start with UC_ERR_INSN_INVALID.

/** include/unicorn/unicorn.h */
export const UC_ARCH_X86 = 4;
export const UC_MODE_32 = 1 << 2;
export const UC_PROT_NONE = 0, UC_PROT_READ = 1, UC_PROT_WRITE = 2, UC_PROT_EXEC = 4;
export const UC_HOOK_INTR = 1 << 0, UC_HOOK_CODE = 1 << 2;
export const UC_HOOK_MEM_READ_UNMAPPED = 1 << 4, UC_HOOK_MEM_WRITE_UNMAPPED = 1 << 5, UC_HOOK_MEM_FETCH_UNMAPPED = 1 << 6;
export const UC_HOOK_MEM_READ_PROT = 1 << 7, UC_HOOK_MEM_WRITE_PROT = 1 << 8, UC_HOOK_MEM_FETCH_PROT = 1 << 9;
export const UC_HOOK_MEM_INVALID = 0x3f0;
/** uc_ctl codes: UC_CTL(type, nr, rw) = type | nr << 26 | rw << 30; UC_CTL_TB_REMOVE_CACHE = 9, UC_CTL_IO_WRITE = 1. */
export const UC_CTL_TB_REMOVE_CACHE_WRITE = (9 | (2 << 26) | (1 << 30)) >>> 0;

/** uc_err */
export const enum UcErr {
  OK = 0, NOMEM = 1, ARCH = 2, HANDLE = 3, MODE = 4, VERSION = 5,
  READ_UNMAPPED = 6, WRITE_UNMAPPED = 7, FETCH_UNMAPPED = 8, HOOK = 9, INSN_INVALID = 10, MAP = 11,
  WRITE_PROT = 12, READ_PROT = 13, FETCH_PROT = 14, ARG = 15,
  READ_UNALIGNED = 16, WRITE_UNALIGNED = 17, FETCH_UNALIGNED = 18, HOOK_EXIST = 19, RESOURCE = 20, EXCEPTION = 21,
}

/** uc_mem_type, as passed to UC_HOOK_MEM_* callbacks. */
export const enum UcMem {
  READ = 16, WRITE = 17, FETCH = 18, READ_UNMAPPED = 19, WRITE_UNMAPPED = 20, FETCH_UNMAPPED = 21,
  WRITE_PROT = 22, READ_PROT = 23, FETCH_PROT = 24, READ_AFTER = 25,
}

/** enum uc_x86_reg (include/unicorn/x86.h). */
export const UC_X86_REG = {
  AH: 1, AL: 2, AX: 3, CS: 11, DS: 17,
  EAX: 19, EBP: 20, EBX: 21, ECX: 22, EDI: 23, EDX: 24, EFLAGS: 25, EIP: 26,
  ES: 28, ESI: 29, ESP: 30, FPSW: 31, FS: 32, GS: 33, SS: 49,
  /** FP0..FP7: the physical x87 registers R0..R7 (uc_x86_float80: 64-bit significand, 16-bit sign+exponent). */
  FP0: 82,
  /** ST0..ST7: the registers relative to TOP. */
  ST0: 114,
  GDTR: 243, FPCW: 246, FPTAG: 247,
} as const;

/** Our register numbering (EAX..EDI = 0..7) to Unicorn's. */
export const GPR_IDS = [UC_X86_REG.EAX, UC_X86_REG.ECX, UC_X86_REG.EDX, UC_X86_REG.EBX, UC_X86_REG.ESP, UC_X86_REG.EBP, UC_X86_REG.ESI, UC_X86_REG.EDI];

/** x86 exception vectors Unicorn reports through UC_HOOK_INTR. */
export const INT_DE = 0, INT_DB = 1, INT_BP = 3, INT_OF = 4, INT_BR = 5, INT_UD = 6, INT_NM = 7, INT_NP = 11, INT_SS = 12, INT_GP = 13,
  INT_PF = 14, INT_MF = 16, INT_AC = 17, INT_SYSCALL = 0x80;

const SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;

/** Where Unicorn stopped, in our fault model (see Machine.run's RunResult). */
export type UnicornEvent =
  | { readonly kind: 'none' }
  | { readonly kind: 'syscall' }
  | { readonly kind: 'signal'; readonly signal: number; readonly address: number | null; readonly what: string };

export interface UnicornRun {
  readonly event: UnicornEvent;
  /** The instruction after the step began (so the step's instructions all retired). */
  readonly nextStarted: boolean;
  /** uc_emu_start's return code and the vector of the interrupt hook, for messages. */
  readonly err: number;
  readonly intno: number;
}

/** Linux's signal for an x86 exception vector taken in user mode (arch/x86/kernel/traps.c). */
export function signalOfVector(vector: number): number {
  switch (vector) {
    case INT_DE: case INT_MF: return SIGFPE;
    case INT_DB: case INT_BP: return SIGTRAP;
    case INT_UD: return SIGILL;
    case INT_AC: return SIGBUS;
    case INT_NM: return SIGFPE; // not reachable with CR0.EM/TS clear
    default: return SIGSEGV; // #OF (INTO), #BR (BOUND), #NP, #SS, #GP, #PF: SIGSEGV
  }
}

interface Koffi {
  alloc(type: string, count: number): bigint;
  free(p: bigint): void;
  view(p: bigint, length: number): ArrayBuffer;
  load(path: string): { func(proto: string): (...args: unknown[]) => unknown };
  proto(decl: string): unknown;
  pointer(t: unknown): unknown;
  register(fn: (...args: never[]) => unknown, type: unknown): bigint;
  unregister(p: bigint): void;
  decode(p: unknown, type: string): unknown;
}

let koffi: Koffi | null = null;
let lib: ReturnType<Koffi['load']> | null = null;

/** The library file name (CI installs Debian's libunicorn2). */
export const UNICORN_LIBRARY = process.env.VXTS_UNICORN_LIB ?? 'libunicorn.so.2';

/** True when koffi and libunicorn.so.2 load; `reason` says why not. */
export function unicornAvailable(): { ok: boolean; reason: string } {
  try {
    loadLibrary();
    return { ok: true, reason: '' };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

function loadLibrary(): ReturnType<Koffi['load']> {
  if (lib !== null) return lib;
  // Loaded lazily, so importing this file costs nothing when the oracle is not used.
  koffi = require('koffi') as Koffi;
  lib = koffi.load(UNICORN_LIBRARY);
  return lib;
}

type Fn = (...args: unknown[]) => number;

interface Api {
  version: Fn;
  open: Fn;
  close: Fn;
  errno: Fn;
  strerror: (code: number) => string;
  memMap: Fn;
  memMapPtr: Fn;
  memUnmap: Fn;
  memProtect: Fn;
  memWrite: Fn;
  memRead: Fn;
  regWrite: Fn;
  regRead: Fn;
  emuStart: Fn;
  emuStop: Fn;
  hookAdd: Fn;
  ctl: Fn;
  contextAlloc: Fn;
  contextSave: Fn;
  contextRestore: Fn;
  free: Fn;
}

let api: Api | null = null;

function bind(): Api {
  if (api !== null) return api;
  const l = loadLibrary();
  const k = koffi!;
  k.proto('void UcIntrCb(void *uc, uint32_t intno, void *user)');
  k.proto('void UcCodeCb(void *uc, uint64_t address, uint32_t size, void *user)');
  k.proto('bool UcMemCb(void *uc, int type, uint64_t address, int size, int64_t value, void *user)');
  api = {
    version: l.func('unsigned int uc_version(unsigned int *major, unsigned int *minor)') as Fn,
    open: l.func('int uc_open(int arch, int mode, _Out_ void **uc)') as Fn,
    close: l.func('int uc_close(void *uc)') as Fn,
    errno: l.func('int uc_errno(void *uc)') as Fn,
    strerror: l.func('const char *uc_strerror(int code)') as (code: number) => string,
    memMap: l.func('int uc_mem_map(void *uc, uint64_t address, size_t size, uint32_t perms)') as Fn,
    memMapPtr: l.func('int uc_mem_map_ptr(void *uc, uint64_t address, size_t size, uint32_t perms, void *ptr)') as Fn,
    memUnmap: l.func('int uc_mem_unmap(void *uc, uint64_t address, size_t size)') as Fn,
    memProtect: l.func('int uc_mem_protect(void *uc, uint64_t address, size_t size, uint32_t perms)') as Fn,
    memWrite: l.func('int uc_mem_write(void *uc, uint64_t address, const void *bytes, size_t size)') as Fn,
    memRead: l.func('int uc_mem_read(void *uc, uint64_t address, _Out_ void *bytes, size_t size)') as Fn,
    regWrite: l.func('int uc_reg_write(void *uc, int regid, const void *value)') as Fn,
    regRead: l.func('int uc_reg_read(void *uc, int regid, _Out_ void *value)') as Fn,
    emuStart: l.func('int uc_emu_start(void *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)') as Fn,
    emuStop: l.func('int uc_emu_stop(void *uc)') as Fn,
    hookAdd: l.func('int uc_hook_add(void *uc, _Out_ size_t *hh, int type, void *callback, void *user, uint64_t begin, uint64_t end, ...)') as Fn,
    ctl: l.func('int uc_ctl(void *uc, uint32_t control, ...)') as Fn,
    contextAlloc: l.func('int uc_context_alloc(void *uc, _Out_ void **context)') as Fn,
    contextSave: l.func('int uc_context_save(void *uc, void *context)') as Fn,
    contextRestore: l.func('int uc_context_restore(void *uc, void *context)') as Fn,
    free: l.func('int uc_free(void *mem)') as Fn,
  };
  return api;
}

/** "major.minor" of the loaded library (uc_version). */
export function unicornVersion(): string {
  const a = bind();
  const v = a.version(null, null) >>> 0;
  return `${(v >> 24) & 0xff}.${(v >> 16) & 0xff}.${(v >> 8) & 0xff}`;
}

function check(what: string, err: number): void {
  if (err !== 0) throw new Error(`unicorn: ${what}: ${bind().strerror(err)} (${err})`);
}

// GDT layout for the flat user model: entries 14 (0x73, code) and 15 (0x7b, data), DPL 3,
// plus a DPL-0 data segment at entry 2 for the setup stub's own stack.
const GDT_ENTRIES = 16;
const USER_CS = 0x73, USER_DS = 0x7b, KERNEL_DS = 0x10;

function descriptor(type: number, dpl: number): [number, number] {
  // base 0, limit 0xfffff pages (4 GiB), G=1, D/B=1, P=1, S=1.
  const lo = 0x0000ffff;
  const hi = (0xf << 16) | (1 << 23) | (1 << 22) | (1 << 15) | (dpl << 13) | (1 << 12) | (type << 8);
  return [lo, hi >>> 0];
}

/** Memory region of the engine, remembered to reset it between cases. */
interface Region { address: number; size: number; perms: number }

/**
 * One Unicorn engine in 32-bit protected mode at CPL 3 with flat Linux user segments. The
 * system area (GDT, setup stub and its stack) lives at `systemBase`, away from the guest's pages.
 */
export class UnicornX86 {
  private readonly uc: unknown;
  private readonly a: Api;
  private readonly u32 = new Uint32Array(1);
  private readonly u16 = new Uint16Array(1);
  private readonly f80 = new Uint8Array(10);
  private readonly regions: Region[] = [];
  private readonly hooks: bigint[] = [];
  /** Interrupt vector seen by the hook in the current run, or -1. */
  private intno = -1;
  /** Bad memory access seen by the hook in the current run. */
  private memFault: { type: number; address: number } | null = null;
  private starts = 0;
  private startEip = 0;
  private stopAfter = 1;
  private repLimit = 0;
  private nextStarted = false;
  private readonly systemBase: number;

  constructor(systemBase = 0xfff0_0000) {
    this.a = bind();
    this.systemBase = systemBase;
    const out: unknown[] = [null];
    check('uc_open', this.a.open(UC_ARCH_X86, UC_MODE_32, out));
    this.uc = out[0];
    this.installHooks();
    this.enterUserMode();
  }

  private installHooks(): void {
    const k = koffi!;
    const hh = [0];
    const intr = k.register((_uc: unknown, intno: number) => {
      this.intno = intno;
      this.a.emuStop(this.uc);
    }, k.pointer('UcIntrCb'));
    check('uc_hook_add(INTR)', this.a.hookAdd(this.uc, hh, UC_HOOK_INTR, intr, null, 1, 0));
    const mem = k.register((_uc: unknown, type: number, address: bigint | number) => {
      if (this.memFault === null) this.memFault = { type, address: Number(BigInt(address) & 0xffffffffn) };
      return false;
    }, k.pointer('UcMemCb'));
    check('uc_hook_add(MEM_INVALID)', this.a.hookAdd(this.uc, hh, UC_HOOK_MEM_INVALID, mem, null, 1, 0));
    // Counts instruction starts: the hook runs before each instruction, so the one after the
    // budget stops emulation before it executes (and we learn that the previous one retired).
    // In REP mode the instruction restarts itself once per iteration (QEMU loops through the
    // same EIP): only a start at another address ends the step.
    const code = k.register((_uc: unknown, address: bigint | number) => {
      const a = Number(BigInt(address) & 0xffffffffn);
      if (this.starts === 0) { this.startEip = a; this.starts = 1; return; }
      if (this.repLimit > 0 && a === this.startEip && this.starts <= this.repLimit) { this.starts++; return; }
      if (this.starts >= this.stopAfter || this.repLimit > 0) {
        this.nextStarted = true;
        this.a.emuStop(this.uc);
        return;
      }
      this.starts++;
    }, k.pointer('UcCodeCb'));
    check('uc_hook_add(CODE)', this.a.hookAdd(this.uc, hh, UC_HOOK_CODE, code, null, 1, 0));
    this.hooks.push(intr, mem, code);
  }

  /** Builds the GDT and IRETs from a CPL-0 stub to CPL 3 with CS 0x73 and SS/DS/ES 0x7b. */
  private enterUserMode(): void {
    const base = this.systemBase;
    this.mapRaw(base, 0x3000, UC_PROT_READ | UC_PROT_WRITE | UC_PROT_EXEC);
    const gdt = new DataView(new ArrayBuffer(GDT_ENTRIES * 8));
    const put = (i: number, [lo, hi]: [number, number]) => { gdt.setUint32(i * 8, lo, true); gdt.setUint32(i * 8 + 4, hi, true); };
    put(KERNEL_DS >> 3, descriptor(0x3, 0)); // data RW accessed, DPL 0
    put(1, descriptor(0xb, 0)); // code RX accessed, DPL 0
    put(USER_CS >> 3, descriptor(0xb, 3));
    put(USER_DS >> 3, descriptor(0x3, 3));
    this.write(base, new Uint8Array(gdt.buffer));
    // uc_x86_mmr { uint16_t selector; uint64_t base; uint32_t limit; uint32_t flags; }: 24 bytes.
    const mmr = new DataView(new ArrayBuffer(24));
    mmr.setBigUint64(8, BigInt(base), true);
    mmr.setUint32(16, GDT_ENTRIES * 8 - 1, true);
    check('reg_write GDTR', this.a.regWrite(this.uc, UC_X86_REG.GDTR, new Uint8Array(mmr.buffer)));
    this.setSeg(UC_X86_REG.SS, KERNEL_DS);
    this.setSeg(UC_X86_REG.DS, KERNEL_DS);
    this.setSeg(UC_X86_REG.ES, KERNEL_DS);
    this.setSeg(UC_X86_REG.CS, 0x08);
    // Stub: IRETD with the frame EIP, CS, EFLAGS, ESP, SS already on the stack.
    const stub = base + 0x1000, stack = base + 0x2ff0, landing = stub + 0x10;
    this.write(stub, Uint8Array.of(0xcf));
    this.write(landing, Uint8Array.of(0x90));
    const frame = new DataView(new ArrayBuffer(20));
    frame.setUint32(0, landing, true);
    frame.setUint32(4, USER_CS, true);
    frame.setUint32(8, 0x202, true);
    frame.setUint32(12, stack, true);
    frame.setUint32(16, USER_DS, true);
    this.write(stack - 20, new Uint8Array(frame.buffer));
    this.setReg(UC_X86_REG.ESP, stack - 20);
    const r = this.step(stub, 1);
    if (r.event.kind !== 'none' || this.reg(UC_X86_REG.EIP) !== landing) {
      throw new Error(`unicorn: could not enter user mode (${JSON.stringify(r)}, eip 0x${this.reg(UC_X86_REG.EIP).toString(16)})`);
    }
    this.setSeg(UC_X86_REG.DS, USER_DS);
    this.setSeg(UC_X86_REG.ES, USER_DS);
    // FS and GS stay null, as vxts starts them.
    this.setSeg(UC_X86_REG.FS, 0);
    this.setSeg(UC_X86_REG.GS, 0);
    // The system area stays readable (descriptor loads read the GDT; every descriptor already
    // has its accessed bit) but is neither writable nor executable for the guest.
    this.protect(base, 0x3000, UC_PROT_READ);
  }

  private setSeg(reg: number, selector: number): void {
    this.u16[0] = selector;
    check(`reg_write seg ${reg}`, this.a.regWrite(this.uc, reg, this.u16));
  }

  /** Segment selector (ES CS SS DS FS GS in our numbering 0..5). */
  seg(n: number): number {
    const id = [UC_X86_REG.ES, UC_X86_REG.CS, UC_X86_REG.SS, UC_X86_REG.DS, UC_X86_REG.FS, UC_X86_REG.GS][n];
    this.u16[0] = 0;
    check('reg_read seg', this.a.regRead(this.uc, id, this.u16));
    return this.u16[0];
  }

  /** Puts the segment registers back to the flat user model (a case may have loaded one). */
  resetSegments(): void {
    for (const [n, id, sel] of [[0, UC_X86_REG.ES, USER_DS], [2, UC_X86_REG.SS, USER_DS], [3, UC_X86_REG.DS, USER_DS], [4, UC_X86_REG.FS, 0], [5, UC_X86_REG.GS, 0]] as const) {
      if (this.seg(n) !== sel) this.setSeg(id, sel);
    }
  }

  private mapRaw(address: number, size: number, perms: number): void {
    check(`uc_mem_map 0x${address.toString(16)}`, this.a.memMap(this.uc, address, size, perms));
  }

  /** Maps pages (zero-filled) and remembers them for unmapAll. */
  map(address: number, size: number, perms: number): void {
    this.mapRaw(address, size, perms);
    this.regions.push({ address, size, perms });
  }

  private readonly hostBlocks: bigint[] = [];

  /**
   * Maps pages backed by host memory the caller reads and writes directly (uc_mem_map_ptr):
   * no uc_mem_write/uc_mem_read per case. Returns the view, page-aligned, `size` bytes.
   */
  mapHost(address: number, size: number, perms: number): Uint8Array {
    const k = koffi!;
    const block = k.alloc('uint8_t', size + 0x1000);
    this.hostBlocks.push(block);
    const aligned = (block + 0xfffn) & ~0xfffn;
    check(`uc_mem_map_ptr 0x${address.toString(16)}`, this.a.memMapPtr(this.uc, address, size, perms, aligned));
    this.regions.push({ address, size, perms });
    return new Uint8Array(k.view(block, size + 0x1000), Number(aligned - block), size);
  }

  /** Unmaps every region mapped with `map` (the system area stays). */
  unmapAll(): void {
    for (const r of this.regions) check('uc_mem_unmap', this.a.memUnmap(this.uc, r.address, r.size));
    this.regions.length = 0;
  }

  protect(address: number, size: number, perms: number): void {
    check('uc_mem_protect', this.a.memProtect(this.uc, address, size, perms));
  }

  /**
   * Drops Unicorn's translations of [begin, end): uc_mem_write does not invalidate translated
   * code in Unicorn 2.0, so code rewritten between cases must be flushed (uc_ctl_remove_cache).
   */
  private saved: unknown = null;

  /** Saves the CPU context (uc_context_save), to be restored before each case. */
  saveContext(): void {
    if (this.saved === null) {
      const out: unknown[] = [null];
      check('uc_context_alloc', this.a.contextAlloc(this.uc, out));
      this.saved = out[0];
    }
    check('uc_context_save', this.a.contextSave(this.uc, this.saved));
  }

  restoreContext(): void {
    check('uc_context_restore', this.a.contextRestore(this.uc, this.saved));
  }

  invalidateCode(begin: number, end: number): void {
    check('uc_ctl_remove_cache', this.a.ctl(this.uc, UC_CTL_TB_REMOVE_CACHE_WRITE, 'uint64_t', begin, 'uint64_t', end));
  }

  write(address: number, bytes: Uint8Array): void {
    check(`uc_mem_write 0x${address.toString(16)}`, this.a.memWrite(this.uc, address, bytes, bytes.length));
  }

  read(address: number, into: Uint8Array): Uint8Array {
    check(`uc_mem_read 0x${address.toString(16)}`, this.a.memRead(this.uc, address, into, into.length));
    return into;
  }

  reg(id: number): number {
    this.u32[0] = 0;
    check(`reg_read ${id}`, this.a.regRead(this.uc, id, this.u32));
    return this.u32[0];
  }

  setReg(id: number, value: number): void {
    this.u32[0] = value >>> 0;
    check(`reg_write ${id}`, this.a.regWrite(this.uc, id, this.u32));
  }

  reg16(id: number): number {
    this.u16[0] = 0;
    check(`reg_read ${id}`, this.a.regRead(this.uc, id, this.u16));
    return this.u16[0];
  }

  setReg16(id: number, value: number): void {
    this.u16[0] = value;
    check(`reg_write ${id}`, this.a.regWrite(this.uc, id, this.u16));
  }

  /** An 80-bit x87 register (FP0+i physical, ST0+i relative): sign+exponent, significand hi, lo. */
  readFloat80(id: number): [number, number, number] {
    check('reg_read fp', this.a.regRead(this.uc, id, this.f80));
    const b = this.f80;
    const lo = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    const hi = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
    return [b[8] | (b[9] << 8), hi, lo];
  }

  writeFloat80(id: number, signExp: number, hi: number, lo: number): void {
    const b = this.f80;
    for (let i = 0; i < 4; i++) { b[i] = (lo >>> (8 * i)) & 0xff; b[4 + i] = (hi >>> (8 * i)) & 0xff; }
    b[8] = signExp & 0xff; b[9] = (signExp >> 8) & 0xff;
    check('reg_write fp', this.a.regWrite(this.uc, id, b));
  }

  /**
   * Runs from `eip` until the instruction after `mode` instructions starts (or, in REP mode,
   * until an instruction other than the first one starts: REP string instructions restart
   * themselves once per iteration), and says how it stopped, in our fault model:
   * memory faults are SIGSEGV with the address, #UD SIGILL, #DE SIGFPE, INT3 SIGTRAP, INT 0x80 a
   * system call, other vectors the signal Linux sends for them.
   */
  step(eip: number, mode: number | { sameAddress: number } = 1): UnicornRun {
    this.intno = -1;
    this.memFault = null;
    this.starts = 0;
    this.nextStarted = false;
    this.stopAfter = typeof mode === 'number' ? mode : 1;
    this.repLimit = typeof mode === 'number' ? 0 : mode.sameAddress;
    const err = this.a.emuStart(this.uc, eip >>> 0, 0, 0, 0);
    // (The hooks set these fields during emuStart: read them through a widened type.)
    const nextStarted = this.nextStarted as boolean;
    const intno = this.intno as number;
    const memFault = this.memFault as { type: number; address: number } | null;
    if (intno === INT_SYSCALL) return { event: { kind: 'syscall' }, nextStarted, err, intno };
    if (intno >= 0) {
      return { event: { kind: 'signal', signal: signalOfVector(intno), address: null, what: `interrupt ${intno}` }, nextStarted, err, intno };
    }
    switch (err) {
      case UcErr.OK:
        return { event: { kind: 'none' }, nextStarted, err, intno };
      case UcErr.READ_UNMAPPED: case UcErr.WRITE_UNMAPPED: case UcErr.FETCH_UNMAPPED:
      case UcErr.READ_PROT: case UcErr.WRITE_PROT: case UcErr.FETCH_PROT: {
        const address = memFault !== null ? memFault.address : null;
        return { event: { kind: 'signal', signal: SIGSEGV, address, what: this.a.strerror(err) }, nextStarted, err, intno };
      }
      case UcErr.INSN_INVALID:
        return { event: { kind: 'signal', signal: SIGILL, address: null, what: this.a.strerror(err) }, nextStarted, err, intno };
      case UcErr.READ_UNALIGNED: case UcErr.WRITE_UNALIGNED: case UcErr.FETCH_UNALIGNED:
        return { event: { kind: 'signal', signal: SIGBUS, address: null, what: this.a.strerror(err) }, nextStarted, err, intno };
      default:
        return { event: { kind: 'signal', signal: -err, address: null, what: this.a.strerror(err) }, nextStarted, err, intno };
    }
  }

  close(): void {
    check('uc_close', this.a.close(this.uc));
    for (const h of this.hooks) koffi!.unregister(h);
    this.hooks.length = 0;
    for (const b of this.hostBlocks) koffi!.free(b);
    this.hostBlocks.length = 0;
  }
}

export { SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP };

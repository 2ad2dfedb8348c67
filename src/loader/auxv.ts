// The ELF auxiliary vector entries vxts passes (include/uapi/linux/auxvec.h numbering, the
// System V i386 ABI) and the order Linux writes them in for an i386 task, so that a program
// dumping its auxv (LD_SHOW_AUXV, /proc/self/auxv) sees the familiar sequence.

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
  AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15,
  AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31;

export const AUXV_NAMES: Record<number, string> = {
  [AT_NULL]: 'AT_NULL', [AT_PHDR]: 'AT_PHDR', [AT_PHENT]: 'AT_PHENT', [AT_PHNUM]: 'AT_PHNUM',
  [AT_PAGESZ]: 'AT_PAGESZ', [AT_BASE]: 'AT_BASE', [AT_FLAGS]: 'AT_FLAGS', [AT_ENTRY]: 'AT_ENTRY',
  [AT_UID]: 'AT_UID', [AT_EUID]: 'AT_EUID', [AT_GID]: 'AT_GID', [AT_EGID]: 'AT_EGID',
  [AT_PLATFORM]: 'AT_PLATFORM', [AT_HWCAP]: 'AT_HWCAP', [AT_CLKTCK]: 'AT_CLKTCK', [AT_SECURE]: 'AT_SECURE',
  [AT_RANDOM]: 'AT_RANDOM', [AT_HWCAP2]: 'AT_HWCAP2', [AT_EXECFN]: 'AT_EXECFN',
};

/** USER_HZ: what times() and clock_t count in. */
export const CLOCK_TICKS = 100;
export const PLATFORM = 'i686';

export interface AuxvInput {
  readonly hwcap: number;
  readonly phdr: number | null;
  readonly phnum: number;
  readonly entry: number;
  readonly uid: number;
  readonly euid: number;
  readonly gid: number;
  readonly egid: number;
  /** Guest addresses of the strings and bytes the stack builder placed. */
  readonly randomAddress: number;
  readonly execfnAddress: number;
  readonly platformAddress: number;
}

/** The (type, value) pairs, AT_NULL last. AT_PHDR/PHENT/PHNUM come together or not at all. */
export function auxvEntries(a: AuxvInput): [number, number][] {
  const v: [number, number][] = [[AT_HWCAP, a.hwcap], [AT_PAGESZ, 4096], [AT_CLKTCK, CLOCK_TICKS]];
  if (a.phdr !== null) v.push([AT_PHDR, a.phdr], [AT_PHENT, 32], [AT_PHNUM, a.phnum]);
  v.push(
    [AT_BASE, 0], [AT_FLAGS, 0], [AT_ENTRY, a.entry],
    [AT_UID, a.uid], [AT_EUID, a.euid], [AT_GID, a.gid], [AT_EGID, a.egid], [AT_SECURE, 0],
    [AT_RANDOM, a.randomAddress], [AT_HWCAP2, 0], [AT_EXECFN, a.execfnAddress], [AT_PLATFORM, a.platformAddress],
    [AT_NULL, 0],
  );
  return v;
}

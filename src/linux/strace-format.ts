// Value formatting for --strace, in strace's style: strings quoted with C escapes (octal for
// other bytes, padded to three digits only when a digit follows) and cut after 32 bytes with
// `...`, flag words as NAME|NAME|0x.., pointers as 0x.. or NULL.

/** Bytes shown of a data buffer before `...` (strace's default -s 32). */
export const STRING_LIMIT = 32;

const ESCAPES: Record<number, string> = { 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

/** A quoted, escaped string of `bytes`; `...` follows when `truncated`. */
export function quote(bytes: Uint8Array, truncated = false): string {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    const esc = ESCAPES[c];
    if (esc !== undefined) s += esc;
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else {
      const next = i + 1 < bytes.length ? bytes[i + 1] : -1;
      s += '\\' + (next >= 0x30 && next <= 0x37 ? c.toString(8).padStart(3, '0') : c.toString(8));
    }
  }
  return s + '"' + (truncated ? '...' : '');
}

export const hex = (n: number): string => (n === 0 ? '0' : `0x${(n >>> 0).toString(16)}`);
export const pointer = (n: number): string => (n === 0 ? 'NULL' : `0x${(n >>> 0).toString(16)}`);
export const octal = (n: number): string => (n === 0 ? '0' : `0${(n >>> 0).toString(8)}`);

/** `A|B|0x..` for the known bits of `value`; `zero` names the value 0. */
export function flags(value: number, names: readonly [number, string][], zero = '0'): string {
  let rest = value >>> 0;
  const parts: string[] = [];
  for (const [bit, name] of names) {
    if (bit !== 0 && (rest & bit) === bit) { parts.push(name); rest = (rest & ~bit) >>> 0; }
  }
  if (rest !== 0) parts.push(hex(rest));
  return parts.length === 0 ? zero : parts.join('|');
}

export const PROT_NAMES: [number, string][] = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [0x0100_0000, 'PROT_GROWSDOWN'], [0x0200_0000, 'PROT_GROWSUP']];
export const MAP_NAMES: [number, string][] = [
  [0x03, 'MAP_SHARED_VALIDATE'], [0x01, 'MAP_SHARED'], [0x02, 'MAP_PRIVATE'], [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'],
  [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'], [0x1000, 'MAP_EXECUTABLE'], [0x2000, 'MAP_LOCKED'],
  [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x10000, 'MAP_NONBLOCK'], [0x20000, 'MAP_STACK'],
  [0x40000, 'MAP_HUGETLB'], [0x100000, 'MAP_FIXED_NOREPLACE'],
];

/** open(2) flags: the access mode first, then the other bits (O_LARGEFILE is implied on i386 by libc). */
export function openFlags(v: number): string {
  const mode = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '3'][v & 3];
  const rest = flags(v & ~3, [
    [0x410000, 'O_TMPFILE'], [0x101000, 'O_SYNC'], [0x40, 'O_CREAT'], [0x80, 'O_EXCL'], [0x100, 'O_NOCTTY'],
    [0x200, 'O_TRUNC'], [0x400, 'O_APPEND'], [0x800, 'O_NONBLOCK'], [0x1000, 'O_DSYNC'], [0x2000, 'O_ASYNC'],
    [0x4000, 'O_DIRECT'], [0x8000, 'O_LARGEFILE'], [0x10000, 'O_DIRECTORY'], [0x20000, 'O_NOFOLLOW'],
    [0x40000, 'O_NOATIME'], [0x80000, 'O_CLOEXEC'], [0x200000, 'O_PATH'],
  ], '');
  return rest === '' ? mode : `${mode}|${rest}`;
}

export const CLOCK_NAMES = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID',
  'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME', 'CLOCK_REALTIME_ALARM',
  'CLOCK_BOOTTIME_ALARM', '10', 'CLOCK_TAI'];

// The integer and system rows of the 0F map (SDM Vol. 2D, Table A-3), plus the integer rows of
// the 0F 38 map (MOVBE, CRC32). MMX/SSE rows live in simd-*.ts.

import { ccRows, hx, row, type RowDraft } from './dsl.js';

const BT_NAMES = ['bt', 'bts', 'btr', 'btc'];

export const TWO_BYTE_ROWS: RowDraft[] = [
  // Group 6: descriptor-table instructions. SLDT/STR are denied like SGDT (UMIP posture, see docs).
  row('0f 00/0', 'sldt Ew', 'privileged'), row('0f 00/1', 'str Ew', 'privileged'),
  row('0f 00/2', 'lldt Ew', 'privileged'), row('0f 00/3', 'ltr Ew', 'privileged'),
  row('0f 00/4', 'verr Ew', 'w:z'), row('0f 00/5', 'verw Ew', 'w:z'),
  // Group 7 (SDM 2D, Table A-6).
  row('0f 01/0 mem', 'sgdt M', 'privileged'), row('0f 01/1 mem', 'sidt M', 'privileged'),
  row('0f 01/2 mem', 'lgdt M', 'privileged'), row('0f 01/3 mem', 'lidt M', 'privileged'),
  row('0f 01/4', 'smsw Ew', 'privileged'), row('0f 01/6', 'lmsw Ew', 'privileged'),
  row('0f 01/7 mem', 'invlpg Mb', 'privileged'),
  row('0f 01 c1', 'vmcall', 'privileged'), row('0f 01 c2', 'vmlaunch', 'privileged'),
  row('0f 01 c3', 'vmresume', 'privileged'), row('0f 01 c4', 'vmxoff', 'privileged'),
  row('0f 01 c8', 'monitor', 'privileged'), row('0f 01 c9', 'mwait', 'privileged'),
  row('0f 01 ca', 'clac', 'privileged'), row('0f 01 cb', 'stac', 'privileged'),
  row('0f 01 d0', 'xgetbv', 'xsave'), row('0f 01 d1', 'xsetbv', 'privileged'),
  row('0f 01 f9', 'rdtscp', 'rdtscp'),
  row('0f 02', 'lar Gv,Ew', 'w:z'), row('0f 03', 'lsl Gv,Ew', 'w:z'),
  // SYSCALL is #UD outside 64-bit mode on Intel; SYSENTER needs the vDSO return path vxts does
  // not provide, so it is refused like the kernel-only SYSEXIT/SYSRET (docs/DECODER.md).
  row('0f 05', 'syscall', 'undefined'), row('0f 06', 'clts', 'privileged'),
  row('0f 07', 'sysret', 'privileged'), row('0f 08', 'invd', 'privileged'),
  row('0f 09', 'wbinvd', 'privileged'),
  row('0f 0b', 'ud2', 'undefined'),
  row('0f 0d/0 mem', 'prefetch Mb'), row('0f 0d/1 mem', 'prefetchw Mb'),
  // Hint space: 0F 18 /4-7 and 0F 19-1F are reserved NOPs (SDM 2B, NOP; 2D Table A-3 note).
  ...[4, 5, 6, 7].map((r) => row(`0f 18/${r}`, 'nop Ev')),
  ...[0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f].map((op) => row(`0f ${hx(op)}`, 'nop Ev')),
  row('f3 0f 1e fb', 'endbr32', 'cet'), row('f3 0f 1e fa', 'endbr64', 'cet'),
  row('0f 20', 'mov Rd,Cd', 'modignored privileged'), row('0f 21', 'mov Rd,Dd', 'modignored privileged'),
  row('0f 22', 'mov Cd,Rd', 'modignored privileged'), row('0f 23', 'mov Dd,Rd', 'modignored privileged'),
  row('0f 30', 'wrmsr', 'privileged'), row('0f 31', 'rdtsc'), row('0f 32', 'rdmsr', 'privileged'),
  row('0f 33', 'rdpmc', 'privileged'), row('0f 34', 'sysenter', 'privileged'),
  row('0f 35', 'sysexit', 'privileged'), row('0f 37', 'getsec', 'privileged'),
  ...ccRows((cc) => `0f ${hx(0x40 + cc)}`, 'cmov', 'Gv,Ev', 'cmov'),
  ...ccRows((cc) => `0f ${hx(0x80 + cc)}`, 'j', 'Jz', 'jcc'),
  // SETcc ignores ModRM.reg (SDM 2B, SETcc: "/0" is the documented value, others execute alike).
  ...ccRows((cc) => `0f ${hx(0x90 + cc)}`, 'set', 'Eb', ''),
  row('0f a0', 'push FS'), row('0f a1', 'pop FS'), row('0f a2', 'cpuid'),
  row('0f a3', 'bt Ev,Gv', 'w:c u:osap'),
  row('0f a4', 'shld Ev,Gv,Ib', 'w:oszpc u:oa'), row('0f a5', 'shld Ev,Gv,CL', 'w:oszpc u:oa'),
  row('0f a8', 'push GS'), row('0f a9', 'pop GS'), row('0f aa', 'rsm', 'privileged'),
  row('0f ab', 'bts Ev,Gv', 'lock w:c u:osap'),
  row('0f ac', 'shrd Ev,Gv,Ib', 'w:oszpc u:oa'), row('0f ad', 'shrd Ev,Gv,CL', 'w:oszpc u:oa'),
  row('0f af', 'imul Gv,Ev', 'w:oc u:szap'),
  row('0f b0', 'cmpxchg Eb,Gb', 'lock w:oszapc'), row('0f b1', 'cmpxchg Ev,Gv', 'lock w:oszapc'),
  row('0f b2', 'lss Gv,Mp'), row('0f b3', 'btr Ev,Gv', 'lock w:c u:osap'),
  row('0f b4', 'lfs Gv,Mp'), row('0f b5', 'lgs Gv,Mp'),
  row('0f b6', 'movzx Gv,Eb'), row('0f b7', 'movzx Gv,Ew'),
  row('f3 0f b8', 'popcnt Gv,Ev', 'popcnt w:oszapc'),
  row('0f b9', 'ud1 Gv,Ev', 'undefined'),
  ...BT_NAMES.map((n, i) => row(`0f ba/${4 + i}`, `${n} Ev,Ib`, `${i ? 'lock ' : ''}w:c u:osap`)),
  row('0f bb', 'btc Ev,Gv', 'lock w:c u:osap'),
  row('np 0f bc', 'bsf Gv,Ev', 'w:z u:oszapc'), row('66 0f bc', 'bsf Gv,Ev', 'w:z u:oszapc'),
  row('f2 0f bc', 'bsf Gv,Ev', 'w:z u:oszapc'),
  // TZCNT/LZCNT are REP BSF/BSR: on a CPU without BMI1/LZCNT they execute as BSF/BSR (SDM 2B, TZCNT).
  row('f3 0f bc', 'tzcnt Gv,Ev', 'bmi1 w:zc u:osap'),
  row('np 0f bd', 'bsr Gv,Ev', 'w:z u:oszapc'), row('66 0f bd', 'bsr Gv,Ev', 'w:z u:oszapc'),
  row('f2 0f bd', 'bsr Gv,Ev', 'w:z u:oszapc'),
  row('f3 0f bd', 'lzcnt Gv,Ev', 'lzcnt w:zc u:osap'),
  row('0f be', 'movsx Gv,Eb'), row('0f bf', 'movsx Gv,Ew'),
  row('0f c0', 'xadd Eb,Gb', 'lock w:oszapc'), row('0f c1', 'xadd Ev,Gv', 'lock w:oszapc'),
  row('0f c7/1 mem', 'cmpxchg8b Mq', 'lock cx8 w:z'),
  // RDRAND/RDSEED are "NFx 0F C7 /6, /7": F2/F3 are not allowed (66 is, for a 16-bit operand), and
  // F3 0F C7 /7 is RDPID on CPUs that have it (SDM Vol. 2B RDRAND, RDSEED, RDPID).
  row('np 0f c7/6 reg', 'rdrand Rv', 'rdrand w:oszapc'), row('66 0f c7/6 reg', 'rdrand Rv', 'rdrand w:oszapc'),
  row('np 0f c7/7 reg', 'rdseed Rv', 'rdseed w:oszapc'), row('66 0f c7/7 reg', 'rdseed Rv', 'rdseed w:oszapc'),
  row('np 0f c7/6 mem', 'vmptrld Mq', 'privileged'), row('66 0f c7/6 mem', 'vmclear Mq', 'privileged'),
  row('f3 0f c7/6 mem', 'vmxon Mq', 'privileged'), row('np 0f c7/7 mem', 'vmptrst Mq', 'privileged'),
  row('0f c8+r', 'bswap Zd'),
  row('0f ff', 'ud0 Gv,Ev', 'undefined'),
  // 0F 38 integer forms: MOVBE (no prefix) and CRC32 (F2) share opcodes F0/F1.
  row('np 0f 38 f0 mem', 'movbe Gv,Mv', 'movbe'), row('np 0f 38 f1 mem', 'movbe Mv,Gv', 'movbe'),
  row('66 0f 38 f0 mem', 'movbe Gv,Mv', 'movbe'), row('66 0f 38 f1 mem', 'movbe Mv,Gv', 'movbe'),
  row('f2 0f 38 f0', 'crc32 Gd,Eb', 'sse42'), row('f2 0f 38 f1', 'crc32 Gd,Ev', 'sse42'),
];

// Who a process is: its user and group IDs (real, effective, saved, filesystem) and
// supplementary groups. vxts runs every guest as an ordinary unprivileged user (uid/gid 1000 by
// default), so the set*id calls may only shuffle among IDs the process already has, as Linux
// allows a process without CAP_SETUID/CAP_SETGID.

export interface IdentityOptions {
  uid?: number;
  gid?: number;
  groups?: readonly number[];
}

export class Credentials {
  uid: number; euid: number; suid: number; fsuid: number;
  gid: number; egid: number; sgid: number; fsgid: number;
  groups: number[];

  constructor(o: IdentityOptions = {}) {
    const uid = o.uid ?? 1000, gid = o.gid ?? 1000;
    this.uid = this.euid = this.suid = this.fsuid = uid;
    this.gid = this.egid = this.sgid = this.fsgid = gid;
    this.groups = [...(o.groups ?? [gid])];
  }

  clone(): Credentials {
    const c = new Credentials();
    Object.assign(c, this, { groups: [...this.groups] });
    return c;
  }
}

/** Linux's resource numbers (asm-generic/resource.h). */
export const RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4,
  RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIMIT_LOCKS = 10,
  RLIMIT_SIGPENDING = 11, RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15, RLIM_NLIMITS = 16;

/** RLIM64_INFINITY. */
export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

/** Soft and hard limits as a Debian 12 login session has them (unlimited where it is). */
export function defaultLimits(stackLimit: number): [bigint, bigint][] {
  const inf: [bigint, bigint] = [RLIM_INFINITY, RLIM_INFINITY];
  const l: [bigint, bigint][] = Array.from({ length: RLIM_NLIMITS }, () => [...inf] as [bigint, bigint]);
  l[RLIMIT_STACK] = [BigInt(stackLimit), RLIM_INFINITY];
  l[RLIMIT_CORE] = [0n, RLIM_INFINITY];
  l[RLIMIT_NPROC] = [4096n, 4096n];
  l[RLIMIT_NOFILE] = [1024n, 524288n];
  l[RLIMIT_MEMLOCK] = [8n << 20n, 8n << 20n];
  l[RLIMIT_SIGPENDING] = [4096n, 4096n];
  l[RLIMIT_MSGQUEUE] = [819200n, 819200n];
  l[RLIMIT_NICE] = [0n, 0n];
  l[RLIMIT_RTPRIO] = [0n, 0n];
  return l;
}

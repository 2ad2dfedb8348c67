// The clocks a process sees. Real mode follows the host (wall clock, monotonic clock, host CPU
// time). Deterministic mode, for tests, derives every clock from the guest's own progress: one
// nanosecond per retired instruction plus the time it asked to sleep, on top of a fixed epoch,
// so time advances (busy-wait loops end) but every run sees the same values.

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
  CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;

/** Resolution Linux reports for the coarse clocks: one jiffy at Debian's HZ=250. */
const COARSE_NS = 4_000_000n;

export interface ClockOptions {
  /** Derive time from the guest's instruction count (reproducible runs). */
  deterministic?: boolean;
  /** Wall-clock start in deterministic mode, in ns since the epoch (default 2024-01-01T00:00:00Z). */
  epochNs?: bigint;
}

/** A host sleep the caller may end early (its promise then resolves at once). */
export type Sleep = Promise<void> & { cancel(): void };

export class GuestClock {
  /** Host timers of pending sleeps (cancelSleeps ends them when the process ends). */
  private readonly sleeps = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  readonly deterministic: boolean;
  private readonly epochNs: bigint;
  /** Deterministic mode: sleeps taken so far. */
  private slept = 0n;
  /** Host monotonic time at start, so real CPU and boot clocks count from the process start. */
  private readonly hostStart = process.hrtime.bigint();
  private readonly wallStart = BigInt(Date.now()) * 1_000_000n;
  /**
   * Host CPU use when the guest first read a CPU clock: the CPU clocks count from there. Taken
   * lazily because getrusage costs a system call (tens to hundreds of microseconds on a loaded
   * machine) and most programs never read these clocks: spawning must stay cheap.
   */
  private cpuStart: NodeJS.CpuUsage | null = null;

  private cpuUsed(): NodeJS.CpuUsage {
    if (this.cpuStart === null) {
      this.cpuStart = process.cpuUsage();
      return { user: 0, system: 0 };
    }
    return process.cpuUsage(this.cpuStart);
  }

  constructor(private readonly instructions: () => number, o: ClockOptions = {}) {
    this.deterministic = o.deterministic ?? false;
    this.epochNs = o.epochNs ?? 1_704_067_200_000_000_000n;
  }

  /** The clock's value in ns, or null for a clock id Linux would refuse (EINVAL). */
  now(id: number): bigint | null {
    const run = this.deterministic ? BigInt(this.instructions()) + this.slept : process.hrtime.bigint() - this.hostStart;
    switch (id) {
      case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_REALTIME_ALARM: case CLOCK_TAI:
        return this.deterministic ? this.epochNs + run : this.wallStart + run;
      case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE:
      case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
        // As if the machine booted 100 s before the program started.
        return 100_000_000_000n + run;
      case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: {
        if (this.deterministic) return BigInt(this.instructions());
        const u = this.cpuUsed();
        return BigInt(u.user + u.system) * 1000n;
      }
      default:
        return null;
    }
  }

  /** The resolution clock_getres reports, or null for an unknown clock. */
  resolution(id: number): bigint | null {
    if (this.now(id) === null) return null;
    return id === CLOCK_REALTIME_COARSE || id === CLOCK_MONOTONIC_COARSE ? COARSE_NS : 1n;
  }

  /** CPU time split as getrusage/times report it: [user, system] in ns. */
  cpuTimes(): [bigint, bigint] {
    if (this.deterministic) return [BigInt(this.instructions()), 0n];
    const u = this.cpuUsed();
    return [BigInt(u.user) * 1000n, BigInt(u.system) * 1000n];
  }

  /**
   * Waits `ns`: a promise for real time, or null in deterministic mode, where the clocks jump
   * ahead instead and the caller continues at once.
   */
  sleep(ns: bigint): Sleep | null {
    if (ns <= 0n) return null;
    if (this.deterministic) {
      this.slept += ns;
      return null;
    }
    // setTimeout takes ms and at most 2^31-1 of them; longer sleeps are re-armed by the caller.
    const ms = Math.min(Number((ns + 999_999n) / 1_000_000n), 0x7fff_ffff);
    let entry!: { timer: ReturnType<typeof setTimeout>; resolve: () => void };
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.sleeps.delete(entry); resolve(); }, ms);
      entry = { timer, resolve };
    });
    this.sleeps.add(entry);
    const cancel = (): void => {
      if (!this.sleeps.delete(entry)) return;
      clearTimeout(entry.timer);
      entry.resolve();
    };
    return Object.assign(promise, { cancel });
  }

  /**
   * Ends every pending sleep at once (they resolve): the process has ended, and a host timer
   * must not keep the host alive, or hold memory, for a tenant that is gone.
   */
  cancelSleeps(): void {
    for (const e of this.sleeps) {
      clearTimeout(e.timer);
      e.resolve();
    }
    this.sleeps.clear();
  }
}

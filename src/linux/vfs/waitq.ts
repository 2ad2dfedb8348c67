// Wait queues: how a blocked system call learns that the thing it waits on changed. A blocked
// call returns Blocked(promise); the promise comes from here and resolves at the next wake().
// Waiters are woken in the order they started waiting, so the first reader to block on a pipe is
// the first to retry. Subscriptions can be cancelled, so poll() with a timeout does not leave
// stale entries behind on queues that never fire.

export type Unsubscribe = () => void;

export class WaitQueue {
  private readonly waiters = new Set<() => void>();

  /** Calls `cb` once, at the next wake(); returns a function that cancels the subscription. */
  subscribe(cb: () => void): Unsubscribe {
    const once = (): void => { this.waiters.delete(once); cb(); };
    this.waiters.add(once);
    return () => { this.waiters.delete(once); };
  }

  /** A promise that resolves at the next wake(). */
  wait(): Promise<void> {
    return new Promise((resolve) => { this.subscribe(resolve); });
  }

  /** Wakes every current waiter, oldest first. */
  wake(): void {
    const now = [...this.waiters];
    this.waiters.clear();
    for (const w of now) w();
  }

  get size(): number { return this.waiters.size; }
}

/**
 * A promise that resolves when any of `queues` wakes or `timeout` (if given) settles; every
 * subscription is dropped when it does.
 */
export function waitAny(queues: readonly WaitQueue[], timeout: Promise<unknown> | null): Promise<void> {
  return new Promise((resolve) => {
    const subs: Unsubscribe[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      for (const u of subs) u();
      resolve();
    };
    for (const q of queues) subs.push(q.subscribe(finish));
    if (timeout !== null) void timeout.then(finish, finish);
  });
}

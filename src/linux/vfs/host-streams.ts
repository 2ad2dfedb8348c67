// The host's byte streams as the guest's stdin, stdout, stderr and /dev/tty. Input is read
// lazily (nothing is consumed from the host until the guest reads) and paused when 64 KiB are
// waiting, so a guest that stops reading stops the host stream too; a read with nothing
// buffered blocks until data or EOF arrives. Output goes to a sink the embedder provides (the
// CLI passes process.stdout/stderr); when the sink asks to slow down (write() returned false)
// the next guest write waits for 'drain'. A sink that failed (EPIPE on the host) makes later
// writes fail with EPIPE, which raises SIGPIPE in the guest as Linux would.

import { EIO } from '../errno.js';
import { ByteQueue } from './byte-queue.js';
import { WaitQueue } from './waitq.js';

/** What vxts reads guest input from: a Node Readable (process.stdin) fits. */
export interface ByteSource {
  on(event: 'data', cb: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end' | 'close', cb: () => void): unknown;
  on(event: 'error', cb: (e: unknown) => void): unknown;
  removeListener(event: string, cb: (...args: never[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  readonly isTTY?: boolean;
}

/** Where guest output goes: a Node Writable (process.stdout) fits. */
export interface ByteSink {
  write(chunk: Uint8Array): boolean;
  once?(event: 'drain', cb: () => void): unknown;
  on?(event: 'error', cb: (e: unknown) => void): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

const HIGH_WATER = 64 * 1024;

export class HostInput {
  readonly queue = new WaitQueue();
  private readonly input = new ByteQueue();
  private ended = false;
  private failed = false;
  private started = false;
  private paused = false;

  private readonly onData = (chunk: Uint8Array | string): void => {
    const bytes = typeof chunk === 'string' ? new Uint8Array(Buffer.from(chunk, 'utf8')) : new Uint8Array(chunk);
    if (bytes.length === 0) return;
    this.input.put(bytes);
    if (this.input.length >= HIGH_WATER && !this.paused) { this.paused = true; this.stream.pause(); }
    this.queue.wake();
  };
  private readonly onEnd = (): void => { this.ended = true; this.queue.wake(); };
  private readonly onError = (): void => { this.failed = true; this.ended = true; this.queue.wake(); };

  constructor(private readonly stream: ByteSource) {}

  get isTTY(): boolean { return this.stream.isTTY === true; }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.stream.on('data', this.onData);
    this.stream.on('end', this.onEnd);
    this.stream.on('close', this.onEnd);
    this.stream.on('error', this.onError);
    this.stream.resume();
  }

  /** Copies buffered input into `buf`: a count, 0 at EOF, -EIO after a host error, or null (wait). */
  take(buf: Uint8Array): number | null {
    this.start();
    if (this.input.length === 0) {
      if (this.failed) return -EIO;
      return this.ended || buf.length === 0 ? 0 : null;
    }
    const n = this.input.take(buf);
    if (this.paused && this.input.length < HIGH_WATER / 4) { this.paused = false; this.stream.resume(); }
    return n;
  }

  /** Bytes waiting (FIONREAD). */
  available(): number { return this.input.length; }

  /** A read would not block. Starts reading the host stream, as poll() on it does. */
  ready(): boolean {
    this.start();
    return this.input.length > 0 || this.ended;
  }

  /** Stops reading the host stream (the guest is done), so the host process can exit. */
  dispose(): void {
    if (!this.started) return;
    this.stream.removeListener('data', this.onData);
    this.stream.removeListener('end', this.onEnd);
    this.stream.removeListener('close', this.onEnd);
    this.stream.removeListener('error', this.onError);
    this.stream.pause();
    this.started = false;
  }
}

export class HostOutput {
  private draining: Promise<void> | null = null;
  private undrain: (() => void) | null = null;
  private broken = false;

  constructor(readonly sink: ByteSink) {
    // Without a listener a failed host stream (a closed pipe) would throw in the host. A writer
    // waiting for 'drain' is released too: its retry then sees EPIPE.
    sink.on?.('error', () => { this.broken = true; this.undrain?.(); });
  }

  get isTTY(): boolean { return this.sink.isTTY === true; }

  /** Writes all of `data` (copied), or returns a promise to wait on first, or false when broken. */
  write(data: Uint8Array): true | false | Promise<void> {
    if (this.broken) return false;
    if (this.draining !== null) return this.draining;
    let ok: boolean;
    try {
      ok = this.sink.write(data.slice());
    } catch {
      this.broken = true;
      return false;
    }
    if (!ok && this.sink.once !== undefined) {
      this.draining = new Promise((resolve) => {
        this.undrain = (): void => { this.draining = null; this.undrain = null; resolve(); };
        this.sink.once!('drain', this.undrain);
      });
    }
    return true;
  }

  /** The window size a terminal sink reports (columns, rows), or null. */
  winsize(): [number, number] | null {
    return this.isTTY ? [this.sink.columns ?? 80, this.sink.rows ?? 24] : null;
  }
}

// Buffered, back-pressure-aware text output for commands that print a lot (a disassembly of a
// 2 MB binary is hundreds of thousands of lines). Lines are gathered into chunks of about 64 KiB
// and handed to the stream one chunk at a time; when the stream's buffer is full the writer waits
// for 'drain', so memory stays bounded however large the output is. A closed pipe (`| head`) ends
// the output quietly instead of raising EPIPE.

import type { Writable } from 'node:stream';

const CHUNK = 64 * 1024;

export class LineWriter {
  private parts: string[] = [];
  private size = 0;
  private closed = false;
  private failure: Error | null = null;

  constructor(private readonly stream: Writable) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // The reader went away: stop producing output. Other errors are real and propagate.
      // Other errors (disk full on a redirect) are reported by the next flush.
      this.closed = true;
      if (err.code !== 'EPIPE') this.failure = err;
    });
  }

  /** True once the reader has gone away; producers should stop. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues one line (without its newline). Await the result only when it is a promise. */
  line(text: string): Promise<void> | undefined {
    this.parts.push(text);
    this.size += text.length + 1;
    return this.size >= CHUNK ? this.flush() : undefined;
  }

  /** Writes what is queued; resolves when the stream can take more. */
  flush(): Promise<void> | undefined {
    if (this.failure !== null) throw this.failure;
    if (this.parts.length === 0 || this.closed) {
      this.parts = [];
      this.size = 0;
      return undefined;
    }
    const chunk = this.parts.join('\n') + '\n';
    this.parts = [];
    this.size = 0;
    if (this.stream.write(chunk)) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  /**
   * Writes the last chunk. The stream keeps what it has not yet handed to the OS and Node
   * flushes it before the process exits, so the CLI sets process.exitCode instead of calling
   * process.exit().
   */
  async end(): Promise<void> {
    await this.flush();
    if (this.failure !== null) throw this.failure;
  }
}

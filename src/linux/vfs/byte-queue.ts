// A FIFO of bytes kept as the chunks they arrived in: what pipes and the host's stdin buffer.
// Reading copies out of the front chunks without joining them.

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already taken. */
  private head = 0;
  /** Bytes waiting. */
  length = 0;

  /** Appends `data` (kept as given: the caller passes a buffer it no longer changes). */
  put(data: Uint8Array): void {
    this.chunks.push(data);
    this.length += data.length;
  }

  /** Moves up to buf.length bytes into `buf`; returns the count. */
  take(buf: Uint8Array): number {
    let n = 0;
    while (n < buf.length && this.chunks.length > 0) {
      const c = this.chunks[0];
      const part = c.subarray(this.head, Math.min(c.length, this.head + buf.length - n));
      buf.set(part, n);
      n += part.length;
      this.head += part.length;
      if (this.head === c.length) { this.chunks.shift(); this.head = 0; }
    }
    this.length -= n;
    return n;
  }
}

// The error Sandbox.spawn throws, in a module of its own so that the spawn checks and the
// worker pool can throw it without importing the Sandbox.

/** Thrown by Sandbox.spawn when the program cannot be read or loaded, or a mount is bad. */
export class SpawnError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpawnError';
  }
}

// The virtual file system: what a guest sees of files. See vfs.ts for path resolution and
// confinement, build.ts for the CLI's default view, attach.ts for wiring a process.

export { Vfs, type Walk } from './vfs.js';
export { FsContext, type ProcessIdentity } from './context.js';
export { buildVfs, parseMountSpec, normalizeGuestPath, MountError, type MountSpec, type VfsOptions } from './build.js';
export { attachFs, forkFs, fsOf } from './attach.js';
export { processView } from './process-view.js';
export { hostStdio, installStdio, Terminal, StreamDesc, type HostStdio, type StdioOptions } from './stdio.js';
export type { ByteSink, ByteSource } from './host-streams.js';
export { TmpFs, type TmpfsOptions } from './tmpfs.js';
export { HostFs } from './hostfs.js';
export { makePipe, Pipe, PipeEnd, PIPE_BUF, PIPE_CAPACITY } from './pipe.js';
export { readExecutable } from './ops-open.js';
export { VfsError, type FileStat, type ProcessView } from './types.js';

// Registers every system call of the Linux personality (each module calls defineSyscall when
// loaded). Importing this module is what makes SYSCALLS complete.

import './task.js';
import './ids.js';
import './system.js';
import './memory.js';
import './tls.js';
import './time.js';
// The file-system calls (descriptors, paths, pipes, poll, fcntl/ioctl), owned by the VFS.
import './vfs-index.js';

export { SYSCALLS, defineSyscall, Blocked } from './registry.js';
// Signals, and process creation/exec/wait (with the process table in ../kernel.ts).
import './signal.js';
import './process.js';
// Sockets: denied unless a policy allows them (see net.ts, decode-args.ts).
import './net.js';

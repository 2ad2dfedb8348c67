// Registers the file-system calls of the Linux personality (each module calls defineSyscall
// when loaded): descriptors and I/O, paths, pipes, poll/select, fcntl/ioctl.

import './files.js';
import './fs.js';
import './fs-stat.js';
import './fcntl.js';
import './pipe.js';
import './poll.js';

export { fileHooks } from './vfs-util.js';

// Host file-system errors as Linux errno values. Node reports failures by error code name
// (err.code 'ENOENT'); the guest must get the Linux number for the same condition whatever host
// it runs on. Anything unexpected becomes EIO, never an exception that escapes to the host.

import {
  EACCES, EAGAIN, EBADF, EBUSY, EEXIST, EFBIG, EINVAL, EIO, EISDIR, ELOOP, EMFILE, EMLINK, ENAMETOOLONG, ENFILE,
  ENODEV, ENOENT, ENOMEM, ENOSPC, ENOTDIR, ENOTEMPTY, ENXIO, EOPNOTSUPP, EOVERFLOW, EPERM, EROFS, ETXTBSY, EXDEV,
} from '../errno.js';
import { VfsError } from './types.js';

const EDQUOT = 122, ESTALE = 116;

const CODES: Record<string, number> = {
  EACCES, EAGAIN, EBADF, EBUSY, EEXIST, EFBIG, EINVAL, EIO, EISDIR, ELOOP, EMFILE, EMLINK, ENAMETOOLONG, ENFILE,
  ENODEV, ENOENT, ENOMEM, ENOSPC, ENOTDIR, ENOTEMPTY, ENXIO, EOPNOTSUPP, ENOTSUP: EOPNOTSUPP, EOVERFLOW, EPERM,
  EROFS, ETXTBSY, EXDEV, EDQUOT, ESTALE, EWOULDBLOCK: EAGAIN,
};

/** The Linux errno for a thrown host error. */
export function hostErrno(e: unknown): number {
  if (e instanceof VfsError) return e.errno;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? CODES[code] ?? EIO : EIO;
}

/** Runs a host file-system call, turning its failure into a VfsError. */
export function host<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof VfsError ? e : new VfsError(hostErrno(e));
  }
}

// Mounts and locations. A Mount is a backend placed at a guest path (read-only or not, with its
// own device number). A Loc is a place in the guest's tree: a node of some mount plus the chain
// of parent locations it was reached through. `..` walks that chain, never a backend's idea of
// a parent, so `..` at a mount's root leads to the directory holding the mount point, and at
// the guest root stays there: no path can climb out of what was mounted.

import type { FileStat, FileSystem, Node } from './types.js';

export class Mount {
  constructor(
    /** Guest path of the mount point (a byte string), '/' for the root. */
    readonly path: string,
    readonly fs: FileSystem,
    readonly readOnly: boolean,
    /** st_dev is (0, devMinor), as Linux numbers its anonymous (virtual) file systems. */
    readonly devMinor: number,
  ) {}
}

export class Loc {
  constructor(
    readonly mount: Mount,
    readonly node: Node,
    /** The directory this was reached from; null only for the guest root. */
    readonly parent: Loc | null,
    /** The guest path it was reached by (a byte string). */
    readonly path: string,
  ) {}

  /** The last component of the path ('' for the root). */
  get name(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }

  /** True when both name the same inode of the same mount. */
  same(other: Loc): boolean {
    return this.mount === other.mount && this.node.ino === other.node.ino && this.node.fs === other.node.fs;
  }
}

/** `dir/name` as a guest path. */
export const childPath = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/** Full stat of a location: the backend's fields plus the mount's device. */
export function statLoc(loc: Loc, s: Omit<FileStat, 'devMajor' | 'devMinor'>): FileStat {
  return { ...s, devMajor: 0, devMinor: loc.mount.devMinor };
}

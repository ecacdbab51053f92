/**
 * File-system failures as messages a user can act on: which file, what was being done, and
 * what the system said, without a stack (`ENOSPC`: the disk is full; `EROFS`: mounted
 * read-only; `EACCES`: no permission).
 */

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
};

const DOING: Readonly<Record<string, string>> = {
  open: 'open',
  write: 'write',
  writev: 'write',
  fsync: 'sync',
  close: 'close',
  rename: 'replace',
  mkdir: 'create the folder',
  rmdir: 'remove',
  unlink: 'remove',
  read: 'read',
  scandir: 'list',
  copyfile: 'copy',
};

/** A Node file-system error (it has an errno code and a syscall). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException & { code: string; syscall: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!);
}

/** `cannot write runs/quick/.checkpoint...tmp: no space left on the device (ENOSPC)`; `path` when the error lacks one. */
export function describeFsError(e: NodeJS.ErrnoException & { code: string; syscall: string }, path?: string): string {
  const where = e.path ?? path;
  const doing = DOING[e.syscall] ?? e.syscall;
  return `cannot ${doing}${where ? ` ${where}` : ''}: ${REASONS[e.code] ?? e.message.replace(/^[A-Z]+: /, '')} (${e.code})`;
}

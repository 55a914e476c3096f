"""Writing files: whole or not at all, private, and never through a planted link.

Every file followup-script writes (``--output``, ``export``, ``calendar``,
``batch --out-dir``, the config file, the caches) goes through
:func:`write_atomic`; folders it creates for private data go through
:func:`private_folder`. Light on purpose (os and stat only): the start-up
path imports it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile

__all__ = ["NO_TEMPORARY_FILES", "private_file", "private_folder", "write_atomic"]

#: Folders in which no temporary file is ever made (nor a new file created):
#: a device's name there is written through, anything else is refused.
NO_TEMPORARY_FILES: tuple[str, ...] = ("/dev",)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _in_no_temporary_folder(folder: str) -> bool:
    real = os.path.realpath(folder)
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in NO_TEMPORARY_FILES)


def write_atomic(path, data: bytes, mode: int = 0o600, sync: bool = True) -> None:
    """Write ``data`` to ``path``.

    A regular file, or a name that does not exist yet, is replaced whole: the
    bytes go to a new temporary file (``tempfile.mkstemp``: O_EXCL, so a link
    planted under any name is never followed) in the same folder, made
    ``mode`` whatever the umask, synced (unless ``sync`` is false: a cache), then renamed over ``path``; a reader
    never sees half a file. Anything else (a character device such as
    ``/dev/null``, a FIFO, ``/dev/stdout`` or ``/dev/fd/N``) is written
    through, as a shell's ``>`` would, and is never replaced. A folder is
    :class:`IsADirectoryError`. No temporary file is ever made in
    :data:`NO_TEMPORARY_FILES` (``/dev``). Errors are :class:`OSError`.
    """
    path = os.fspath(path)
    try:
        info = os.stat(path)  # through links: /dev/stdout -> /proc/self/fd/1 -> a pipe
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise NotADirectoryError(errno.ENOTDIR, "a folder in it is a file", path) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        if _write_through(path, data):
            return
    folder = os.path.dirname(path) or "."
    if _in_no_temporary_folder(folder):
        raise PermissionError(errno.EPERM, "no new file is made in " + os.path.realpath(folder), path)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    if sync:
        _sync_folder(folder)


def _write_through(path: str, data: bytes) -> bool:
    """Write into the device or FIFO at ``path`` (opened without creating anything);
    False, writing nothing, if what is there now turns out to be a regular file."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return False  # it changed under us: replace it whole instead
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
    return True


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def private_folder(path) -> None:
    """Make sure the folder ``path`` exists; each folder made here (the folder and
    any missing parents) is 0700 whatever the umask. Existing folders are left as
    they are. Errors are :class:`OSError`: :class:`NotADirectoryError` when a name
    on the way is a file, :class:`FileExistsError` for a link to nowhere."""
    path = os.path.abspath(os.fspath(path))
    missing = []
    current = path
    while True:
        try:
            info = os.stat(current)
        except FileNotFoundError:
            if os.path.islink(current):
                raise FileExistsError(errno.EEXIST, "a link to a folder that does not exist "
                                      f"({os.readlink(current)})", current) from None
            missing.append(current)
            parent = os.path.dirname(current)
            if parent == current:
                raise
            current = parent
            continue
        if not stat.S_ISDIR(info.st_mode):
            raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", current)
        break
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            if not os.path.isdir(folder):
                raise
            continue
        os.chmod(folder, 0o700)


def private_file(path, mode: int = 0o600) -> None:
    """Create ``path`` empty with ``mode`` (whatever the umask) if it does not exist,
    without following a link; an existing file is left as it is."""
    try:
        fd = os.open(os.fspath(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    except FileExistsError:
        return
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
    finally:
        os.close(fd)

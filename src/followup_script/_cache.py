"""Where followup-script keeps small caches, what decides they are stale, and
reading and writing them so that no other user can plant one.

Light on purpose (no pluggy, no platformdirs): the start-up path reads it.
"""

from __future__ import annotations

import os
import stat
import sys

ENV_ALLOW = "FOLLOWUP_SCRIPT_LOAD_PLUGINS"


def cache_path(*names: str) -> str:
    """A path in the user cache dir, as platformdirs has it, built with os.path
    (``--help`` reads its command cache without importing pathlib)."""
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.path.join(os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local"),
                            "followup-script", "Cache")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches", "followup-script")
    else:
        base = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"),
                            "followup-script")
    return os.path.join(base, *names)


def path_key() -> list:
    """What decides which distributions are installed: sys.path and each folder's mtime.

    Installing or removing a distribution adds or removes a ``.dist-info``
    folder, which changes its folder's mtime.
    """
    key = []
    for entry in sys.path:
        try:
            key.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            key.append([entry, None])
    return key


def _ours(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def _private_folder(folder: str) -> bool:
    """This user's own folder (not a symlink), that no one else may write in."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    return not hasattr(os, "getuid") or (_ours(info) and not info.st_mode & 0o022)


def read_private(path: str) -> bytes | None:
    """The bytes of a cache file that only this user could have written, or None.

    A file is read only if it is a regular file (not a symlink) of this user's
    with mode 0600, in a folder of this user's that no one else may write in
    (a folder with looser permissions is not used). Anything else, or a file
    that cannot be read, is None: the caller works it out again.
    """
    if not _private_folder(os.path.dirname(path)):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _ours(info):
            return None
        if hasattr(os, "getuid") and stat.S_IMODE(info.st_mode) != 0o600:
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def write_private(path: str, data: bytes) -> bool:
    """Write a cache file as :func:`read_private` will read it: mode 0600, replaced
    whole, in a folder made 0700 when it is new. Nothing is written in a folder
    that is not private; returns whether the file was written."""
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not _private_folder(folder):
            return False
        temporary = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        return False
    return True


# -- installed entry points (a speed trick, docs/performance.md) ---------------------------------

ENTRY_POINTS_FILE = "entry-points.marshal"


def _installed_entry_points(group: str) -> list[tuple[str, str, str | None, str | None]]:
    from importlib.metadata import entry_points

    return [(ep.name, ep.value, ep.dist.name if ep.dist else None, ep.dist.version if ep.dist else None)
            for ep in entry_points(group=group)]


def entry_points(group: str, remember: bool = True) -> list[tuple[str, str, str | None, str | None]]:
    """``(name, value, distribution, version)`` of every installed entry point of ``group``.

    Finding them (``importlib.metadata``) reads every installed distribution's
    metadata: about 10 ms of every command. A speed trick (``remember``: the plugin
    manager passes ``_speedups.enabled()``, off with ``FOLLOWUP_SCRIPT_NO_SPEEDUPS=1``)
    keeps the list in the user cache, read only as :func:`read_private` reads (this
    user's 0600 file in a private folder), for as long as :func:`path_key` is the same:
    installing, upgrading or removing a distribution adds or removes a ``.dist-info``
    folder, which changes its folder's mtime.
    """
    if not remember:
        return _installed_entry_points(group)
    import marshal

    key = [sys.version, group, path_key()]
    path = cache_path(ENTRY_POINTS_FILE)
    data = read_private(path)
    if data is not None:
        try:
            saved_key, found = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            saved_key = found = None
        if saved_key == key and isinstance(found, list):
            return [tuple(row) for row in found]
    found = _installed_entry_points(group)
    write_private(path, marshal.dumps((key, [list(row) for row in found])))  # if it cannot: only speed is lost
    return found


def load_entry_point(value: str):
    """The object an entry point's ``value`` names (``module:attr.attr [extras]``), as
    ``importlib.metadata.EntryPoint.load`` finds it."""
    import importlib

    target = value.partition("[")[0]
    module, _, attrs = target.partition(":")
    found = importlib.import_module(module.strip())
    for attr in filter(None, attrs.strip().split(".")):
        found = getattr(found, attr)
    return found

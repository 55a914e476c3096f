"""Writing a result to a file: whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

from followup_script.errors import InputError

__all__ = ["write_file"]


def write_file(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary name and a rename, so a reader
    never sees half a file. Problems are :class:`InputError` about the field ``output``."""
    target = Path(path)
    shown = str(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if target.is_dir():
            raise InputError("is a directory", field="output", value=shown, fix="give a file name")
        if not target.parent.exists():
            raise InputError(f"is in folder {str(target.parent)!r}, which does not exist", field="output",
                             value=shown, fix="create it first")
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError as exc:  # also from is_dir(): a name too long for the file system
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise InputError(f"cannot be written ({exc.strerror})", field="output", value=shown,
                         fix="pick another path") from None

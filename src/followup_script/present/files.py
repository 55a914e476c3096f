"""Writing a result to a file: whole or not at all, with one line when it cannot be."""

from __future__ import annotations

import os
from pathlib import Path

from followup_script._files import write_atomic
from followup_script.errors import InputError

__all__ = ["write_file"]


def write_file(path: str | Path, data: bytes, field: str = "output") -> None:
    """Write ``data`` to ``path`` with :func:`followup_script._files.write_atomic` (a
    regular file replaced whole and private, a device or FIFO written through).
    Problems are one :class:`InputError` about ``field``."""
    shown = str(path)
    folder = os.path.dirname(shown) or "."
    try:
        write_atomic(path, data)
    except IsADirectoryError:
        raise InputError("is a directory", field=field, value=shown, fix="give a file name") from None
    except FileNotFoundError as exc:
        if os.path.isdir(folder):  # it is there, but makes no files (/proc) or a link inside it dangles
            raise InputError(f"cannot be written ({exc.strerror})", field=field, value=shown,
                             fix="pick another path") from None
        raise InputError(f"is in folder {folder!r}, which does not exist", field=field,
                         value=shown, fix="create it first") from None
    except NotADirectoryError:
        raise InputError("is in a folder that is a file", field=field, value=shown,
                         fix="pick a path in an existing folder") from None
    except OSError as exc:  # a read-only file system, no space, no permission, a name too long
        raise InputError(f"cannot be written ({exc.strerror or exc})", field=field, value=shown,
                         fix="pick another path") from None

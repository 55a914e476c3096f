"""Faults of the tracker file itself, read from SQLite's error code.

Damaged (``SQLITE_CORRUPT``: the fix names ``export --salvage``), not a database
(``SQLITE_NOTADB``), the disk full (``SQLITE_FULL``), read-only
(``SQLITE_READONLY``), cannot be opened (``SQLITE_CANTOPEN``) or an I/O error
(``SQLITE_IOERR``): :func:`fault` says which, as a :class:`TrackerFault` (an
:class:`~followup_script.errors.InputError` naming the file by the field ``db``).
Any other SQLite error (a locked file, a bug in a query) is not a fault of the file.
"""

from __future__ import annotations

from pathlib import Path

from followup_script.errors import InputError


class TrackerFault(InputError):
    """The tracker file cannot be used as it is: damaged, full, read-only, unreadable.
    ``code`` is SQLite's error name (``SQLITE_CORRUPT``...)."""

    def __init__(self, path: Path, problem: str, fix: str, code: str):
        self.code = code
        super().__init__(problem, field="db", value=str(path), fix=fix)

    def sentence(self, label: str | None = None) -> str:
        """Named as what it is, whichever way the file was given (``--db``, the environment,
        the default): ``tracker file '/path' is damaged ...``."""
        return super().sentence(label or "tracker file")


#: SQLite's primary error names that are faults of the file, and what to say and do.
_FAULTS = {
    "SQLITE_CORRUPT": ("is damaged ({error})",
                       "save what can still be read with: followup-script export --salvage --output "
                       "rescued.json, then import that into a new tracker (--db new.sqlite3)"),
    "SQLITE_NOTADB": ("is not a followup-script tracker file ({error})",
                      "give another path or move that file away"),
    "SQLITE_FULL": ("cannot be written: the disk is full ({error})",
                    "free some space and run the command again; nothing was changed"),
    "SQLITE_READONLY": ("cannot be written: the file or its file system is read-only ({error})",
                        "make it writable (or its folder, for the -wal and -shm files), or copy it "
                        "elsewhere and give that path; nothing was changed"),
    "SQLITE_CANTOPEN": ("cannot be opened ({error})",
                        "check that it and its folder exist and can be written (SQLite needs its -wal "
                        "and -shm files beside it)"),
    "SQLITE_IOERR": ("could not be read or written: the disk reported an error ({error})",
                     "check the disk (and its free space), then run the command again"),
}


def fault(path: Path, exc: BaseException) -> TrackerFault | None:
    """What an SQLite error says about the file at ``path``, or None when it is not a fault
    of the file (a locked file, a bug in a query): damaged, not a database, full, read-only,
    cannot be opened, an I/O error. Read from the error's code (Python 3.11's
    ``sqlite_errorname``; extended codes such as ``SQLITE_IOERR_WRITE`` count as their family)."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    for code, (problem, fix) in _FAULTS.items():
        if name == code or name.startswith(code + "_"):
            return TrackerFault(path, problem.format(error=exc), fix, name)
    return None

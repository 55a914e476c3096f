"""The tracker file: how it is opened, its schema and migrations, its transactions.

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` (in
``tracker/migrations.py``) holds one step per version and :func:`apply_migrations`
applies the missing ones inside a
write transaction. A file from a newer followup-script is refused, never
guessed at. Every connection runs in WAL mode with foreign keys on and a busy
timeout, so two processes can write at once.

Every command runs in one transaction: :meth:`Database.write` (``BEGIN
IMMEDIATE``) or :meth:`Database.read`. With :mod:`followup_script.tracker.store`
(the queries), this is where the tracker's SQL lives. Errors name the file by
the field ``db`` (the command line's ``--db``).

A fault of the file itself (:func:`fault`) says what happened, by SQLite's error code:
damaged (``SQLITE_CORRUPT``, with the salvage to run: ``export --salvage``), not a
database at all (``SQLITE_NOTADB``), the disk full (``SQLITE_FULL``), read-only
(``SQLITE_READONLY``), cannot be opened (``SQLITE_CANTOPEN``) or an I/O error
(``SQLITE_IOERR``), at open and in any transaction alike.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from followup_script._files import private_file, private_folder
from followup_script.errors import InputError
from followup_script.tracker.faults import TrackerFault, fault  # noqa: F401 - TrackerFault: also read from here
from followup_script.tracker.migrations import MIGRATIONS, SCHEMA_VERSION  # noqa: F401 - MIGRATIONS: also read from here

ENV_DB = "FOLLOWUP_SCRIPT_DB"
BUSY_TIMEOUT_SECONDS = 30.0

# -- opening ------------------------------------------------------------------------------


def bad_file(path: Path, problem: str, fix: str) -> InputError:
    return InputError(problem, field="db", value=str(path), fix=fix)


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection to the tracker file at ``path`` (created, with its folder, if needed)."""
    if path.is_dir():
        raise bad_file(path, "is a directory", "give a file name such as tracker.sqlite3")
    try:
        private_folder(path.parent)  # a new folder is 0700, a new file 0600, whatever the umask
        private_file(path)
    except OSError as exc:
        raise bad_file(path, f"is in a folder that cannot be created ({exc.strerror})",
                       "pick another path") from None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise fault(path, exc) or bad_file(path, f"cannot be opened ({exc})", "pick another path") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise bad_file(path, f"cannot use WAL mode (got {mode})", "put it on a local disk")
        conn.execute("PRAGMA synchronous = NORMAL")
        _private_side_files(path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise fault(path, exc) or not_a_tracker(path, exc) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _private_side_files(path: Path) -> None:
    """SQLite makes ``-wal`` and ``-shm`` with the tracker's own mode; make sure they are
    this user's alone even beside a tracker made before files were created 0600."""
    for suffix in ("-wal", "-shm"):
        side = f"{path}{suffix}"
        try:
            info = os.lstat(side)
            if stat.S_ISREG(info.st_mode) and info.st_mode & 0o077 and info.st_uid == os.getuid():
                os.chmod(side, 0o600)
        except (OSError, AttributeError):  # not there (yet), or not ours to change
            pass


def not_a_tracker(path: Path, exc: Exception) -> InputError:
    return bad_file(path, f"is not a followup-script tracker file ({exc})",
                    "give another path or move that file away")


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def apply_migrations(store) -> None:
    """Bring ``store``'s file to :data:`SCHEMA_VERSION`, one step at a time, atomically."""
    conn = store.conn
    if schema_version(conn) == SCHEMA_VERSION:
        return
    with store.write():
        found = schema_version(conn)  # again, now that we hold the write lock
        if found > SCHEMA_VERSION:
            raise bad_file(store.path, f"was written by a newer followup-script (schema {found}; "
                                       f"this one knows up to {SCHEMA_VERSION})",
                           "upgrade followup-script to use it")
        if found == 0:
            tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
            if tables:
                raise bad_file(store.path, "is an SQLite file of another program",
                               "give another path for the tracker")
        for step in range(found, SCHEMA_VERSION):
            MIGRATIONS[step](conn)
            conn.execute(f"PRAGMA user_version = {step + 1}")


# -- the open file ------------------------------------------------------------------------


def default_path() -> Path:
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from followup_script.input.config import data_dir

    return data_dir() / "tracker.sqlite3"


class Database:
    """One open tracker file: the connection, its transactions, the schema version and
    the ``meta`` table. :class:`~followup_script.tracker.store.Store` adds the queries."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._depth = 0
        self._writing = False

    @classmethod
    def open(cls, path: str | Path | None = None, timeout: float = BUSY_TIMEOUT_SECONDS) -> Database:
        """Open (creating if needed) and migrate the tracker file at ``path``."""
        path = Path(path).expanduser() if path else default_path()
        store = cls(connect(path, timeout), path)
        try:
            store.migrate()
        except sqlite3.DatabaseError as exc:
            store.close()
            raise fault(path, exc) or not_a_tracker(path, exc) from None
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction (``BEGIN IMMEDIATE``): all of it or none of it.

        Nested calls join the outer transaction.
        """
        if self._depth:
            if not self._writing:
                raise RuntimeError("a write inside a read transaction; open the write first")
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        with self.faults():
            self.conn.execute("BEGIN IMMEDIATE")
        self._depth, self._writing = 1, True
        try:
            with self.faults():
                try:
                    yield self
                except BaseException:
                    self._rollback()
                    raise
                else:
                    self.conn.execute("COMMIT")
        finally:
            self._depth, self._writing = 0, False

    def _rollback(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.OperationalError:  # SQLite already rolled back (a full disk, an I/O error)
            if self.conn.in_transaction:
                raise

    @contextmanager
    def faults(self) -> Iterator[None]:
        """An SQLite error that is a fault of the file (:func:`fault`) raised as a
        :class:`TrackerFault` naming it; any other error as it is."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            found = fault(self.path, exc)
            if found is None:
                raise
            raise found from exc

    @contextmanager
    def read(self) -> Iterator[Database]:
        """A read transaction: one consistent snapshot, writers are not blocked."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        with self.faults():
            self.conn.execute("BEGIN")
        self._depth = 1
        try:
            with self.faults():
                yield self
        except BaseException:
            self._depth = 0
            self._end_read(quietly=True)  # the error in flight says what happened
            raise
        self._depth = 0
        with self.faults():
            self._end_read()

    def _end_read(self, quietly: bool = False) -> None:
        try:
            self.conn.execute("COMMIT")
        except sqlite3.ProgrammingError:  # closed under an abandoned generator: nothing to end
            pass
        except sqlite3.DatabaseError:
            if not quietly:
                raise

    # -- schema ------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return schema_version(self.conn)

    def migrate(self) -> None:
        """Bring the file to :data:`SCHEMA_VERSION`, one step at a time, atomically."""
        apply_migrations(self)

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

"""The tracker file's schema: migrations, and how a connection is opened.

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` holds
one step per version and :func:`migrate` applies the missing ones inside a
write transaction. A file from a newer followup-script is refused, never
guessed at. Every connection runs in WAL mode with foreign keys on and a busy
timeout, so two processes can write at once.

Part of the store (:mod:`followup_script.tracker.store`): the SQL of the
tracker lives in these two modules only. Errors name the file by the field
``db`` (the command line's ``--db``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from followup_script.errors import InputError

# -- migrations ---------------------------------------------------------------------------
# MIGRATIONS[n] turns a version-n file into a version-(n+1) file. Each step is
# frozen once released: later changes are new steps, never edits of old ones.

_V1 = """
CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    company     TEXT,
    role        TEXT,
    situation   TEXT NOT NULL DEFAULT 'application'
                CHECK (situation IN ('application', 'interview', 'networking', 'info')),
    phone       TEXT,
    email       TEXT,
    timezone    TEXT,
    call_window TEXT,
    notes       TEXT,
    stopped_on  TEXT,
    stop_note   TEXT,
    revision    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    -- derived from the touches by the tracker through the engine (a cache)
    last_at      TEXT,
    last_outcome TEXT,
    next_at      TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    touch_count  INTEGER NOT NULL DEFAULT 0,
    due_key      TEXT
);
CREATE TABLE touches (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    via         TEXT NOT NULL CHECK (via IN ('call', 'meeting', 'voicemail', 'email', 'sms')),
    outcome     TEXT NOT NULL CHECK (outcome IN
                ('scheduled', 'no-time', 'no-commitment', 'no-answer', 'replied', 'stop')),
    next_at     TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX touches_by_contact ON touches(contact_id, at, id);
CREATE INDEX contacts_by_due ON contacts(due_key, name_key);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    for statement in _V1.split(";"):
        if statement.strip():
            conn.execute(statement)


_V2 = """
CREATE TABLE deliveries (
    key         TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    contact_id  INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'failed', 'done')),
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    receipt     TEXT,
    error       TEXT
);
"""


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Deliveries by idempotency key: 'pending' before the call, 'done' after it."""
    conn.execute(_V2)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_0_to_1, _migrate_1_to_2]
SCHEMA_VERSION = len(MIGRATIONS)


# -- opening ------------------------------------------------------------------------------


def bad_file(path: Path, problem: str, fix: str) -> InputError:
    return InputError(problem, field="db", value=str(path), fix=fix)


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection to the tracker file at ``path`` (created, with its folder, if needed)."""
    if path.is_dir():
        raise bad_file(path, "is a directory", "give a file name such as tracker.sqlite3")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise bad_file(path, f"is in a folder that cannot be created ({exc.strerror})",
                       "pick another path") from None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise bad_file(path, f"cannot be opened ({exc})", "pick another path") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise bad_file(path, f"cannot use WAL mode (got {mode})", "put it on a local disk")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise not_a_tracker(path, exc) from None
    except BaseException:
        conn.close()
        raise
    return conn


def not_a_tracker(path: Path, exc: Exception) -> InputError:
    return bad_file(path, f"is not a followup-script tracker file ({exc})",
                    "give another path or move that file away")


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(store) -> None:
    """Bring ``store``'s file to :data:`SCHEMA_VERSION`, one step at a time, atomically."""
    conn = store.conn
    if version(conn) == SCHEMA_VERSION:
        return
    with store.write():
        found = version(conn)  # again, now that we hold the write lock
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

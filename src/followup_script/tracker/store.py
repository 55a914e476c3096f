"""The tracker's SQLite file: schema, migrations and queries.

One file per user (``tracker.sqlite3`` in the platformdirs user data dir, or
``--db PATH`` / ``FOLLOWUP_SCRIPT_DB``), opened in WAL mode with foreign keys
on and a busy timeout, so two processes can write at once. Every command runs
in one transaction: :meth:`Store.write` (``BEGIN IMMEDIATE``) or
:meth:`Store.read`.

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` holds
one step per version and :meth:`Store.open` applies the missing ones inside a
write transaction. A file from a newer followup-script is refused, never
guessed at.

This module stores and fetches. It does not decide stages: the columns
``last_at``, ``last_outcome``, ``next_at``, ``attempts`` and ``due_key`` of
``contacts`` are a cache the tracker fills from the touch history through the
engine (:mod:`followup_script.tracker.service`), so the ``due`` queue is one indexed
query however long the history grows.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path

from followup_script.errors import InputError

ENV_DB = "FOLLOWUP_SCRIPT_DB"
BUSY_TIMEOUT_SECONDS = 30.0

VIAS = ("call", "meeting", "voicemail", "email", "sms")
CONTACT_FIELDS = (
    "name", "company", "role", "situation", "phone", "email", "timezone", "call_window", "notes",
)

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


# -- rows ---------------------------------------------------------------------------------


@dataclass
class Contact:
    id: int
    uid: str
    name: str
    name_key: str
    company: str | None
    role: str | None
    situation: str
    phone: str | None
    email: str | None
    timezone: str | None
    call_window: str | None
    notes: str | None
    stopped_on: str | None
    stop_note: str | None
    revision: int
    created_at: str
    updated_at: str
    last_at: str | None
    last_outcome: str | None
    next_at: str | None
    attempts: int
    touch_count: int
    due_key: str | None

    @property
    def stopped(self) -> bool:
        return self.stopped_on is not None

    def script_fields(self) -> dict:
        """The contact as the templates see it (``Scriptwriter.write``)."""
        return {k: getattr(self, k) for k in ("name", "company", "role", "phone", "email")
                if getattr(self, k)}

    def label(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name


@dataclass
class Touch:
    id: int
    uid: str
    contact_id: int
    at: dt.date
    via: str
    outcome: str
    next_at: dt.date | dt.datetime | None
    note: str | None
    created_at: str


@dataclass
class Delivery:
    """One delivery attempt, by its idempotency key (``Scriptwriter.delivery_key``)."""

    key: str
    channel: str
    contact_id: int | None
    status: str
    started_at: str
    finished_at: str | None
    receipt: str | None
    error: str | None


_CONTACT_COLUMNS = ", ".join(f.name for f in fields(Contact))
_DELIVERY_COLUMNS = ", ".join(f.name for f in fields(Delivery))
_TOUCH_COLUMNS = ", ".join(f.name for f in fields(Touch))


def name_key(name: str) -> str:
    """How names are compared: case-insensitive, spaces collapsed."""
    return " ".join(name.split()).casefold()


def format_moment(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def parse_moment(text: str | None) -> dt.date | dt.datetime | None:
    if not text:
        return None
    if "T" in text:
        return dt.datetime.fromisoformat(text)
    return dt.date.fromisoformat(text)


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_uid() -> str:
    return str(uuid.uuid4())


def default_path() -> Path:
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from followup_script.input.config import data_dir

    return data_dir() / "tracker.sqlite3"


# -- the store ----------------------------------------------------------------------------


class Store:
    """One open tracker file. Use :meth:`read` / :meth:`write` around every query."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._depth = 0
        self._writing = False

    @classmethod
    def open(cls, path: str | Path | None = None, timeout: float = BUSY_TIMEOUT_SECONDS) -> Store:
        """Open (creating if needed) and migrate the tracker file at ``path``."""
        path = Path(path).expanduser() if path else default_path()
        if path.is_dir():
            raise InputError(f"--db {str(path)!r} is a directory; give a file name such as tracker.sqlite3")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"--db {str(path)!r}: folder cannot be created ({exc.strerror}); pick another path"
            ) from None
        try:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise InputError(f"--db {str(path)!r} cannot be opened ({exc}); pick another path") from None
        store = cls(conn, path)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise InputError(
                    f"--db {str(path)!r} cannot use WAL mode (got {mode}); put it on a local disk"
                )
            conn.execute("PRAGMA synchronous = NORMAL")
            store.migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise InputError(
                f"--db {str(path)!r} is not a followup-script tracker file ({exc}); "
                "give another path or move that file away"
            ) from None
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Store]:
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
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth, self._writing = 1, True
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth, self._writing = 0, False

    @contextmanager
    def read(self) -> Iterator[Store]:
        """A read transaction: one consistent snapshot, writers are not blocked."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN")
        self._depth = 1
        try:
            yield self
        finally:
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except sqlite3.ProgrammingError:  # closed under an abandoned generator: nothing to end
                pass

    # -- schema ------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Bring the file to :data:`SCHEMA_VERSION`, one step at a time, atomically."""
        if self.version == SCHEMA_VERSION:
            return
        with self.write():
            version = self.version  # again, now that we hold the write lock
            if version > SCHEMA_VERSION:
                raise InputError(
                    f"--db {str(self.path)!r} was written by a newer followup-script "
                    f"(schema {version}; this one knows up to {SCHEMA_VERSION}); "
                    "upgrade followup-script to use it"
                )
            if version == 0:
                tables = self.conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                ).fetchone()[0]
                if tables:
                    raise InputError(
                        f"--db {str(self.path)!r} is an SQLite file of another program; "
                        "give another path for the tracker"
                    )
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](self.conn)
                self.conn.execute(f"PRAGMA user_version = {step + 1}")

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- contacts ----------------------------------------------------------------------

    def _contacts(self, where: str = "", params: tuple = (), order: str = "name_key") -> Iterator[Contact]:
        cursor = self.conn.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM contacts {where} ORDER BY {order}", params
        )
        for row in cursor:
            yield Contact(*row)

    def contacts(self) -> Iterator[Contact]:
        """Every contact by name, streamed from a cursor."""
        return self._contacts()

    def contact(self, contact_id: int) -> Contact:
        found = next(self._contacts("WHERE id = ?", (contact_id,)), None)
        if found is None:
            raise InputError(f"contact #{contact_id} does not exist; see followup-script contact list")
        return found

    def contact_by_uid(self, uid: str) -> Contact | None:
        return next(self._contacts("WHERE uid = ?", (uid,)), None)

    def contact_by_key(self, key: str) -> Contact | None:
        return next(self._contacts("WHERE name_key = ?", (key,)), None)

    def contacts_matching(self, fragment: str) -> list[Contact]:
        return list(self._contacts("WHERE instr(name_key, ?) > 0", (fragment,)))

    def due_contacts(self, before: str) -> Iterator[Contact]:
        """Not stopped, with a cached due key before ``before``; earliest due first."""
        return self._contacts(
            "WHERE stopped_on IS NULL AND due_key IS NOT NULL AND due_key < ?",
            (before,), order="due_key, name_key",
        )

    def add_contact(self, values: dict, uid: str | None = None, created_at: str | None = None) -> Contact:
        stamp = now_stamp()
        row = {k: values.get(k) for k in CONTACT_FIELDS}
        row["situation"] = row["situation"] or "application"
        row.update(uid=uid or new_uid(), name_key=name_key(row["name"]),
                   created_at=created_at or stamp, updated_at=stamp)
        if self.contact_by_key(row["name_key"]) is not None:
            raise InputError(
                f"a contact named {row['name']!r} already exists; edit it "
                f"(followup-script contact edit {row['name']!r}) or use a fuller name"
            )
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.conn.execute(f"INSERT INTO contacts ({columns}) VALUES ({marks})", tuple(row.values()))
        return self.contact(cursor.lastrowid)

    def update_contact(self, contact_id: int, values: dict) -> Contact:
        """Change contact fields (never the stop flag); bumps the revision."""
        changes = {k: v for k, v in values.items() if k in CONTACT_FIELDS}
        if "name" in changes:
            key = name_key(changes["name"])
            other = self.contact_by_key(key)
            if other is not None and other.id != contact_id:
                raise InputError(f"a contact named {other.name!r} already exists; pick another name")
            changes["name_key"] = key
        if not changes:
            return self.contact(contact_id)
        sets = ", ".join(f"{k} = ?" for k in changes)
        self.conn.execute(
            f"UPDATE contacts SET {sets}, updated_at = ?, revision = revision + 1 WHERE id = ?",
            (*changes.values(), now_stamp(), contact_id),
        )
        return self.contact(contact_id)

    def remove_contact(self, contact_id: int) -> None:
        self.conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))

    def remove_touch(self, touch_id: int) -> None:
        """Take back a touch (the caller re-derives the contact's cached state)."""
        self.conn.execute("DELETE FROM touches WHERE id = ?", (touch_id,))

    def set_stop(self, contact_id: int, on: dt.date | None, note: str | None) -> None:
        """Set (``on`` a date) or lift (``on`` None) the stop flag; bumps the revision."""
        self.conn.execute(
            "UPDATE contacts SET stopped_on = ?, stop_note = ?, revision = revision + 1, "
            "updated_at = ? WHERE id = ?",
            (on.isoformat() if on else None, note if on else None, now_stamp(), contact_id),
        )

    def set_revision(self, contact_id: int, revision: int) -> None:
        self.conn.execute("UPDATE contacts SET revision = max(revision, ?) WHERE id = ?",
                          (revision, contact_id))

    def set_state(self, contact_id: int, last_at: str | None, last_outcome: str | None,
                  next_at: str | None, attempts: int, touch_count: int, due_key: str | None) -> None:
        """Store what the tracker derived from the touches (see the module docstring)."""
        self.conn.execute(
            "UPDATE contacts SET last_at = ?, last_outcome = ?, next_at = ?, attempts = ?, "
            "touch_count = ?, due_key = ? WHERE id = ?",
            (last_at, last_outcome, next_at, attempts, touch_count, due_key, contact_id),
        )

    def contact_ids(self) -> list[int]:
        return [row[0] for row in self.conn.execute("SELECT id FROM contacts ORDER BY id")]

    # -- touches -----------------------------------------------------------------------

    def add_touch(self, contact_id: int, at: dt.date, via: str, outcome: str,
                  next_at: dt.date | dt.datetime | None = None, note: str | None = None,
                  uid: str | None = None, created_at: str | None = None) -> Touch:
        cursor = self.conn.execute(
            "INSERT INTO touches (uid, contact_id, at, via, outcome, next_at, note, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (uid or new_uid(), contact_id, at.isoformat(), via, outcome, format_moment(next_at),
             note, created_at or now_stamp()),
        )
        self.conn.execute(
            "UPDATE contacts SET revision = revision + 1, updated_at = ? WHERE id = ?",
            (now_stamp(), contact_id),
        )
        return self.touch(cursor.lastrowid)

    def _touches(self, where: str, params: tuple, order: str = "at, id") -> Iterator[Touch]:
        cursor = self.conn.execute(f"SELECT {_TOUCH_COLUMNS} FROM touches {where} ORDER BY {order}", params)
        for row in cursor:
            touch = Touch(*row)
            touch.at = dt.date.fromisoformat(touch.at)
            touch.next_at = parse_moment(touch.next_at)
            yield touch

    def touch(self, touch_id: int) -> Touch:
        return next(self._touches("WHERE id = ?", (touch_id,)))

    def touch_uids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT uid FROM touches")}

    def touches(self, contact_id: int) -> list[Touch]:
        """The whole history of one contact, oldest first."""
        return list(self._touches("WHERE contact_id = ?", (contact_id,)))

    def latest_touches(self, contact_id: int) -> Iterator[Touch]:
        """One contact's touches newest first, read lazily through the index."""
        return self._touches("WHERE contact_id = ?", (contact_id,), order="at DESC, id DESC")

    # -- deliveries --------------------------------------------------------------------

    def delivery(self, key: str) -> Delivery | None:
        row = self.conn.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE key = ?", (key,)
        ).fetchone()
        return Delivery(*row) if row else None

    def start_delivery(self, key: str, channel: str, contact_id: int | None) -> None:
        """Record (or re-arm) ``key`` as 'pending', keeping when it was first started."""
        self.conn.execute(
            "INSERT INTO deliveries (key, channel, contact_id, status, started_at) "
            "VALUES (?, ?, ?, 'pending', ?) ON CONFLICT(key) DO UPDATE SET status = 'pending', "
            "finished_at = NULL, error = NULL",
            (key, channel, contact_id, now_stamp()),
        )

    def finish_delivery(self, key: str, status: str, receipt: str | None = None,
                        error: str | None = None) -> None:
        """Mark ``key`` 'done' (with the receipt as JSON) or 'failed' (with the error)."""
        self.conn.execute(
            "UPDATE deliveries SET status = ?, finished_at = ?, receipt = ?, error = ? WHERE key = ?",
            (status, now_stamp(), receipt, error, key),
        )

"""The tracker file's schema, one step per version (``PRAGMA user_version``).

:data:`MIGRATIONS` ``[n]`` turns a version-n file into a version-(n+1) file;
:func:`followup_script.tracker.database.apply_migrations` applies the missing
steps inside one write transaction. Each step is frozen once released: later
changes are new steps, never edits of old ones.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from followup_script.tracker.names import fold

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


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Each contact's name as names are compared (``name_fold``: see
    :mod:`followup_script.tracker.names`), and a snooze: not due before
    ``snoozed_until`` (a day), with what they said (``snooze_note``)."""
    conn.execute("ALTER TABLE contacts ADD COLUMN name_fold TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE contacts ADD COLUMN snoozed_until TEXT")
    conn.execute("ALTER TABLE contacts ADD COLUMN snooze_note TEXT")
    conn.execute("CREATE INDEX contacts_by_fold ON contacts(name_fold)")
    for contact_id, name in conn.execute("SELECT id, name FROM contacts").fetchall():
        conn.execute("UPDATE contacts SET name_fold = ? WHERE id = ?", (fold(name), contact_id))


_TOUCHES_V4 = """
CREATE TABLE touches_v4 (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    via         TEXT NOT NULL CHECK (via IN ('call', 'meeting', 'voicemail', 'email', 'sms', 'application')),
    outcome     TEXT NOT NULL CHECK (outcome IN
                ('scheduled', 'no-time', 'no-commitment', 'no-answer', 'replied', 'stop')),
    next_at     TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL
)
"""


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    """A touch may be an application sent (``via = 'application'``): the touches table is
    rebuilt with the wider check (SQLite cannot change a check in place), rows and ids kept."""
    conn.execute(_TOUCHES_V4)
    conn.execute("INSERT INTO touches_v4 (id, uid, contact_id, at, via, outcome, next_at, note, created_at) "
                 "SELECT id, uid, contact_id, at, via, outcome, next_at, note, created_at FROM touches")
    conn.execute("DROP TABLE touches")
    conn.execute("ALTER TABLE touches_v4 RENAME TO touches")
    conn.execute("CREATE INDEX touches_by_contact ON touches(contact_id, at, id)")


def _migrate_4_to_5(conn: sqlite3.Connection) -> None:
    """How to address a contact: the name to greet them by (``first_name``, e.g. "María
    José" or "Dr. Natarajan") and a whole greeting (``greeting``), both given by the user
    and used as written; and what an info request asked about (``topic``)."""
    for column in ("first_name", "greeting", "topic"):
        conn.execute(f"ALTER TABLE contacts ADD COLUMN {column} TEXT")


_INBOX_EVENTS = """
CREATE TABLE inbox_events (
    inbox       TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    contact_id  INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    touch_id    INTEGER REFERENCES touches(id) ON DELETE SET NULL,
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (inbox, message_id)
)
"""


def _migrate_5_to_6(conn: sqlite3.Connection) -> None:
    """What ``sync`` found (#18): each inbox event once, by (inbox, message id), with what
    it did; and a bounce on the contact (``bounced_on``, ``bounce_note``)."""
    conn.execute(_INBOX_EVENTS)
    conn.execute("CREATE INDEX inbox_events_by_contact ON inbox_events(contact_id, at)")
    for column in ("bounced_on", "bounce_note"):
        conn.execute(f"ALTER TABLE contacts ADD COLUMN {column} TEXT")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_0_to_1, _migrate_1_to_2, _migrate_2_to_3,
                                                          _migrate_3_to_4, _migrate_4_to_5, _migrate_5_to_6]
SCHEMA_VERSION = len(MIGRATIONS)

"""The tracker's SQLite file: every query the tracker makes.

One file per user (``tracker.sqlite3`` in the platformdirs user data dir, or a
path the front end gives, or ``FOLLOWUP_SCRIPT_DB``), opened in WAL mode with
foreign keys on and a busy timeout, so two processes can write at once. Every
command runs in one transaction: :meth:`Store.write` (``BEGIN IMMEDIATE``) or
:meth:`Store.read`. Opening the file, its schema, migrations and transactions
are in :mod:`followup_script.tracker.database`; the rows are plain dataclasses
in :mod:`followup_script.tracker.rows`.

This module stores and fetches. It does not decide stages: the columns
``last_at``, ``last_outcome``, ``next_at``, ``attempts`` and ``due_key`` of
``contacts`` are a cache the tracker fills from the touch history through the
engine (:mod:`followup_script.tracker.history`), so the ``due`` queue is one
indexed query however long the history grows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Generator, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any, cast

from followup_script.errors import InputError
from followup_script.tracker.database import (  # noqa: F401 (part of the store's API)
    MIGRATIONS,
    SCHEMA_VERSION,
    Database,
    default_path,
)
from followup_script.tracker.names import fold
from followup_script.tracker.rows import (
    TRACKED_CONTACT_FIELDS,
    Contact,
    Delivery,
    Touch,
    format_moment,
    name_key,
    new_uid,
    now_stamp,
    parse_moment,
)

_CONTACT_COLUMNS = ", ".join(f.name for f in fields(Contact))
_DELIVERY_COLUMNS = ", ".join(f.name for f in fields(Delivery))
_TOUCH_COLUMNS = ", ".join(f.name for f in fields(Touch))


class TouchQueries:
    """The touches' queries (a part of :class:`Store`): each change bumps the contact's
    revision; the caller re-derives the contact's cached state."""

    conn: sqlite3.Connection

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
        return self.touch(cast(int, cursor.lastrowid))  # set by the INSERT

    def _touches(self, where: str, params: tuple, order: str = "at, id") -> Iterator[Touch]:
        cursor = self.conn.execute(f"SELECT {_TOUCH_COLUMNS} FROM touches {where} ORDER BY {order}", params)
        for row in cursor:
            touch = Touch(*row)
            touch.at = dt.date.fromisoformat(cast(str, touch.at))  # the row's text, made a date
            touch.next_at = parse_moment(cast("str | None", touch.next_at))
            yield touch

    def touch(self, touch_id: int) -> Touch:
        found = next(self._touches("WHERE id = ?", (touch_id,)), None)
        if found is None:
            raise InputError(f"there is no touch {touch_id}; see the ids in followup-script touch list NAME")
        return found

    def last_logged_touch(self, contact_id: int) -> Touch | None:
        """The touch of ``contact_id`` logged last (whatever its date), or None."""
        return next(self._touches("WHERE contact_id = ?", (contact_id,), order="id DESC"), None)

    def touch_uids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT uid FROM touches")}

    def touches(self, contact_id: int) -> list[Touch]:
        """The whole history of one contact, oldest first."""
        return list(self._touches("WHERE contact_id = ?", (contact_id,)))

    def latest_touches(self, contact_id: int) -> Iterator[Touch]:
        """One contact's touches newest first, read lazily through the index."""
        return self._touches("WHERE contact_id = ?", (contact_id,), order="at DESC, id DESC")

    def remove_touch(self, touch_id: int) -> None:
        """Take back a touch (the caller re-derives the contact's cached state); bumps the
        contact's revision."""
        self.conn.execute(
            "UPDATE contacts SET revision = revision + 1, updated_at = ? "
            "WHERE id = (SELECT contact_id FROM touches WHERE id = ?)", (now_stamp(), touch_id))
        self.conn.execute("DELETE FROM touches WHERE id = ?", (touch_id,))

    def update_touch(self, touch_id: int, at: dt.date, via: str, outcome: str,
                     next_at: dt.date | dt.datetime | None, note: str | None) -> Touch:
        """Change a touch (the caller re-derives the contact's cached state); bumps the
        contact's revision."""
        self.conn.execute(
            "UPDATE touches SET at = ?, via = ?, outcome = ?, next_at = ?, note = ? WHERE id = ?",
            (at.isoformat(), via, outcome, format_moment(next_at), note, touch_id))
        touch = self.touch(touch_id)
        self.conn.execute("UPDATE contacts SET revision = revision + 1, updated_at = ? WHERE id = ?",
                          (now_stamp(), touch.contact_id))
        return touch

    def touch_count(self, contact_id: int) -> int:
        return self.conn.execute("SELECT count(*) FROM touches WHERE contact_id = ?", (contact_id,)).fetchone()[0]


class DeliveryQueries:
    """The deliveries' queries (a part of :class:`Store`): one row per idempotency key."""

    conn: sqlite3.Connection

    def deliveries_of(self, contact_id: int) -> list[Delivery]:
        """The deliveries made to ``contact_id``, oldest first."""
        return [Delivery(*row) for row in self.conn.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE contact_id = ? ORDER BY started_at, key",
            (contact_id,))]

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


class Store(TouchQueries, DeliveryQueries, Database):
    """One open tracker file and its queries. Use :meth:`read` / :meth:`write` around every query.

    The contacts' queries are here; the touches' and the deliveries' come from
    :class:`TouchQueries` and :class:`DeliveryQueries` (below)."""

    # -- contacts ----------------------------------------------------------------------

    def _contacts(self, where: str = "", params: tuple = (), order: str = "name_key") -> Generator[Contact, None, None]:
        cursor = self.conn.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM contacts {where} ORDER BY {order}", params
        )
        for row in cursor:
            yield Contact(*row)

    def contacts(self) -> Generator[Contact, None, None]:
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

    def contacts_by_fold(self, folded: str) -> list[Contact]:
        """The contacts whose name is ``folded`` as names are compared (tracker.names.fold)."""
        return list(self._contacts("WHERE name_fold = ?", (folded,)))

    def contacts_matching(self, fragment: str) -> list[Contact]:
        """The contacts whose folded name, without spaces, holds ``fragment`` (folded, no spaces)."""
        return list(self._contacts("WHERE instr(replace(name_fold, ' ', ''), ?) > 0", (fragment,)))

    def name_folds(self) -> list[tuple[str, str]]:
        """Every contact's (name, folded name), by name."""
        return list(self.conn.execute("SELECT name, name_fold FROM contacts ORDER BY name_key"))

    def due_contacts(self, before: str) -> Generator[Contact, None, None]:
        """Not stopped, with a cached due key before ``before``; earliest due first."""
        return self._contacts(
            "WHERE stopped_on IS NULL AND due_key IS NOT NULL AND due_key < ?",
            (before,), order="due_key, name_key",
        )

    def scheduled_contacts(self, today: str) -> Generator[Contact, None, None]:
        """Not stopped, last told of a call agreed for ``today`` or later (its confirmation and
        reminder come before the call: ``tracker.agreed``)."""
        return self._contacts("WHERE stopped_on IS NULL AND last_outcome = 'scheduled' AND next_at >= ?",
                              (today,))

    def add_contact(self, values: dict, uid: str | None = None, created_at: str | None = None) -> Contact:
        stamp = now_stamp()
        row: dict[str, Any] = {k: values.get(k) for k in TRACKED_CONTACT_FIELDS}
        row["situation"] = row["situation"] or "application"
        row.update(uid=uid or new_uid(), name_key=name_key(row["name"]), name_fold=fold(row["name"]),
                   created_at=created_at or stamp, updated_at=stamp)
        self._refuse_a_second(row["name"])
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.conn.execute(f"INSERT INTO contacts ({columns}) VALUES ({marks})", tuple(row.values()))
        return self.contact(cast(int, cursor.lastrowid))  # set by the INSERT

    def update_contact(self, contact_id: int, values: dict) -> Contact:
        """Change contact fields (never the stop flag); bumps the revision."""
        changes = {k: v for k, v in values.items() if k in TRACKED_CONTACT_FIELDS}
        if "name" in changes:
            self._refuse_a_second(changes["name"], contact_id)
            changes["name_key"] = name_key(changes["name"])
            changes["name_fold"] = fold(changes["name"])
        if not changes:
            return self.contact(contact_id)
        sets = ", ".join(f"{k} = ?" for k in changes)
        self.conn.execute(
            f"UPDATE contacts SET {sets}, updated_at = ?, revision = revision + 1 WHERE id = ?",
            (*changes.values(), now_stamp(), contact_id),
        )
        return self.contact(contact_id)

    def _refuse_a_second(self, name: str, contact_id: int | None = None) -> None:
        """Refuse ``name`` when another contact has it, or the same name but for case,
        accents, apostrophes or punctuation (``Zoe OBrien`` beside ``Zoë O'Brien``)."""
        other = self.contact_by_key(name_key(name))
        if other is None and fold(name):
            other = next((c for c in self.contacts_by_fold(fold(name)) if c.id != contact_id), None)
        if other is None or other.id == contact_id:
            return
        if contact_id is not None:
            raise InputError(f"a contact named {other.name!r} already exists; pick another name")
        if other.name_key == name_key(name):
            raise InputError(f"a contact named {name!r} already exists; edit it "
                             f"(followup-script contact edit {name!r}) or use a fuller name")
        raise InputError(f"{name!r} is the name of {other.name!r} but for case, accents or punctuation; "
                         f"edit that contact (followup-script contact edit {other.name!r}) or use a fuller name")

    def remove_contact(self, contact_id: int) -> None:
        self.conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))

    def set_snooze(self, contact_id: int, until: dt.date | None, note: str | None) -> None:
        """Snooze (``until`` a day: not due before it) or wake (``until`` None); bumps the
        revision. The caller re-derives the cached state (the due key counts the snooze)."""
        self.conn.execute(
            "UPDATE contacts SET snoozed_until = ?, snooze_note = ?, revision = revision + 1, "
            "updated_at = ? WHERE id = ?",
            (until.isoformat() if until else None, note if until else None, now_stamp(), contact_id),
        )

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
        """Store what the tracker derived from the touches (see the module docstring).

        A snooze that ends after ``due_key`` is the due key instead: the queue is in the
        order things fall due, and a snoozed contact is not due before it ends."""
        self.conn.execute(
            "UPDATE contacts SET last_at = ?, last_outcome = ?, next_at = ?, attempts = ?, "
            "touch_count = ?, due_key = CASE WHEN ?6 IS NOT NULL AND snoozed_until > ?6 "
            "THEN snoozed_until ELSE ?6 END WHERE id = ?7",
            (last_at, last_outcome, next_at, attempts, touch_count, due_key, contact_id),
        )

    def contact_ids(self) -> list[int]:
        return [row[0] for row in self.conn.execute("SELECT id FROM contacts ORDER BY id")]


def contact_names(path: Path) -> list[str]:
    """Every contact's name by name, for shell completion: read only (no file or folder is
    created, nothing waits on a lock), and [] when the file is missing or not a tracker."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except (sqlite3.Error, OSError, ValueError):
        return []
    try:
        return [name for (name,) in conn.execute("SELECT name FROM contacts ORDER BY name_key")]
    except sqlite3.Error:
        return []
    finally:
        conn.close()

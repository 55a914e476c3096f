"""``export --salvage``: what can still be read from a damaged tracker file.

The file is read row by row, without migrating or writing it: a damaged page
loses the rows on it (counted), not the whole file. The result is an export
(:func:`~followup_script.tracker.transfer.export_data`'s shape) that ``import``
reads into a new tracker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from followup_script.errors import InputError
from followup_script.tracker.rows import TRACKED_CONTACT_FIELDS
from followup_script.tracker.transfer import EXPORT_FORMAT, EXPORT_VERSION

#: The columns a salvage reads (a file from before schema 3 has no snooze columns: null).
_SALVAGE_CONTACT = ("uid", *TRACKED_CONTACT_FIELDS, "stopped_on", "stop_note", "snoozed_until", "snooze_note",
                    "revision", "created_at")
_SALVAGE_TOUCH = ("uid", "contact_id", "at", "via", "outcome", "next_at", "note", "created_at")
#: A salvage tries at most this many row ids past the last one it could find.
_PROBE_LIMIT = 1_000_000


@dataclass
class Salvage:
    """What ``export --salvage`` read: the export (as :func:`export_data` gives it) and how
    many rows could not be read (``lost``, by table) or were left out (``orphans``: touches
    whose contact could not be read)."""

    data: dict
    lost: dict[str, int]
    orphans: int

    def summary(self, path) -> str:
        contacts = self.data["contacts"]
        touches = sum(len(c["touches"]) for c in contacts)
        head = f"salvaged {len(contacts)} contact(s) and {touches} touch(es) from {str(path)!r}"
        lost = [f"{n} {table[:-1] if table == 'contacts' else 'touch'} row(s)"
                for table, n in self.lost.items() if n]
        if not lost and not self.orphans:
            return f"{head}; every row could be read"
        tail = f"could not read {' and '.join(lost) or 'every row'}" if lost else "every row could be read"
        if self.orphans:
            tail += f"; {self.orphans} touch(es) of contacts that could not be read are left out"
        return f"{head}; {tail}; check it, then import it into a new tracker (--db new.sqlite3)"


def salvage(path: str | Path) -> Salvage:
    """Read what can still be read of the tracker file at ``path``, row by row, without
    migrating or writing it: a damaged page loses the rows on it, not the whole file."""
    import sqlite3

    from followup_script.tracker.database import fault

    path = Path(path).expanduser()
    if not path.is_file():
        raise InputError("does not exist", field="db", value=str(path), fix="give the path of the tracker file")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.text_factory = lambda data: data.decode("utf-8", "replace")
    try:
        lost: dict[str, int] = {}
        contacts = _salvage_rows(conn, "contacts", _SALVAGE_CONTACT, lost)
        touches = _salvage_rows(conn, "touches", _SALVAGE_TOUCH, lost)
    except sqlite3.DatabaseError as exc:
        raise (fault(path, exc) or InputError(f"cannot be read at all ({exc})", field="db", value=str(path),
                                              fix="restore it from a backup")) from None
    finally:
        conn.close()
    by_contact: dict[int, list[dict]] = {}
    for row in touches.values():
        touch = {"uid": row["uid"], "at": row["at"], "via": row["via"], "outcome": row["outcome"],
                 "next": row["next_at"], "note": row["note"], "created_at": row["created_at"]}
        by_contact.setdefault(row["contact_id"], []).append(touch)
    items = []
    for rowid, row in sorted(contacts.items(), key=lambda pair: str(pair[1]["name"]).casefold()):
        item = {"uid": row["uid"], **{k: row[k] for k in TRACKED_CONTACT_FIELDS}}
        item["stop"] = {"on": row["stopped_on"], "note": row["stop_note"]} if row["stopped_on"] else None
        item["snooze"] = ({"until": row["snoozed_until"], "note": row["snooze_note"]}
                          if row["snoozed_until"] else None)
        item["revision"] = row["revision"]
        item["created_at"] = row["created_at"]
        item["touches"] = sorted(by_contact.pop(rowid, []), key=lambda t: (str(t["at"]), str(t["created_at"])))
        items.append(item)
    orphans = sum(len(t) for t in by_contact.values())
    return Salvage({"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "contacts": items}, lost, orphans)


def _salvage_rows(conn, table: str, columns: tuple[str, ...], lost: dict[str, int]) -> dict[int, dict]:
    """The rows of ``table`` by rowid: a plain scan first; when a damaged page stops it, row by
    row (each id from 1 to the last), counting in ``lost[table]`` the ids that cannot be read."""
    import sqlite3

    present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    wanted = ", ".join(c if c in present else "NULL" for c in columns)
    select = f"SELECT rowid, {wanted} FROM {table} NOT INDEXED"
    rows: dict[int, dict] = {}
    lost[table] = 0
    try:
        for row in conn.execute(f"{select} ORDER BY rowid"):
            rows[row[0]] = dict(zip(columns, row[1:], strict=True))
        return rows
    except sqlite3.DatabaseError:
        pass
    try:
        last = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        last = None
    end = min(last if last is not None else max(rows, default=0) + _PROBE_LIMIT,
              max(rows, default=0) + _PROBE_LIMIT)
    misses = 0
    rowid = 0
    while rowid < end:
        rowid += 1
        if rowid in rows:
            misses = 0
            continue
        try:
            row = conn.execute(f"{select} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            lost[table] += 1
            continue
        if row is None:
            misses += 1
            if last is None and misses > 10_000:  # the end of the table, as far as can be told
                break
            continue
        misses = 0
        rows[rowid] = dict(zip(columns, row[1:], strict=True))
    return rows

"""Moving a tracker in and out: ``export`` (JSON) and ``import`` (CSV or JSON).

``export`` writes everything (contacts with their uids, stop flags, snoozes
and touches) as JSON that ``import`` reads back. ``import`` first reads and checks
the whole file (:func:`read_import`), listing every bad row at once, then
applies it in one transaction (:func:`import_records`): all of it or nothing.
Importing the same file twice changes nothing; a stop flag is never lifted by
an import. A snooze in the file is set (an export of version 1, from before
snoozes, has none); one the file does not give is kept.

A CSV file has the columns ``batch`` reads (one vocabulary:
:mod:`followup_script.input.columns`, docs/columns.md): ``last_contact`` (or
``date``) is the day of the row's touch, ``scheduled_for`` (or ``next``) its
agreed call; headers such as ``Last Contact`` and semicolon-separated files are
read. Errors in a row name the value by its column as the file names it
(``line 3: next '2026-11-01' is before the touch on 2026-11-20; ...``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from followup_script.engine.stages import Outcome
from followup_script.errors import InputError
from followup_script.input.columns import IMPORT, NAMES, column_of, csv_rows, read_header
from followup_script.input.validate import parse_attempts, parse_date, parse_datetime
from followup_script.input.values import DEFAULT_OUTCOME
from followup_script.tracker.checks import checked_touch, clean_fields
from followup_script.tracker.names import fold
from followup_script.tracker.rows import TRACKED_CONTACT_FIELDS, NewTouch, format_moment, name_key

EXPORT_FORMAT = "followup-script"
EXPORT_VERSION = 2  # 2: contacts have "snooze"


def in_file(exc: InputError) -> str:
    """An error as a file's row says it: a value is named by its column (the field)."""
    return exc.sentence(exc.field)


@dataclass
class ImportTouch:
    at: dt.date
    via: str
    outcome: str
    next_at: dt.date | dt.datetime | None
    note: str | None
    uid: str | None = None
    created_at: str | None = None


@dataclass
class ImportContact:
    ref: str
    fields: dict
    touches: list[ImportTouch] = field(default_factory=list)
    stop: tuple[dt.date, str | None] | None = None
    snooze: tuple[dt.date, str | None] | None = None
    uid: str | None = None
    revision: int | None = None
    created_at: str | None = None


@dataclass
class ImportReport:
    dry_run: bool
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, line: str, counter: str) -> None:
        self.lines.append(line)
        self.count(counter)

    def count(self, counter: str) -> None:
        self.counts[counter] = self.counts.get(counter, 0) + 1

    def summary(self) -> str:
        labels = (("contacts_added", "contacts added"), ("contacts_updated", "contacts updated"),
                  ("contacts_unchanged", "contacts unchanged"), ("touches_added", "touches added"),
                  ("touches_unchanged", "touches already there"), ("stops_added", "stops set"),
                  ("stops_kept", "stops kept"), ("snoozes_set", "snoozes set"))
        parts = [f"{self.counts.get(k, 0)} {label}" for k, label in labels if self.counts.get(k)]
        head = "dry run, nothing was changed: would apply" if self.dry_run else "imported"
        return f"{head}: {', '.join(parts) or 'nothing to change'}"

    def to_dict(self) -> dict:
        return {"dry_run": self.dry_run, "changes": list(self.lines), "counts": dict(self.counts)}


def _make_touch(values: dict, today: dt.date) -> ImportTouch:
    if not values.get("date"):
        raise InputError("a touch needs its date; fill the date column (YYYY-MM-DD)")
    if not values.get("outcome") and (values.get("via") or "call").strip().lower() not in DEFAULT_OUTCOME:
        raise InputError("a touch needs its outcome; fill the outcome column")
    at = parse_date(values["date"], "date", today)
    next_at = parse_datetime(values["next"], "next", today) if values.get("next") else None
    touch = checked_touch(NewTouch(values["outcome"], at, values.get("via") or "call", next_at,
                                   str(values.get("note") or "")), today)
    return ImportTouch(touch.at, touch.via, touch.outcome.value, touch.next_at, touch.note,
                       uid=values.get("uid") or None, created_at=values.get("created_at") or None)


def read_import(path: str | Path, today: dt.date, fmt: str | None = None) -> list[ImportContact]:
    """Parse and validate a CSV or JSON file; every bad row is reported at once."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "json"):
        raise InputError(f"import file {str(path)!r} is neither .csv nor .json; "
                         "rename it, or give its format (csv or json)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"import file {str(path)!r} does not exist; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"import file {str(path)!r} cannot be read ({exc}); save it as UTF-8") from None
    errors: list[str] = []
    records = _read_csv(text, today, errors) if fmt == "csv" else _read_json(text, today, errors)
    if errors:
        shown = "; ".join(errors[:10])
        more = f"; and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise InputError(
            f"{str(path)!r} has {len(errors)} bad row(s): {shown}{more}; fix them and import again "
            "(nothing was imported)"
        )
    return records


#: The import's own names for two shared columns (the JSON export's touch keys).
_TOUCH_KEYS = {"last_contact": "date", "scheduled_for": "next"}


def _read_csv(text: str, today: dt.date, errors: list[str]) -> list[ImportContact]:
    """The rows of a CSV file, in the columns ``batch`` reads too (input.columns): a batch
    file imports as it is, one touch a row (an application sent when a row with a date
    has neither via nor outcome, as batch reads it)."""
    reader = csv_rows(io.StringIO(text, newline=""))
    cells = next(reader, [])
    if not any(getattr(column_of(cell), "name", None) == "name" for cell in cells):
        errors.append("line 1: the header needs a name column (and any of: " + ", ".join(NAMES[IMPORT][1:]) + ")")
        return []
    try:
        header = read_header(cells, IMPORT)
    except InputError as exc:
        errors.append(f"line 1: {exc}")
        return []
    keys = [_TOUCH_KEYS.get(k, k) for k in header.keys]
    columns = {_TOUCH_KEYS.get(k, k): written for k, written in header.written.items()}

    def said(exc: InputError) -> str:  # a value is named by its column, as the file names it
        return exc.sentence(columns.get(exc.field, exc.field)) if exc.field else str(exc)

    by_key: dict[str, ImportContact] = {}
    start = reader.line_num + 1
    for cells in reader:
        ref = f"line {start}"
        start = reader.line_num + 1
        if len(cells) > len(keys):
            errors.append(f"{ref}: {len(cells)} cells for {len(keys)} columns; quote values that contain "
                          "the separator")
            continue
        values = {k: v.strip() for k, v in zip(keys, cells, strict=False) if k}
        if not any(values.values()):
            continue
        try:
            given = {k: values[k] for k in TRACKED_CONTACT_FIELDS if values.get(k)}
            given["name"] = values.get("name", "")
            cleaned = clean_fields(given)
            if parse_attempts(values.get("attempts"), "attempts"):
                raise InputError("cannot be imported: the tracker counts the follow-ups you log",
                                 field="attempts", value=values["attempts"],
                                 fix="log each one, or leave the cell empty")
            touch = None
            if any(values.get(k) for k in ("date", "via", "outcome", "next", "note")):
                if values.get("date") and not values.get("via") and not values.get("outcome") \
                        and cleaned.get("situation", "application") == "application":
                    values["via"] = "application"  # as batch reads the row: an application sent
                touch = _make_touch(values, today)
            stop = None
            if values.get("stopped"):
                stop = (parse_date(values["stopped"], "stopped", today), values.get("stop_note") or None)
            snooze = None
            if values.get("snoozed_until"):
                snooze = (parse_date(values["snoozed_until"], "snoozed_until", today),
                          values.get("snooze_note") or None)
        except InputError as exc:
            errors.append(f"{ref}: {said(exc)}")
            continue
        key = name_key(cleaned["name"])
        record = by_key.get(key)
        if record is None:
            record = by_key[key] = ImportContact(ref, cleaned)
        else:
            clash = [k for k, v in cleaned.items() if k != "name" and record.fields.get(k) not in (None, v)]
            if clash:
                errors.append(f"{ref}: {clash[0]} {cleaned[clash[0]]!r} differs from "
                              f"{record.fields[clash[0]]!r} on {record.ref} for the same contact")
                continue
            record.fields.update(cleaned)
        if touch:
            record.touches.append(touch)
        if stop and record.stop is None:
            record.stop = stop
        if snooze:
            record.snooze = snooze
    return list(by_key.values())


#: The keys a touch of an export may have (``at`` or ``date``: the day of the touch).
_TOUCH_FIELDS = ("uid", "at", "date", "via", "outcome", "next", "note", "created_at")
#: The longest uid an import takes (an export's are 36 characters).
MAX_UID = 200
#: The largest revision a tracker file stores (SQLite's INTEGER is 64-bit).
MAX_REVISION = 2**63 - 1


def _text(value, field: str, limit: int | None = None) -> str | None:
    """A JSON value that must be text (or null): anything else (a list, an object, a number,
    true) is a bad row naming the field, never a crash when it is stored."""
    if value is None:
        return None
    if not isinstance(value, str):
        shown = json.dumps(value)[:40] if _plain(value) else None
        raise InputError(f"is {_kind(value)}, not text", field=field, value=shown,
                         fix="give it as a JSON string, as followup-script export writes it")
    if limit is not None and len(value) > limit:
        raise InputError(f"is {len(value)} characters", field=field, fix=f"keep it under {limit}")
    return value


def _plain(value) -> bool:
    return isinstance(value, bool | int | float) or value is None


def _kind(value) -> str:
    return {dict: "an object", list: "a list", bool: "true or false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _stamp(value, field: str) -> str | None:
    """``created_at``: text holding an ISO 8601 date and time (``2026-11-20T10:00:00Z``)."""
    text = _text(value, field, 64)
    if not text:
        return None
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError("is not a date and time", field=field, value=text,
                         fix="use ISO 8601, e.g. 2026-11-20T10:00:00Z, or leave it out") from None
    return text


def _revision(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"revision {json.dumps(value)[:40] if _plain(value) else _kind(value)} "
                         "is not a whole number")
    if not 0 <= value <= MAX_REVISION:
        raise InputError(f"revision {str(value)[:40]} is out of range; use 0 to 2^63-1")
    return value


def _dated(item: dict, key: str, day: str, today: dt.date) -> tuple[dt.date, str | None] | None:
    """A ``stop`` or ``snooze``: null, or ``{"<day>": "YYYY-MM-DD", "note": text}``."""
    value = item.get(key)
    if not value:
        return None
    shape = f'{key} must be {{"{day}": "YYYY-MM-DD", "note": ...}} or null'
    if not isinstance(value, dict) or not value.get(day) or set(value) - {day, "note"}:
        raise InputError(shape)
    on = parse_date(_text(value[day], f"{key}.{day}", 40), f"{key}.{day}", today)
    return on, _text(value.get("note"), f"{key}.note") or None


def _loads(text: str, errors: list[str]):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        errors.append(f"line {exc.lineno}: not valid JSON ({exc.msg})")
    except RecursionError:
        errors.append("the JSON is nested too deeply (an export is four levels deep)")
    return None


def _read_json(text: str, today: dt.date, errors: list[str]) -> list[ImportContact]:
    data = _loads(text, errors)
    if errors:
        return []
    if isinstance(data, dict):
        if data.get("format") not in (None, EXPORT_FORMAT):
            shown = data["format"] if isinstance(data["format"], str) else _kind(data["format"])
            errors.append(f"format {str(shown)[:40]!r} is not a followup-script export")
            return []
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > EXPORT_VERSION:
            errors.append(f"export version {str(version)[:20]} is newer than this followup-script "
                          f"reads ({EXPORT_VERSION}); upgrade followup-script")
            return []
        items = data.get("contacts")
    else:
        items = data
    if not isinstance(items, list):
        errors.append('the file needs a "contacts" list, as followup-script export writes it')
        return []
    records = []
    seen: dict[str, str] = {}
    for index, item in enumerate(items):
        ref = f"contacts[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{ref}: not an object")
            continue
        if isinstance(item.get("name"), str):
            ref += f" ({item['name'][:60]})"
        try:
            unknown = set(item) - {*TRACKED_CONTACT_FIELDS, "uid", "stop", "snooze", "revision", "created_at",
                                   "touches"}
            if unknown:
                raise InputError(f"unknown field(s) {', '.join(sorted(str(k)[:40] for k in unknown))}")
            given = {k: _text(item[k], k) for k in TRACKED_CONTACT_FIELDS if k in item}
            given.setdefault("name", "")
            cleaned = clean_fields(given)
            stop = _dated(item, "stop", "on", today)
            snooze = _dated(item, "snooze", "until", today)
            revision = _revision(item.get("revision"))
            uid = _text(item.get("uid"), "uid", MAX_UID) or None
            created_at = _stamp(item.get("created_at"), "created_at")
        except InputError as exc:
            errors.append(f"{ref}: {in_file(exc)}")
            continue
        key = name_key(cleaned["name"])
        if key in seen:
            errors.append(f"{ref}: the same name as {seen[key]}")
            continue
        seen[key] = ref
        record = ImportContact(ref, cleaned, stop=stop, snooze=snooze, uid=uid,
                               revision=revision, created_at=created_at)
        touches = item.get("touches") or []
        if not isinstance(touches, list):
            errors.append(f"{ref}: touches must be a list")
            continue
        for t_index, raw in enumerate(touches):
            t_ref = f"{ref} touches[{t_index}]"
            if not isinstance(raw, dict):
                errors.append(f"{t_ref}: not an object")
                continue
            try:
                unknown = set(raw) - set(_TOUCH_FIELDS)
                if unknown:
                    raise InputError(f"unknown field(s) {', '.join(sorted(str(k)[:40] for k in unknown))}")
                values = {k: _text(raw.get(k), k, MAX_UID if k == "uid" else None) for k in _TOUCH_FIELDS}
                values["created_at"] = _stamp(raw.get("created_at"), "created_at")
                values["date"] = values.pop("at") or values["date"]
                record.touches.append(_make_touch(values, today))
            except InputError as exc:
                errors.append(f"{t_ref}: {in_file(exc)}")
        records.append(record)
    return records


# -- export and import ---------------------------------------------------------------------------


def export_data(tracker) -> dict:
    """Everything in ``tracker``, as JSON-ready data that ``import`` reads back."""
    store = tracker.store
    contacts = []
    with store.read():
        for contact in tracker.contacts():
            item = {"uid": contact.uid}
            item.update({k: getattr(contact, k) for k in TRACKED_CONTACT_FIELDS})
            item["stop"] = ({"on": contact.stopped_on, "note": contact.stop_note}
                            if contact.stopped else None)
            item["snooze"] = ({"until": contact.snoozed_until, "note": contact.snooze_note}
                              if contact.snoozed_until else None)
            item["revision"] = contact.revision
            item["created_at"] = contact.created_at
            item["touches"] = [t.to_dict(full=True) for t in store.touches(contact.id)]
            contacts.append(item)
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "contacts": contacts}


def export_json(tracker) -> str:
    return json.dumps(tracker.export(), indent=2, ensure_ascii=False) + "\n"


class _Rollback(Exception):
    pass


def import_records(tracker, records: list[ImportContact], today: dt.date, dry_run: bool = False) -> ImportReport:
    """Apply parsed records in one transaction (rolled back for a dry run)."""
    report = ImportReport(dry_run=dry_run)
    try:
        with tracker.store.write():
            known_touches = tracker.store.touch_uids()
            for record in records:
                try:
                    _import_one(tracker, record, known_touches, report)
                except InputError as exc:
                    raise InputError(f"{record.ref}: {in_file(exc)}; nothing was imported") from None
            if dry_run:
                raise _Rollback()
    except _Rollback:
        pass
    return report


def _import_one(tracker, record: ImportContact, known_touches: set[str], report: ImportReport) -> None:
    store = tracker.store
    existing = store.contact_by_uid(record.uid) if record.uid else None
    if existing is None:
        existing = store.contact_by_key(name_key(record.fields["name"]))
    fields = record.fields
    if existing is None and fold(fields["name"]):  # the same name but for accents or punctuation
        same = store.contacts_by_fold(fold(fields["name"]))
        existing = same[0] if len(same) == 1 else None
        if existing is not None:
            fields = {k: v for k, v in fields.items() if k != "name"}  # it keeps the name it has
    if existing is None:
        contact = store.add_contact(fields, uid=record.uid, created_at=record.created_at)
        report.add(f"add contact {contact.name}", "contacts_added")
    else:
        changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
        contact = existing
        if changes:
            contact = store.update_contact(existing.id, changes)
            shown = ", ".join(f"{k} {getattr(existing, k)!r} -> {v!r}" for k, v in changes.items())
            report.add(f"update contact {contact.name}: {shown}", "contacts_updated")
        else:
            report.count("contacts_unchanged")
    previous = store.touches(contact.id) if existing is not None else []
    seen = {(t.at, t.via, t.outcome, format_moment(t.next_at), t.note) for t in previous}
    for touch in record.touches:
        key = (touch.at, touch.via, touch.outcome, format_moment(touch.next_at), touch.note)
        if (touch.uid and touch.uid in known_touches) or (not touch.uid and key in seen):
            report.count("touches_unchanged")
            continue
        store.add_touch(contact.id, touch.at, touch.via, touch.outcome, touch.next_at, touch.note,
                        uid=touch.uid, created_at=touch.created_at)
        if touch.uid:
            known_touches.add(touch.uid)
        seen.add(key)
        report.add(f"add touch {contact.name}: {touch.at} {touch.via} {touch.outcome}", "touches_added")
        if touch.outcome == Outcome.STOP and record.stop is None:
            record.stop = (touch.at, touch.note or f"said stop ({touch.via})")
    contact = store.contact(contact.id)
    if record.stop is not None and not contact.stopped:
        store.set_stop(contact.id, record.stop[0], record.stop[1])
        report.add(f"stop {contact.name} (since {record.stop[0]})", "stops_added")
    elif record.stop is None and contact.stopped:
        report.add(f"keep the stop on {contact.name} (since {contact.stopped_on}); "
                   "only followup-script unstop lifts it", "stops_kept")
    snooze = record.snooze
    if snooze is not None and (contact.snoozed_until, contact.snooze_note) != (snooze[0].isoformat(), snooze[1]):
        store.set_snooze(contact.id, snooze[0], snooze[1])
        report.add(f"snooze {contact.name} until {snooze[0]}", "snoozes_set")
    if record.revision is not None:
        store.set_revision(contact.id, record.revision)
    tracker.refresh(store.contact(contact.id))


# -- salvage: what can still be read from a damaged file -----------------------------------------

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

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
from typing import cast

from followup_script.engine.stages import Outcome
from followup_script.errors import InputError
from followup_script.input.columns import IMPORT, NAMES, column_of, csv_rows, read_header
from followup_script.input.validate import parse_attempts, parse_date, parse_datetime
from followup_script.input.values import DEFAULT_OUTCOME
from followup_script.tracker.checks import checked_touch, clean_fields
from followup_script.tracker.import_types import (
    MAX_UID,
    TOUCH_FIELDS,
    dated,
    json_kind,
    loads,
    revision_of,
    stamp,
    text_of,
)
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
    at = cast(dt.date, parse_date(values["date"], "date", today))  # a date was given (checked above)
    next_at = parse_datetime(values["next"], "next", today) if values.get("next") else None
    touch = checked_touch(NewTouch(values["outcome"], at, values.get("via") or "call", next_at,
                                   str(values.get("note") or "")), today)
    return ImportTouch(touch.at, touch.via, cast(Outcome, touch.outcome).value, touch.next_at, touch.note,
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
_TOUCH_KEYS: dict[str | None, str] = {"last_contact": "date", "scheduled_for": "next"}


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
                stop = (cast(dt.date, parse_date(values["stopped"], "stopped", today)), values.get("stop_note") or None)
            snooze = None
            if values.get("snoozed_until"):
                snooze = (cast(dt.date, parse_date(values["snoozed_until"], "snoozed_until", today)),
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


def _read_json(text: str, today: dt.date, errors: list[str]) -> list[ImportContact]:
    data = loads(text, errors)
    if errors:
        return []
    if isinstance(data, dict):
        if data.get("format") not in (None, EXPORT_FORMAT):
            shown = data["format"] if isinstance(data["format"], str) else json_kind(data["format"])
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
            given = {k: text_of(item[k], k) for k in TRACKED_CONTACT_FIELDS if k in item}
            given.setdefault("name", "")
            cleaned = clean_fields(given)
            stop = dated(item, "stop", "on", today)
            snooze = dated(item, "snooze", "until", today)
            revision = revision_of(item.get("revision"))
            uid = text_of(item.get("uid"), "uid", MAX_UID) or None
            created_at = stamp(item.get("created_at"), "created_at")
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
                unknown = set(raw) - set(TOUCH_FIELDS)
                if unknown:
                    raise InputError(f"unknown field(s) {', '.join(sorted(str(k)[:40] for k in unknown))}")
                values = {k: text_of(raw.get(k), k, MAX_UID if k == "uid" else None) for k in TOUCH_FIELDS}
                values["created_at"] = stamp(raw.get("created_at"), "created_at")
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


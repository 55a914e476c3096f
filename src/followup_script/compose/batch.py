"""Many follow-ups at once: rows from CSV or JSON Lines in, one result per row out.

Rows stream: one is read, planned, rendered and written before the next is
read, so memory does not grow with the file. Column names match the one-shot
options (``last_contact`` for ``--last-contact``) and are the ones ``import``
reads (:mod:`followup_script.input.columns`: ``Last Contact`` or ``date`` work
too); a CSV file may be separated by commas, semicolons or tabs. A bad row is
reported with its line number and the reason, and the others go on.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from followup_script.channels.base import Message
from followup_script.errors import FollowupError, InputError
from followup_script.input.columns import BATCH, Header, csv_rows, read_header, rename
from followup_script.input.validate import Doubt
from followup_script.input.values import FIELDS, follow_up_from


@dataclass(slots=True)
class Row:
    line: int
    values: dict
    #: the file's header: how the file names each column (a row's errors name it so)
    header: Header | None = None


@dataclass(slots=True)
class Result:
    line: int
    message: Message | None = None
    error: FollowupError | None = None
    #: values accepted that look wrong (a last contact a year ago), to say on the row's line
    doubts: list[Doubt] = field(default_factory=list)
    header: Header | None = None

    def label(self, name: str | None) -> str | None:
        """How the file names the column of the field ``name`` (``Last Contact``)."""
        return self.header.label(name) if self.header is not None else name


NOT_UTF8 = "the row is not UTF-8 text; save the file as UTF-8"


def not_utf8(text: str) -> bool:
    """True if ``text`` holds bytes that were not UTF-8 (read with surrogateescape)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_rows(path: str | Path) -> Iterator[Row]:
    """Rows of a ``.csv`` (header line first) or ``.jsonl`` file, with line numbers."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise InputError(f"batch file {str(path)!r} must end in .csv or .jsonl; rename or convert it")
    try:
        # undecodable bytes become lone surrogates, so a bad row is found (and
        # reported with its own line number) without stopping the rows around it
        handle = open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise InputError(f"batch file {str(path)!r} cannot be read ({exc.strerror}); check the path") from None
    with handle:
        if suffix == ".csv":
            reader = csv_rows(handle)
            try:
                cells = next(reader, [])
            except csv.Error as exc:
                raise InputError(f"batch file {str(path)!r} line 1: {exc}; save it as UTF-8 CSV") from None
            if not_utf8("".join(cells)):
                raise InputError(f"batch file {str(path)!r} line 1 is not UTF-8; save it as UTF-8 CSV")
            try:
                header = read_header(cells, BATCH)
            except InputError as exc:
                raise InputError(f"batch file {str(path)!r}: {exc}") from None
            if "last_contact" not in header.written:
                raise InputError(f"batch file {str(path)!r} has no last_contact column; add one "
                                 "(or a column named date or Last Contact)")
            keys = header.keys
            named = [(i, k) for i, k in enumerate(keys) if k]  # a column without a name is ignored
            every_named = len(named) == len(keys)
            line = reader.line_num
            try:
                for values in reader:
                    if not values:  # a blank line
                        line = reader.line_num
                        continue
                    joined = "".join(values)
                    if not joined.isascii() and not_utf8(joined):
                        yield Row(line + 1, {"__error__": NOT_UTF8})
                    elif every_named:  # extra cells are ignored, missing ones not given
                        yield Row(line + 1, dict(zip(keys, values)), header)
                    else:
                        yield Row(line + 1, {k: values[i] for i, k in named if i < len(values)}, header)
                    line = reader.line_num
            except csv.Error as exc:
                raise InputError(f"batch file {str(path)!r} line {reader.line_num}: {exc}; fix the CSV") from None
        else:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                if not_utf8(text):
                    yield Row(number, {"__error__": NOT_UTF8})
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield Row(number, {"__error__": f"not valid JSON ({exc.msg})"})
                    continue
                if not isinstance(record, dict):
                    yield Row(number, {"__error__": "each line must be a JSON object {...}"})
                    continue
                if any(isinstance(v, str) and not_utf8(v) for v in record.values()):
                    yield Row(number, {"__error__": "a value holds half of a \\u surrogate pair, "
                                                    "which is not text; fix that value"})
                    continue
                try:
                    record, header = rename(record, BATCH)  # "Last Contact" is last_contact
                except InputError as exc:
                    yield Row(number, {"__error__": str(exc)})
                    continue
                yield Row(number, record, header)


def generate(writer, rows, channel: str, today: dt.date, business_days: bool | None = None):
    """Yield a :class:`Result` per row: a message, or the error that row caused; each
    with the doubts about its values (said as warnings). What every row shares (the
    channel, the profile's values, the templates) is prepared once (``compose/prepared.py``);
    a row that gives its own sender (``from_name``...) is written for its own profile."""
    prepared = writer.prepare(channel, today=today)
    base_profile = prepared.profile
    known = KNOWN
    for row in rows:
        doubts: list[Doubt] = []
        try:
            values = row.values
            if "__error__" in values:
                raise InputError(values["__error__"])
            if not known.issuperset(values):
                unknown = [k for k in values if k not in known]
                raise InputError(f"unknown field(s) {', '.join(map(repr, unknown))}; use: {', '.join(FIELDS)}")
            history, contact, overrides = follow_up_from(values, today, doubts)
            plan = writer.plan(history, today, business_days)
            if overrides:
                message = writer.write(prepared.channel, plan, contact, {**base_profile, **overrides}, today=today)
            else:
                message = prepared.write(plan, contact)
            yield Result(row.line, message, None, doubts, row.header)
        except FollowupError as exc:
            yield Result(row.line, error=exc, doubts=doubts, header=row.header)


KNOWN = frozenset(FIELDS)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(result: Result) -> str:
    """``000002-dana-reyes.txt``: sortable by line, safe on every file system."""
    message = cast(Message, result.message)  # only a result with a message is saved to a file
    who = _UNSAFE.sub("-", (message.contact.get("name") or "contact").lower()).strip("-.")[:40] or "contact"
    suffix = ".eml" if message.is_email and message.text is not None else ".txt"
    return f"{result.line:06d}-{who}{suffix}"

"""The columns of a CSV file: one vocabulary for ``batch`` and ``import``.

Both commands read the same column names (docs/columns.md is the table). A
header is matched loosely: case, spaces and hyphens do not matter (``Last
Contact``, ``last-contact`` and ``last_contact`` are one column) and a few other
names are known for each column (``date`` for ``last_contact``, ``next`` for
``scheduled_for``). A column one command has no use for is either ignored
(it changes nothing there, e.g. ``note`` in ``batch``) or refused with the
reason (``stopped`` in ``batch``: a script for someone who asked to stop).

:func:`csv_rows` reads comma, semicolon or tab separated files (the separator is
found with :class:`csv.Sniffer` on the first lines); :func:`read_header` turns
the header into column names, or says which cells are unknown (with the closest
known name).
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from followup_script.errors import InputError

if TYPE_CHECKING:
    from _csv import Reader  # what csv.reader gives: rows, and their line_num

BATCH, IMPORT = "batch", "import"


@dataclass(frozen=True)
class Column:
    """One column: its ``name``, what it holds, the other names it is known by, and
    what each command does with it: ``"read"``, ``"ignored"`` or why it is refused."""

    name: str
    meaning: str
    aliases: tuple[str, ...] = ()
    batch: str = "read"
    import_: str = "read"

    def use(self, reader: str) -> str:
        return self.batch if reader == BATCH else self.import_


_TRACKER_ONLY = "the tracker keeps it: import the file, then `due --render` writes the scripts"
_SENDER = "ignored"  # your own details, for that row's script: the tracker does not keep them

COLUMNS = (
    Column("name", "the contact's name (needed by import)", ("contact", "contact_name")),
    Column("company", "their company", ("employer", "organisation", "organization")),
    Column("role", "the role you are after", ("position", "job", "job_title")),
    Column("phone", "their phone number", ("phone_number", "telephone", "tel", "mobile")),
    Column("email", "their email address", ("email_address", "e_mail", "mail")),
    Column("situation", "what you did: application (the default), interview, networking, info"),
    Column("last_contact", "the day of the last touch, YYYY-MM-DD (import: the day of this touch)",
           ("date", "last_contacted", "last_contact_date", "last_touch", "contacted")),
    Column("via", "how it happened: call, meeting, voicemail, email, sms, application"),
    Column("outcome", "how it ended: scheduled, no-time, no-commitment, no-answer, replied, stop "
                      "(may be left out for an application)"),
    Column("scheduled_for", "the agreed call, 'YYYY-MM-DD HH:MM' or the day alone (with outcome scheduled)",
           ("next", "next_call", "agreed", "agreed_time")),
    Column("attempts", "follow-ups made since the last conversation (batch; import takes 0 or empty: "
                       "the tracker counts the touches you log)", ("attempt",)),
    Column("note", "a note about the touch", batch="ignored"),
    Column("notes", "notes about the contact", batch="ignored"),
    Column("timezone", "their IANA time zone, e.g. Europe/Lisbon: the times a script states are in it",
           ("time_zone", "tz", "contact_timezone")),
    Column("call_window", "when to call them, HH:MM-HH:MM in their time zone: the call slots a script offers"),
    Column("first_name", "the name to greet them by, used as written (María José; An for Nguyễn Văn An)",
           ("greet_as", "preferred_name", "given_name")),
    Column("greeting", "a whole greeting, used as written (Dear Dr. López)", ("salutation",)),
    Column("topic", "what an info request asked about (the salary range)", ("subject_of_request",)),
    Column("update", "one sentence of news for this row's script (a project, a certificate)", ("news",),
           import_="ignored"),
    Column("stopped", "the day they asked not to be contacted again", ("stopped_on",), batch=_TRACKER_ONLY),
    Column("stop_note", "what they said", batch=_TRACKER_ONLY),
    Column("snoozed_until", "not due before this day", ("snooze_until",), batch=_TRACKER_ONLY),
    Column("snooze_note", "why they are snoozed", batch=_TRACKER_ONLY),
    Column("from_name", "your name for this row's script (else your profile's)", import_=_SENDER),
    Column("from_phone", "your phone number for this row's script", import_=_SENDER),
    Column("from_email", "your email address for this row's script", import_=_SENDER),
)

BY_NAME = {column.name: column for column in COLUMNS}
_KNOWN = {alias: column for column in COLUMNS for alias in (column.name, *column.aliases)}
#: the names a reader takes (those it refuses are left out), for "use: ..." in errors
NAMES = {reader: tuple(c.name for c in COLUMNS if c.use(reader) in ("read", "ignored"))
         for reader in (BATCH, IMPORT)}


def table() -> str:
    """The columns as the Markdown table of docs/columns.md (a test keeps the page equal)."""
    def said(use: str) -> str:
        return {"read": "read", "ignored": "ignored"}.get(use, "refused")

    rows = ["| column | also read as | what it holds | batch | import |", "| --- | --- | --- | --- | --- |"]
    for column in COLUMNS:
        aliases = ", ".join(f"`{a}`" for a in column.aliases)
        rows.append(f"| `{column.name}` | {aliases} | {column.meaning} | {said(column.batch)} | "
                    f"{said(column.import_)} |")
    return "\n".join(rows) + "\n"


def normalise(text: str) -> str:
    """``Last Contact`` -> ``last_contact``: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-_]+", "_", str(text).strip().lower()).strip("_")


def column_of(text: str) -> Column | None:
    """The column a header cell (or a JSON key) names, or None."""
    return _KNOWN.get(normalise(text))


def did_you_mean(text: str) -> str:
    """`` (did you mean 'last_contact'?)`` for a near miss, else ``""``."""
    import difflib  # only for a header with an unknown cell

    close = difflib.get_close_matches(normalise(text), list(_KNOWN), n=1, cutoff=0.75)
    return f" (did you mean {_KNOWN[close[0]].name!r}?)" if close else ""


@dataclass
class Header:
    """A file's header: ``keys[i]`` is the column of cell ``i`` (None: an empty cell,
    or a column this reader ignores) and ``written`` the header as the file spells
    each column (errors name a column so)."""

    keys: list[str | None]
    written: dict[str, str]

    def label(self, field: str | None) -> str | None:
        return None if field is None else self.written.get(field, field)


def read_header(cells: Iterable[str], reader: str, what: str = "column") -> Header:
    """Map the header's cells to columns for ``reader`` (:data:`BATCH` or :data:`IMPORT`);
    raise InputError (no file name: the reader adds it) for unknown, repeated or
    refused columns (``what``: "column", or "field" for a JSON object's keys)."""
    keys: list[str | None] = []
    written: dict[str, str] = {}
    unknown = []
    for cell in cells:
        text = cell.strip()
        column = column_of(text) if text else None
        if column is None:
            if text:
                unknown.append(text)
            keys.append(None)
            continue
        if column.name in written:
            raise InputError(f"the {what}s {written[column.name]!r} and {text!r} are both "
                             f"{column.name}; keep one")
        use = column.use(reader)
        if use not in ("read", "ignored"):
            raise InputError(f"the {what} {text!r} is for {IMPORT if reader == BATCH else BATCH} only "
                             f"({use}); remove it")
        written[column.name] = text
        keys.append(column.name if use == "read" else None)
    if unknown:
        named = ", ".join(repr(u) + did_you_mean(u) for u in unknown)
        raise InputError(f"unknown {what}(s) {named}; use: {', '.join(NAMES[reader])} (docs/columns.md)")
    return Header(keys, written)


def rename(values: dict, reader: str) -> tuple[dict, Header]:
    """A JSON object's keys as columns (``Last Contact`` -> ``last_contact``), for ``reader``;
    keys the reader ignores are left out. Raises as :func:`read_header` does."""
    header = read_header(values.keys(), reader, "field")
    return {key: value for key, value in zip(header.keys, values.values(), strict=True) if key}, header


# -- CSV dialects ------------------------------------------------------------------------------

_SEPARATORS = ",;\t"
_SAMPLE_LINES = 20
_SAMPLE_CHARS = 64 * 1024  # the Sniffer's regexes run over this much at most


def csv_rows(lines: Iterable[str]) -> Reader:
    """A :func:`csv.reader` over ``lines`` (a file opened with ``newline=""``, or a list),
    separated by commas, semicolons or tabs: the separator is the one
    :class:`csv.Sniffer` finds in the first lines, if the header holds it (else a
    comma). Quotes are always ``"``. ``line_num`` counts from the first line."""
    lines = iter(lines)
    sample = list(itertools.islice(lines, _SAMPLE_LINES))
    return csv.reader(itertools.chain(sample, lines), delimiter=sniff(sample))


def sniff(sample: list[str]) -> str:
    """The separator of a CSV file whose first lines are ``sample``: the one of
    :data:`_SEPARATORS` the header holds; when it holds more than one kind, the one
    :class:`csv.Sniffer` finds, if the header holds it, else the most frequent there."""
    header = sample[0] if sample else ""
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    held = [sep for sep in _SEPARATORS if counts[sep]]
    if len(held) < 2:  # the Sniffer can only answer one of these, and only one the header holds
        return held[0] if held else ","
    try:
        found = csv.Sniffer().sniff("".join(sample)[:_SAMPLE_CHARS], delimiters=_SEPARATORS).delimiter
    except csv.Error:
        found = None
    if found and found in header:
        return found
    return max(counts, key=lambda sep: counts[sep])

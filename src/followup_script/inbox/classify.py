"""What a message means: a reply, an auto-reply, a bounce or a request to stop.

:func:`event_of` reads a message's headers and the first few KB of its text (never
more: the IMAP inbox fetches no more) and returns an :class:`~followup_script.inbox.base.Event`
for it, or None when it says nothing about a contact. The message is parsed with
:mod:`email`'s fast ``compat32`` policy (its default policy parses every header it
is asked for into objects, which cost most of a sync's time); the subject's RFC 2047
words are decoded here, addresses are read as they are written.

- a **bounce** is a delivery status notification (``multipart/report;
  report-type=delivery-status``) or a message from ``MAILER-DAEMON``/``postmaster``;
  the address is its ``Final-Recipient`` (or ``X-Failed-Recipients``);
- an **auto-reply** carries ``Auto-Submitted`` (anything but ``no``), ``X-Autoreply``,
  ``X-Autorespond`` or ``Precedence: auto_reply``, or a subject such as "Automatic
  reply:" or "Out of office"; the day they are back is read from its text when it
  says one (:func:`back_on`);
- a **stop-request** asks in words not to be contacted ("please remove me",
  "unsubscribe", "stop emailing me"): never acted on without the user's yes;
- anything else from a contact is a **reply**.
"""

from __future__ import annotations

import datetime as dt
import email
import re
from collections.abc import Callable
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime

from followup_script.inbox.base import AUTO_REPLY, BOUNCE, REPLY, SENT, STOP_REQUEST, Event

#: The headers a message's meaning is read from (what the Gmail inbox asks for).
HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
           "Auto-Submitted", "X-Autoreply", "X-Autorespond", "Precedence", "Content-Type",
           "X-Failed-Recipients", "X-Followup-Key")
#: What :func:`event_of` reads of a message that arrived (no To or Cc: a reply is from its
#: sender), and of one in Sent (its recipients, ids and key: not what tells a reply, an
#: out-of-office or a bounce, nor its text). The IMAP inbox fetches no more than these.
INBOX_HEADERS = tuple(name for name in HEADERS if name not in ("To", "Cc"))
SENT_HEADERS = ("To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "X-Followup-Key")
TEXT_BYTES = 4096  # how much of a message's text is read, at most

_MSGID = re.compile(r"<[^<>\s]+>")
_AUTO_SUBJECT = re.compile(r"^\s*(automatic reply|auto(matic)?[- ]?reply|out of (the )?office|"
                           r"away from (the )?office|abwesenheit|r[ée]ponse automatique|auto:)", re.I)
_STOP_WORDS = re.compile(
    r"\b(unsubscribe|remove me|take me off|stop (e-?mailing|contacting|messaging|writing to|sending)|"
    r"do not (contact|email|e-mail|write to) me|don'?t (contact|email|e-mail|write to) me|"
    r"no longer wish to (hear|be contacted)|please stop)\b", re.I)
_FINAL_RECIPIENT = re.compile(r"^(?:Final|Original)-Recipient:\s*rfc822;\s*<?([^\s<>;]+@[^\s<>;]+)>?",
                              re.I | re.M)
_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], 1) for name in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_BACK = re.compile(r"\b(back|return(?:ing)?|in the office|until|till|through|thru)\b[^.\n]{0,40}?"
                   r"(\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+\d{4})?|"
                   + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?)", re.I)


def parse(raw: bytes):
    """A message from its bytes (headers and a prefix of its text), read leniently."""
    return email.message_from_bytes(raw)


def header_text(value) -> str:
    """A header as text: RFC 2047 words decoded, folding undone (as written when it will not decode)."""
    text = str(value or "")
    try:
        text = str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError, AssertionError):
        pass
    return " ".join(text.split())


def _decoded(part) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(payload or "")
    try:
        return payload.decode(part.get_content_charset() or "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", "replace")


def addresses(msg, *names: str) -> list[str]:
    """The addresses in the headers ``names``, lower-cased, in order."""
    return _addresses(_fields(msg), *names)


def _fields(msg) -> dict[str, list]:
    """The message's headers by lower-cased name, each name's values in order: read once,
    where every ``msg.get`` would go through all of them again."""
    found: dict[str, list] = {}
    for name, value in msg.items():
        found.setdefault(name.lower(), []).append(value)
    return found


def _first(fields: dict[str, list], name: str):
    values = fields.get(name.lower())
    return values[0] if values else None


def _addresses(fields: dict[str, list], *names: str) -> list[str]:
    values = [str(value) for name in names for value in fields.get(name.lower(), ())]
    return [addr.strip().lower() for _, addr in getaddresses(values) if "@" in addr]


def message_ids(text: str | None) -> tuple[str, ...]:
    return tuple(_MSGID.findall(str(text or "")))


def when(msg, fallback: dt.datetime | None) -> dt.datetime:
    """The message's Date (as an aware time), else ``fallback`` (the server's arrival time)."""
    return _moment(msg["Date"], fallback)


def _date_of(value) -> dt.datetime | None:
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None


def _moment(value, fallback) -> dt.datetime:
    """The Date ``value``, else ``fallback``: a time, or a function that finds one (the IMAP
    inbox asks the server for its arrival time only for a message whose Date cannot be read)."""
    found = _date_of(value)
    if found is None:
        found = (fallback() if callable(fallback) else fallback) or dt.datetime.now(dt.UTC)
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def text_of(msg) -> str:
    """The first text/plain of the message (as far as it was fetched), quoted lines left out."""
    part = None
    try:
        part = next((p for p in msg.walk() if p.get_content_type() == "text/plain"), None)
    except Exception:  # a truncated or broken multipart: read what there is
        part = None
    text = _decoded(part) if part is not None else ""
    if not text and not msg.is_multipart():
        text = _decoded(msg)
    lines = [line for line in text[:TEXT_BYTES].splitlines() if not line.lstrip().startswith(">")]
    cut = next((i for i, line in enumerate(lines) if re.match(r"^\s*On .+wrote:\s*$", line)), len(lines))
    return "\n".join(lines[:cut])


def is_bounce(msg, senders: list[str] | None = None) -> bool:
    """A delivery status notification, or a message from MAILER-DAEMON or postmaster
    (``senders``: the From addresses, when they were read already)."""
    ctype = msg.get_content_type()
    if ctype == "multipart/report" and "delivery-status" in str(msg.get_param("report-type", "")).lower():
        return True
    if senders is None:
        senders = addresses(msg, "From")
    sender = (senders or [""])[0]
    return sender.split("@")[0] in {"mailer-daemon", "postmaster"}


def is_auto_reply(msg) -> bool:
    fields = _fields(msg)
    return _auto_reply(fields, header_text(_first(fields, "Subject")))


def _auto_reply(fields: dict[str, list], subject: str) -> bool:
    """What :func:`is_auto_reply` says, from the headers read once and the decoded subject."""
    auto = str(_first(fields, "Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return True
    if _first(fields, "X-Autoreply") or _first(fields, "X-Autorespond"):
        return True
    if str(_first(fields, "Precedence") or "").strip().lower() == "auto_reply":
        return True
    return bool(_AUTO_SUBJECT.match(subject))


def back_on(text: str, sent: dt.date) -> dt.date | None:
    """The day an out-of-office says they are back ("back on 30 November", "until
    Nov 30, 2026", "returning 2026-11-30"), on or after ``sent``; None when it names none."""
    for found in _BACK.finditer(text):
        day = _date(found.group(2), sent)
        if day is not None and day >= sent:
            return day
    return None


def _date(words: str, sent: dt.date) -> dt.date | None:
    words = words.strip().lower()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):
            return dt.date.fromisoformat(words)
        parts = re.findall(r"[a-z]+|\d+", words)
        month = next(_MONTHS[p] for p in parts if p in _MONTHS)
        numbers = [int(p) for p in parts if p.isdigit()]
        day = next(n for n in numbers if n <= 31)
        year = next((n for n in numbers if n > 31), None)
        if year is not None:
            return dt.date(year, month, day)
        found = dt.date(sent.year, month, day)
        return found if found >= sent else dt.date(sent.year + 1, month, day)
    except (StopIteration, ValueError):
        return None


def _excerpt(text: str, match: re.Match) -> str:
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line = " ".join(text[line_start:line_end if line_end >= 0 else None].split())
    return line[:120]


def event_of(raw: bytes, inbox: str, arrived: dt.datetime | Callable[[], dt.datetime | None] | None = None,
             sent_folder: bool = False, uid: str | None = None) -> Event | None:
    """The event a message (its headers and a prefix of its text) is, or None.

    ``arrived`` is when the server received it (or a function that asks), taken when
    the message's Date cannot be read. ``sent_folder`` messages are ours: a ``sent``
    event for the first recipient (read from :data:`SENT_HEADERS` alone).
    ``uid`` names the message when it has no Message-ID. Raises ValueError for a
    message that cannot be read at all.
    """
    msg = parse(raw)
    if msg.defects and not msg.keys():
        raise ValueError(f"message {uid or '?'} has no readable headers")
    fields = _fields(msg)  # each header looked up once, the subject and the senders read once
    message_id = (message_ids(_first(fields, "Message-ID")) or (f"<uid-{uid}@{inbox}>",))[0]
    thread = message_ids(_first(fields, "In-Reply-To")) + message_ids(_first(fields, "References"))
    at = _moment(_first(fields, "Date"), arrived)
    full_subject = header_text(_first(fields, "Subject"))
    subject = full_subject[:200]
    key = str(_first(fields, "X-Followup-Key") or "").strip() or None

    def event(kind: str, address: str | None, thread: tuple[str, ...] = thread, back: dt.date | None = None,
              excerpt: str = "") -> Event:
        return Event(kind, inbox, message_id, at, address=address, thread=thread, key=key, subject=subject,
                     back_on=back, excerpt=excerpt)

    if sent_folder:
        to = _addresses(fields, "To", "Cc")
        return event(SENT, to[0]) if to else None
    senders = _addresses(fields, "From")
    if is_bounce(msg, senders):
        text = raw.decode("utf-8", "replace")
        failed = _FINAL_RECIPIENT.findall(text) or _addresses(fields, "X-Failed-Recipients")
        original = tuple(m for m in message_ids(text) if m != message_id)
        return event(BOUNCE, failed[0].lower() if failed else None, tuple(dict.fromkeys(thread + original)))
    sender = senders[0] if senders else None
    text = text_of(msg)
    if _auto_reply(fields, full_subject):
        return event(AUTO_REPLY, sender, back=back_on(f"{subject}\n{text}", at.date()))
    stop = _STOP_WORDS.search(text)
    if stop is not None:
        return event(STOP_REQUEST, sender, excerpt=_excerpt(text, stop))
    return event(REPLY, sender)

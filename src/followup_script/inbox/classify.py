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
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime

from followup_script.inbox.base import AUTO_REPLY, BOUNCE, REPLY, SENT, STOP_REQUEST, Event

#: The headers the IMAP inbox fetches: all a message's meaning needs.
HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
           "Auto-Submitted", "X-Autoreply", "X-Autorespond", "Precedence", "Content-Type",
           "X-Failed-Recipients", "X-Followup-Key")
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
    values = []
    for name in names:
        for value in msg.get_all(name, []) or []:
            values.append(str(value))
    return [addr.strip().lower() for _, addr in getaddresses(values) if "@" in addr]


def message_ids(text: str | None) -> tuple[str, ...]:
    return tuple(_MSGID.findall(str(text or "")))


def when(msg, fallback: dt.datetime | None) -> dt.datetime:
    """The message's Date (as an aware time), else ``fallback`` (the server's arrival time)."""
    try:
        found = parsedate_to_datetime(str(msg["Date"]))
    except (TypeError, ValueError, IndexError):
        found = None
    found = found or fallback or dt.datetime.now(dt.UTC)
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


def is_bounce(msg) -> bool:
    ctype = msg.get_content_type()
    if ctype == "multipart/report" and "delivery-status" in str(msg.get_param("report-type", "")).lower():
        return True
    sender = (addresses(msg, "From") or [""])[0]
    return sender.split("@")[0] in {"mailer-daemon", "postmaster"}


def is_auto_reply(msg) -> bool:
    auto = str(msg.get("Auto-Submitted", "") or "").strip().lower()
    if auto and auto != "no":
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond"):
        return True
    if str(msg.get("Precedence", "") or "").strip().lower() == "auto_reply":
        return True
    return bool(_AUTO_SUBJECT.match(header_text(msg.get("Subject"))))


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


def event_of(raw: bytes, inbox: str, arrived: dt.datetime | None = None, sent_folder: bool = False,
             uid: str | None = None) -> Event | None:
    """The event a message (its headers and a prefix of its text) is, or None.

    ``sent_folder`` messages are ours: a ``sent`` event for the first recipient.
    ``uid`` names the message when it has no Message-ID. Raises ValueError for a
    message that cannot be read at all.
    """
    msg = parse(raw)
    if msg.defects and not msg.keys():
        raise ValueError(f"message {uid or '?'} has no readable headers")
    message_id = (message_ids(msg.get("Message-ID")) or (f"<uid-{uid}@{inbox}>",))[0]
    thread = message_ids(msg.get("In-Reply-To")) + message_ids(msg.get("References"))
    at = when(msg, arrived)
    subject = header_text(msg.get("Subject"))[:200]
    key = str(msg.get("X-Followup-Key") or "").strip() or None

    def event(kind: str, address: str | None, thread: tuple[str, ...] = thread, back: dt.date | None = None,
              excerpt: str = "") -> Event:
        return Event(kind, inbox, message_id, at, address=address, thread=thread, key=key, subject=subject,
                     back_on=back, excerpt=excerpt)

    if sent_folder:
        to = addresses(msg, "To", "Cc")
        return event(SENT, to[0]) if to else None
    if is_bounce(msg):
        text = raw.decode("utf-8", "replace")
        failed = _FINAL_RECIPIENT.findall(text) or addresses(msg, "X-Failed-Recipients")
        original = tuple(m for m in message_ids(text) if m != message_id)
        return event(BOUNCE, failed[0].lower() if failed else None, tuple(dict.fromkeys(thread + original)))
    senders = addresses(msg, "From")
    sender = senders[0] if senders else None
    text = text_of(msg)
    if is_auto_reply(msg):
        return event(AUTO_REPLY, sender, back=back_on(f"{subject}\n{text}", at.date()))
    stop = _STOP_WORDS.search(text)
    if stop is not None:
        return event(STOP_REQUEST, sender, excerpt=_excerpt(text, stop))
    return event(REPLY, sender)

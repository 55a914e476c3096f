"""Email for every email channel: subject, HTML, .eml, reply threading (SMTP: :mod:`.smtp`).

This module is public: the built-in ``email`` channel, the Gmail plugin and any
third-party channel use the same functions. A channel that declares itself an
email channel (``Channel(email=True)``, or ``kind="email"``) gets :func:`finish`
from the core unless it has a ``finish`` of its own (which may call it first).

- :func:`finish` (message, job): the one place an email message is completed from its
  render: the ``Subject:`` line split off (:func:`split_subject`), ``Re: <subject>`` for
  a weekly nudge that answers an earlier email (``message.thread``), the HTML from the
  template's Markdown with every value escaped (:func:`to_html`), the word count and
  its warning (:data:`WORDS`).
- :func:`build_email` (message): the RFC 5322 message (text, and HTML as
  multipart/alternative), ``X-Unsent: 1`` (Outlook opens it as a draft), and
  ``In-Reply-To``/``References`` when it answers a thread; ``message.to_email()`` calls it.
- :func:`eml` (message): those bytes, as ``--format eml`` writes them.
- :func:`html_text` (html): what an HTML part says, as text; :func:`html_said` (message): what the
  courtesy guard reads of a message's HTML.
- :class:`EmailThread`: the earlier email a reply answers, as the tracker recorded it.

Addresses with an internationalised domain (``dana@acmé.example``) are written
with the domain in IDNA form (``dana@xn--acm-dma.example``) in the headers, and
so in the SMTP envelope, which is taken from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from followup_script import _speedups
from followup_script.errors import InputError, TemplateError

if TYPE_CHECKING:  # pragma: no cover - the email package is imported where a message is built
    from email.headerregistry import Address
    from email.message import EmailMessage

#: How many words an email body should have; outside the range the message carries a warning.
WORDS = (50, 150)
WORDS_LOW, WORDS_HIGH = WORDS
#: The stages whose email answers the last delivered email (same thread) instead of starting one.
REPLY_STAGES = frozenset({"weekly-nudge"})

__all__ = ["WORDS", "EmailThread", "build_email", "eml", "finish", "html_text", "reply_subject",
           "split_subject", "to_html"]


@dataclass(frozen=True)
class EmailThread:
    """The last email delivered to a contact, which a weekly nudge replies to.

    ``subject`` as it was sent, ``message_id`` its Message-ID (``<...@...>``),
    ``references`` the Message-IDs it itself answered (oldest first), and
    ``thread_id`` the service's conversation id (Gmail's threadId), when known.
    """

    subject: str
    message_id: str | None = None
    references: tuple[str, ...] = ()
    thread_id: str | None = None

    @classmethod
    def of(cls, value) -> EmailThread | None:
        """From an EmailThread or a dict of the same keys (as the tracker returns it)."""
        if value is None or isinstance(value, cls):
            return value
        refs = value.get("references") or ()
        return cls(subject=str(value.get("subject") or ""), message_id=value.get("message_id") or None,
                   references=tuple(str(r) for r in refs if isinstance(r, str)),
                   thread_id=value.get("thread_id") or None)

    def reply_references(self) -> list[str]:
        """What a reply's ``References`` holds: this email's references, then its own id."""
        chain = [r for r in self.references if r]
        if self.message_id and self.message_id not in chain:
            chain.append(self.message_id)
        return chain[-20:]  # long threads keep the newest ids (RFC 5322 allows trimming)


def split_subject(text: str, template: str | None) -> tuple[str, str]:
    """An email template starts with ``Subject: ...`` and a blank line."""
    head, sep, body = text.lstrip("\n").partition("\n")
    if not head.lower().startswith("subject:"):
        raise TemplateError(
            f"email template {template} must start with a 'Subject: ...' line; add one"
        )
    subject = " ".join(head[len("subject:"):].split())
    if not subject:
        raise TemplateError(f"email template {template} has an empty subject; write one")
    return subject, body.lstrip("\n")


def reply_subject(subject: str) -> str:
    """``Re: <subject>``, once (``Re: Re: x`` is never made)."""
    base = subject
    while base[:3].lower() == "re:":
        base = base[3:].lstrip()
    return f"Re: {base}"


def to_html(markdown: str) -> str:
    """HTML from Markdown (CommonMark): raw HTML is shown as text, and only http, https
    and mailto links survive. Values must already be escaped in ``markdown``, as
    ``job.render_markdown()`` escapes them."""
    from followup_script.writing.markdown import markdown_to_html

    return markdown_to_html(markdown)


def finish(message, job) -> None:
    """Complete an email message from its render (the core's ``finish`` for every email channel).

    Splits the subject from the text, makes it ``Re: <subject>`` when the message answers
    an earlier email (``message.thread``, a weekly nudge), builds the HTML from
    ``job.render_markdown()`` (every value escaped) and counts the words
    (``metrics["words"]``, a warning outside :data:`WORDS`).
    """
    message.is_email = True
    message.subject, text = split_subject(message.text, message.template)
    body_at = len(message.text) - len(text)  # where the body starts in the render
    # the text part ends no line in spaces: Markdown's two-space line break is for the HTML
    message.text = "\n".join([line.rstrip() for line in text.split("\n")])  # a list: joined faster
    if message.thread is not None and message.plan.stage.value in REPLY_STAGES and message.thread.subject:
        message.subject = reply_subject(message.thread.subject)
    else:
        message.thread = None
    if job.render_html is not None:  # the HTML of the same render, made once
        message.html = html = job.render_html(body_at)
        if type(html) is _speedups.PlainHTML and html.source == text:
            html.says = message.text  # it says this text's words: the guard need not read it (html_said)
    else:
        message.html = to_html(split_subject(job.render_markdown(), message.template)[1])
    words = len(message.text.split())
    message.metrics["words"] = words
    if not WORDS_LOW <= words <= WORDS_HIGH:
        message.warnings.append(
            f"this email body has {words} words; {WORDS_LOW} to {WORDS_HIGH} reads best"
        )


def html_said(message) -> str:
    """What ``message.html`` says, for the courtesy guard to read: :func:`html_text`, or ""
    when there is none or when it is known to say what ``message.text`` says: made by
    ``_speedups.plain_text_html`` (paragraphs of the escaped text) from the text that
    :func:`finish` left in the message, which the guard reads (a speed trick: with the
    switch off no HTML is made that way, and every HTML part is read)."""
    html = message.html
    if type(html) is _speedups.PlainHTML and html.says is message.text and html.says is not None:
        return ""
    return html_text(html)


def html_text(html: str | None) -> str:
    """What an HTML part says, as plain text: tags dropped, entities read, a line per block."""
    if not html:
        return ""
    from html.parser import HTMLParser

    parts: list[str] = []

    class _Text(HTMLParser):
        def handle_data(self, data):
            parts.append(data)

        def handle_starttag(self, tag, attrs):
            if tag in ("p", "br", "li", "div", "h1", "h2", "h3", "tr"):
                parts.append("\n")
            for name, value in attrs:  # an image's words and a link's title are read too
                if name in ("alt", "title") and value:
                    parts.append(f" {value} ")

    reader = _Text(convert_charrefs=True)
    reader.feed(html)
    reader.close()
    return "".join(parts)


def ascii_domain(domain: str) -> str:
    """``acmé.example`` -> ``xn--acm-dma.example`` (IDNA); an ASCII domain unchanged.

    Raises ``UnicodeError`` when the domain cannot be written in IDNA form (an
    empty or over-long label, characters IDNA does not allow)."""
    if domain.isascii():
        return domain
    return domain.encode("idna").decode("ascii")


def _address(name: str | None, addr: str, what: str) -> Address:
    from email.headerregistry import Address

    local, _, domain = addr.rpartition("@")
    if not local.isascii():
        raise InputError(f"{what} email {addr!r} has letters outside ASCII before the @, which "
                         "plain SMTP cannot carry; use an ASCII address")
    try:
        domain = ascii_domain(domain)
    except UnicodeError:
        raise InputError(f"{what} email {addr!r} has a domain that cannot be written in an "
                         "email (IDNA); fix the part after the @") from None
    try:  # a display name is text, one line (templates see it collapsed the same way)
        return Address(display_name=" ".join(str(name or "").split()), addr_spec=f"{local}@{domain}")
    except (ValueError, IndexError) as exc:
        raise InputError(f"{what} email {addr!r} is not a valid address ({exc}); fix it") from None


def _msgid(value: str | None) -> str | None:
    """A Message-ID as a header may carry it (``<...>``, one line), else None."""
    text = "".join(str(value or "").split())
    if not text or any(c in text for c in "\r\n"):
        return None
    return text if text.startswith("<") and text.endswith(">") else f"<{text.strip('<>')}>"


def build_email(message) -> EmailMessage:
    """multipart/alternative (text/plain + text/html; text alone when a channel made no
    HTML), opened as a draft by Outlook; ``In-Reply-To`` and ``References`` when the
    message answers a thread. The Message-ID is made on the first build and kept in
    ``message.message_id``, so the .eml, the sent email and the tracker agree."""
    import email.policy  # ~10 ms: only where an email is built
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    if message.text is None:
        raise InputError(f"there is no email to build: the follow-up is {message.plan.stage.value}")
    if not message.subject:
        raise InputError(f"channel {message.channel!r} made no subject, so it cannot be an email; "
                         "use an email channel (followup-script channels lists them)")
    me, them = message.profile, message.contact
    msg = EmailMessage(policy=email.policy.default)
    try:
        msg["Subject"] = message.subject
        sender = _address(me.get("name"), me["email"], "your") if me.get("email") else None
        if sender is not None:
            msg["From"] = sender
        if them.get("email"):
            msg["To"] = _address(them.get("name"), them["email"], "the contact's")
        msg["Date"] = formatdate(localtime=True)
        if message.message_id is None:
            message.message_id = make_msgid(domain=sender.domain if sender else "followup-script.local")
        msg["Message-ID"] = message.message_id
        thread = message.thread
        if thread is not None:
            chain = [m for m in (_msgid(r) for r in thread.reply_references()) if m]
            if chain:
                msg["In-Reply-To"] = chain[-1]
                msg["References"] = " ".join(chain)
        msg["X-Unsent"] = "1"
    except ValueError as exc:  # CR/LF or other header injection attempts
        raise InputError(f"an email header value was refused ({exc}); remove line breaks from it") from None
    msg.set_content(message.text)
    if message.html:
        msg.add_alternative(message.html, subtype="html")
    return msg


def eml(message) -> bytes:
    """The message as an ``.eml`` file's bytes (what ``--format eml`` writes)."""
    return bytes(build_email(message))

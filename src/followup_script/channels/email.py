"""Email: the subject line convention and RFC 5322 messages (SMTP: :mod:`.smtp`).

Addresses with an internationalised domain (``dana@acmé.example``) are written
with the domain in IDNA form (``dana@xn--acm-dma.example``) in the headers, and
so in the SMTP envelope, which is taken from them.
"""

from __future__ import annotations

import email.policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from followup_script.errors import InputError, TemplateError


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


def ascii_domain(domain: str) -> str:
    """``acmé.example`` -> ``xn--acm-dma.example`` (IDNA); an ASCII domain unchanged.

    Raises ``UnicodeError`` when the domain cannot be written in IDNA form (an
    empty or over-long label, characters IDNA does not allow)."""
    if domain.isascii():
        return domain
    return domain.encode("idna").decode("ascii")


def _address(name: str | None, addr: str, what: str) -> Address:
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


def build_email(message) -> EmailMessage:
    """multipart/alternative (text/plain + text/html), opened as a draft by Outlook."""
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
        msg["Message-ID"] = make_msgid(domain=sender.domain if sender else "followup-script.local")
        msg["X-Unsent"] = "1"
    except ValueError as exc:  # CR/LF or other header injection attempts
        raise InputError(f"an email header value was refused ({exc}); remove line breaks from it") from None
    msg.set_content(message.text)
    msg.add_alternative(message.html, subtype="html")
    return msg

"""Email: the subject line convention, RFC 5322 messages and SMTP delivery."""

from __future__ import annotations

import email.policy
import os
import shlex
import subprocess
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from followup_script.errors import ConfigError, DeliveryError, InputError, TemplateError


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


def _address(name: str | None, addr: str, what: str) -> Address:
    try:  # a display name is text, one line (templates see it collapsed the same way)
        return Address(display_name=" ".join(str(name or "").split()), addr_spec=addr)
    except (ValueError, IndexError) as exc:
        raise InputError(f"{what} email {addr!r} is not a valid address ({exc}); fix it") from None


def build_email(message) -> EmailMessage:
    """multipart/alternative (text/plain + text/html), opened as a draft by Outlook."""
    me, them = message.profile, message.contact
    msg = EmailMessage(policy=email.policy.default)
    try:
        msg["Subject"] = message.subject
        if me.get("email"):
            msg["From"] = _address(me.get("name"), me["email"], "your")
        if them.get("email"):
            msg["To"] = _address(them.get("name"), them["email"], "the contact's")
        msg["Date"] = formatdate(localtime=True)
        domain = me["email"].rpartition("@")[2] if me.get("email") else "followup-script.local"
        msg["Message-ID"] = make_msgid(domain=domain)
        msg["X-Unsent"] = "1"
    except ValueError as exc:  # CR/LF or other header injection attempts
        raise InputError(f"an email header value was refused ({exc}); remove line breaks from it") from None
    msg.set_content(message.text)
    msg.add_alternative(message.html, subtype="html")
    return msg


def smtp_password(settings: dict) -> str | None:
    """From the env var named by ``password_env`` or the output of ``password_command``."""
    env_name = settings.get("password_env")
    if env_name:
        value = os.environ.get(env_name)
        if value is None:
            raise ConfigError(f"email.password_env names {env_name!r}, which is not set; export it")
        return value
    command = settings.get("password_command")
    if command:
        try:
            done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ConfigError(f"email.password_command failed to run ({type(exc).__name__}); check it") from None
        if done.returncode != 0:
            raise ConfigError(f"email.password_command exited {done.returncode}; check it")
        return done.stdout.rstrip("\n")
    if "password" in settings:
        raise ConfigError(
            "email.password is not read from the config file; use email.password_env or "
            "email.password_command"
        )
    return None


def send_smtp(msg: EmailMessage, settings: dict) -> str:
    """Send over SMTP as configured in ``[email]``; returns the Message-ID."""
    import smtplib
    import ssl

    host = settings.get("host")
    if not host:
        raise ConfigError(
            "email delivery needs an SMTP server: run followup-script config set email.host "
            "smtp.example.com (and email.port, email.user, email.password_env)"
        )
    security = str(settings.get("security", "starttls")).lower()
    if security not in ("starttls", "ssl", "none"):
        raise ConfigError(f"email.security {security!r} is not known; use starttls, ssl or none")
    try:
        port = int(settings.get("port", 465 if security == "ssl" else 587))
    except (TypeError, ValueError):
        raise ConfigError(f"email.port {settings.get('port')!r} is not a number; use e.g. 587") from None
    timeout = float(settings.get("timeout", 30))
    user = settings.get("user")
    password = smtp_password(settings)
    del msg["X-Unsent"]
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if user:
                if password is None:
                    raise ConfigError("email.user is set but no password: set email.password_env")
                server.login(user, password)
            refused = server.send_message(msg)
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(f"the SMTP server {host}:{port} refused the login for {user!r}; check user and password") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"the SMTP server refused the recipient {list(exc.recipients)}; check the address") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"the SMTP server {host}:{port} does not support that ({exc}); set email.security") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"could not send through {host}:{port}: {exc}; check email.host and email.port") from None
    if refused:
        raise DeliveryError(f"the SMTP server refused {sorted(refused)}; check the address")
    return msg["Message-ID"]

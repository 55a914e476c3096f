"""SMTP delivery as configured in ``[email]``.

The settings are checked first, one :class:`~followup_script.errors.ConfigError`
naming each wrong key. Credentials are sent as UTF-8 (RFC 4616 ``PLAIN``; the
de-facto ``LOGIN`` and ``CRAM-MD5`` likewise), and no error message quotes any
part of the password (:func:`scrub`). A send whose outcome is unknown (the
connection broke or timed out after the message's content went out, before the
server's reply) raises :class:`~followup_script.errors.DeliveryUnknown`, so the
attempt is kept as interrupted, not failed; once the server answered 250, the
message is sent, whatever happens after (a 421 to ``QUIT``).
"""

from __future__ import annotations

import base64
import hmac
import math
import os
import shlex
import subprocess
from email.message import EmailMessage
from typing import cast

from followup_script.errors import ConfigError, DeliveryError, DeliveryUnknown, FollowupError

#: The SMTP timeout when ``email.timeout`` is not set and there is no ``[delivery]
#: timeout_seconds`` either (its own default).
DEFAULT_TIMEOUT = 120.0
SECURITY = ("starttls", "ssl", "none")
QUIT_TIMEOUT = 5.0  # after the server accepted the message, a slow goodbye does not matter


# -- the [email] settings ---------------------------------------------------------------------


def _kind(value) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _text(settings: dict, key: str, example: str) -> str | None:
    """A setting that must be text (or absent); a number is taken as its digits where that is
    what ``config set`` makes of a digits-only value (``email.user 12345``)."""
    value = settings.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and key == "user":
        return str(value)
    if not isinstance(value, str) or not value.strip():
        shown = "empty" if isinstance(value, str) else _kind(value)
        raise ConfigError(f"email.{key} must be text, not {shown}; "
                          f"run: followup-script config set email.{key} {example}")
    return value


def _number(settings: dict, key: str, default, low: float, high: float, example: str,
            whole: bool = False) -> float:
    value = settings.get(key, default)
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value.strip()) if whole else float(value.strip())
        except ValueError:
            number = None
    if (number is None or not math.isfinite(number) or not low <= number <= high
            or (whole and number != int(number))):
        shown = repr(value) if isinstance(value, (str, int, float)) else _kind(value)
        kind = "a whole number" if whole else "a number of seconds"
        raise ConfigError(f"email.{key} = {shown} must be {kind} from {low:g} to {high:g}; "
                          f"run: followup-script config set email.{key} {example}")
    return number


def smtp_settings(settings: dict, delivery_limit: float | None = None) -> dict:
    """The ``[email]`` section checked, one clear :class:`ConfigError` per wrong key.

    ``timeout`` (seconds per SMTP read or write) defaults to ``delivery_limit``
    (``[delivery] timeout_seconds``), never shorter: a slow server's reply is
    waited for as long as the delivery itself may take."""
    host = settings.get("host")
    if host is None or host == "":
        raise ConfigError(
            "email delivery needs an SMTP server: run followup-script config set email.host "
            "smtp.example.com (and email.port, email.user, email.password_env)"
        )
    host = cast(str, _text(settings, "host", "smtp.example.com"))  # not None: checked above
    if any(ch.isspace() or not ch.isprintable() for ch in host):
        raise ConfigError(f"email.host = {host!r} is not a server name; "
                          "run: followup-script config set email.host smtp.example.com")
    security = _text(settings, "security", "starttls") or "starttls"
    if security.lower() not in SECURITY:
        raise ConfigError(f"email.security {security!r} is not known; use starttls, ssl or none")
    security = security.lower()
    port = int(_number(settings, "port", 465 if security == "ssl" else 587, 1, 65535, "587", whole=True))
    limit = delivery_limit if delivery_limit and delivery_limit > 0 else DEFAULT_TIMEOUT
    timeout = _number(settings, "timeout", limit, 0.001, 86400, f"{limit:g}")
    command = _text(settings, "password_command", "'pass show smtp'")
    if command is not None:
        try:
            shlex.split(command)
        except ValueError as exc:
            raise ConfigError(f"email.password_command cannot be split into words ({exc}); "
                              "fix its quotes") from None
    checked = {"host": host, "port": port, "security": security, "timeout": float(timeout),
               "user": _text(settings, "user", "ana@example.com"),
               "password_env": _text(settings, "password_env", "SMTP_PASSWORD"),
               "password_command": command}
    if "password" in settings:
        checked["password"] = settings["password"]  # refused by smtp_password when it is used
    return checked


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
            done = subprocess.run(shlex.split(command), capture_output=True, timeout=30)
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            raise ConfigError(f"email.password_command failed to run ({type(exc).__name__}); check it") from None
        if done.returncode != 0:
            raise ConfigError(f"email.password_command exited {done.returncode}; check it")
        try:
            return done.stdout.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise ConfigError("email.password_command printed something that is not UTF-8 "
                              "text; make it print the password") from None
    if "password" in settings:
        raise ConfigError(
            "email.password is not read from the config file; use email.password_env or "
            "email.password_command"
        )
    return None


# -- secrets out of every message -------------------------------------------------------------


def secret_forms(user: str | None, password: str | None) -> list[str]:
    """Every way the password could show up in an error: as typed, escaped as Python would
    quote it, as UTF-8 bytes, and base64-encoded the way SMTP AUTH sends it."""
    if not password:
        return []
    raw = password.encode("utf-8")
    forms = {password, repr(password)[1:-1], str(raw)[2:-1], raw.hex()}
    blobs = [raw, f"\0{user or ''}\0{password}".encode()]
    forms.update(base64.b64encode(blob).decode("ascii") for blob in blobs)
    forms.update(repr(ch)[1:-1] for ch in password if not ch.isascii())
    return sorted((f for f in forms if f), key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    for form in secrets:
        text = text.replace(form, "********")
    return text


def _why(exc: BaseException, secrets: list[str]) -> str:
    """What went wrong, in words that hold no part of a secret."""
    if isinstance(exc, UnicodeError):  # its message quotes the character and its position
        return type(exc).__name__
    return scrub(" ".join(str(exc).split()), secrets)[:300] or type(exc).__name__


# -- SMTP -------------------------------------------------------------------------------------


class _Session:
    """What :mod:`smtplib` does, plus UTF-8 credentials and where the message got to.

    ``content_sent``: the server said 354 to DATA, so the message's content went
    (or was going) out; ``answered``: the server replied to it. Between the two,
    a broken connection or a timeout means nobody knows whether it was stored."""

    content_sent = False
    answered = False
    accepted = False
    _after_data = False

    def putcmd(self, cmd, args=""):
        self._after_data = cmd.lower() == "data"
        super().putcmd(cmd, args)

    def getreply(self):
        code, reply = super().getreply()
        if self._after_data:
            self._after_data = False
            self.content_sent = code == 354
        elif self.content_sent and not self.answered:
            self.answered, self.accepted = True, code == 250
        return code, reply

    def auth(self, mechanism, authobject, *, initial_response_ok=True):
        """smtplib's, with the responses encoded as UTF-8 instead of ASCII (RFC 4616)."""
        import smtplib

        def encoded(text: str) -> str:
            return base64.b64encode(text.encode("utf-8")).decode("ascii")

        mechanism = mechanism.upper()
        initial = authobject() if initial_response_ok else None
        if initial is not None:
            code, reply = self.docmd("AUTH", f"{mechanism} {encoded(initial)}")
            self._auth_challenge_count = 1  # smtplib's auth_login reads it
        else:
            code, reply = self.docmd("AUTH", mechanism)
            self._auth_challenge_count = 0
        while code == 334:
            self._auth_challenge_count += 1
            if self._auth_challenge_count > 5:
                raise smtplib.SMTPException("the server kept asking for more during AUTH")
            code, reply = self.docmd(encoded(authobject(base64.decodebytes(reply))))
        if code in (235, 503):
            return code, reply
        raise smtplib.SMTPAuthenticationError(code, reply)

    def auth_cram_md5(self, challenge=None):
        if challenge is None:
            return None
        return f"{self.user} " + hmac.HMAC(self.password.encode("utf-8"), challenge, "md5").hexdigest()


def _quit(server) -> None:
    """Say goodbye after the message was accepted: any answer (221, 421) or none is fine,
    and so is the delivery limit running out meanwhile."""
    try:
        if server.sock is not None:
            server.sock.settimeout(min(QUIT_TIMEOUT, server.timeout or QUIT_TIMEOUT))
        server.quit()
    except Exception:  # noqa: BLE001 - the message is already accepted
        pass
    finally:
        server.close()


def send_smtp(msg: EmailMessage, settings: dict, delivery_limit: float | None = None) -> str:
    """Send over SMTP as configured in ``[email]``; returns the Message-ID.

    Raises :class:`DeliveryError` when the server refused or could not be
    reached (nothing was stored), :class:`DeliveryUnknown` when the connection
    ended between the message's content and the server's reply."""
    import smtplib
    import ssl

    config = smtp_settings(settings, delivery_limit)
    host, port, security, user = config["host"], config["port"], config["security"], config["user"]
    password = smtp_password(config)
    if user and password is None:
        raise ConfigError("email.user is set but no password: set email.password_env")
    secrets = secret_forms(user, password)
    where = f"{host}:{port}"
    del msg["X-Unsent"]

    class Plain(_Session, smtplib.SMTP):
        pass

    class Secure(_Session, smtplib.SMTP_SSL):
        pass

    server: smtplib.SMTP | None = None
    try:
        if security == "ssl":
            server = Secure(host, port, timeout=config["timeout"], context=ssl.create_default_context())
        else:
            server = Plain(host, port, timeout=config["timeout"])
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if user:
            server.login(user, cast(str, password))  # a user has a password (checked above)
        refused = server.send_message(msg)
    except FollowupError as exc:  # the delivery limit ran out (tracker.deadline), or our own
        _close(server)
        if _accepted(server):
            return msg["Message-ID"]
        if not isinstance(exc, DeliveryError) or isinstance(exc, DeliveryUnknown):
            raise
        if _unknown(server):
            raise DeliveryUnknown(_unknown_words(where, "the delivery limit ran out")) from None
        raise DeliveryError(f"{where} did not answer within the delivery limit "
                            "(delivery.timeout_seconds) before the message went out, so nothing "
                            "was sent; check email.host and email.port, or raise the limit") from None
    except smtplib.SMTPAuthenticationError:
        _close(server)
        raise DeliveryError(f"the SMTP server {where} refused the login for {user!r}; check user and password") from None
    except smtplib.SMTPRecipientsRefused as exc:
        _close(server)
        raise DeliveryError(f"the SMTP server refused the recipient {list(exc.recipients)}; check the address") from None
    except smtplib.SMTPNotSupportedError as exc:
        _close(server)
        raise DeliveryError(f"the SMTP server {where} does not support that ({_why(exc, secrets)}); set email.security") from None
    except Exception as exc:  # smtplib, ssl, sockets, and anything else: no secret in the words
        _close(server)
        if _accepted(server):
            return msg["Message-ID"]
        if _unknown(server):
            raise DeliveryUnknown(_unknown_words(where, _why(exc, secrets))) from None
        raise DeliveryError(f"could not send through {where}: {_why(exc, secrets)}; check "
                            "email.host and email.port") from None
    _quit(server)
    if refused:
        raise DeliveryError(f"the SMTP server refused {sorted(refused)}; check the address")
    return msg["Message-ID"]


def _accepted(server) -> bool:
    """The server answered the message's content with 250: it has it, whatever came after."""
    return server is not None and server.accepted


def _unknown(server) -> bool:
    return server is not None and server.content_sent and not server.answered


def _unknown_words(where: str, why: str) -> str:
    return (f"{where} received the email but did not confirm it ({why}), so it may have been "
            "sent; look in your Sent folder, and if it is not there, run the same command with --resend")


def _close(server) -> None:
    if server is not None:
        try:
            server.close()
        except Exception:  # noqa: BLE001 - closing a broken connection
            pass

"""The IMAP inbox: any provider (Gmail, Outlook, Fastmail, iCloud) with an app password.

Read-only by construction: each folder is opened with ``EXAMINE`` and every
fetch is ``BODY.PEEK``, so nothing is marked read. The server does the
searching (``SINCE`` the date, ``FROM``/``TO`` the tracked addresses and their
domains) rather than the mailbox being downloaded; for each message found only
the headers :data:`~followup_script.inbox.classify.INBOX_HEADERS` and the first
:data:`~followup_script.inbox.classify.TEXT_BYTES` bytes of text are fetched (in
Sent: :data:`~followup_script.inbox.classify.SENT_HEADERS` and no text; the
server's arrival time only for a message whose Date cannot be read), and nothing
of them is kept once the event is made.

Settings, ``[imap]``: ``host``, ``port`` (993, or 143 for ``starttls``/``none``),
``user``, the password from ``password_command`` (a command that prints it, such
as ``secret-tool lookup imap ana``), ``password_env`` (an environment variable's
name) or ``keyring = true`` (the ``keyring`` package, service ``followup-script-imap``),
``inbox_folder`` (``INBOX``), ``sent_folder`` (the server's ``\\Sent`` folder, else
``Sent``), ``security`` (``ssl``, ``starttls``, or ``none`` for local testing only)
and ``timeout`` (seconds, 30).
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import ssl
import subprocess
from collections.abc import Iterator

from followup_script.errors import ConfigError
from followup_script.inbox.base import Event, InboxAuthError, InboxServerError, Unreadable, Watch
from followup_script.inbox.classify import INBOX_HEADERS, SENT_HEADERS, TEXT_BYTES, event_of

NAME = "imap"
SECURITY = ("ssl", "starttls", "none")
LOOPBACK = frozenset({"localhost", "::1"})  # and 127.x.x.x: where security = "none" is allowed
FREE_MAIL = frozenset({"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
                       "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "fastmail.com",
                       "gmx.com", "gmx.de", "web.de", "mail.com", "yandex.com", "zoho.com"})
BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
SEARCH_CHUNK = 100  # terms per SEARCH: a command line of about 3 KB (servers take 8 KB), one scan per 100
FETCH_CHUNK = 200  # messages per FETCH
KEYRING_SERVICE = "followup-script-imap"

OPTIONS = {
    "host": "IMAP server, e.g. imap.gmail.com",
    "port": "IMAP port (993 for ssl, 143 for starttls)",
    "user": "IMAP login (your address)",
    "password_command": "a command that prints the IMAP (app) password",
    "password_env": "name of the env var that holds the IMAP password",
    "keyring": "true: read the password from the system keyring (service followup-script-imap)",
    "inbox_folder": "the folder replies arrive in (INBOX)",
    "sent_folder": "the folder of sent mail (the server's Sent folder)",
    "security": "ssl (default), starttls, or none (local testing only)",
    "timeout": "seconds to wait for the server (30)",
}


def configured(config) -> bool:
    return bool(config.section("imap").get("host"))


def checked(settings: dict) -> dict:
    """The ``[imap]`` table checked; a wrong value is a ConfigError naming the key."""
    def text(key: str, example: str, required: bool = False) -> str | None:
        value = settings.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise ConfigError(f"imap.{key} is not set", field=f"imap.{key}",
                                  fix=f"run: followup-script config set imap.{key} {example}")
            return None
        if not isinstance(value, str) or any(not ch.isprintable() for ch in value):
            raise ConfigError("is not text on one line", field=f"imap.{key}", value=value,
                              fix=f"set it as text, e.g. {example}")
        return value.strip()

    host = text("host", "imap.gmail.com", required=True) or ""
    if any(ch.isspace() for ch in host):
        raise ConfigError("is not a server name", field="imap.host", value=host, fix="e.g. imap.gmail.com")
    security = (text("security", "ssl") or "ssl").lower()
    if security not in SECURITY:
        raise ConfigError("is not known", field="imap.security", value=security, fix="use ssl, starttls or none")
    if security == "none" and host.lower().strip("[]") not in LOOPBACK and not host.startswith("127."):
        raise ConfigError(f"would send your password unencrypted to {host}; it is only for an IMAP server on "
                          "this machine", field="imap.security", value=security,
                          fix="use ssl (port 993) or starttls (port 143)")
    port = settings.get("port", 993 if security == "ssl" else 143)
    if isinstance(port, str) and port.strip().isdigit():
        port = int(port)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigError("is not a port (1 to 65535)", field="imap.port", value=port, fix="e.g. 993")
    timeout = settings.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 3600:
        raise ConfigError("is not a number of seconds (above 0, at most 3600)", field="imap.timeout",
                          value=timeout, fix="e.g. 30")
    if "password" in settings:
        raise ConfigError("imap.password is never read from the config file; use imap.password_command, "
                          "imap.password_env or imap.keyring = true")
    return {"host": host, "port": port, "security": security, "timeout": float(timeout),
            "user": text("user", "ana@example.com", required=True),
            "password_command": text("password_command", "'secret-tool lookup imap ana'"),
            "password_env": text("password_env", "IMAP_PASSWORD"),
            "keyring": settings.get("keyring") is True or str(settings.get("keyring")).lower() in ("true", "yes"),
            "inbox_folder": text("inbox_folder", "INBOX") or "INBOX",
            "sent_folder": text("sent_folder", "Sent")}


def password(settings: dict) -> str:
    """The password: from ``password_env``, ``password_command`` or the keyring."""
    if settings.get("password_env"):
        name = settings["password_env"]
        if name not in os.environ:
            raise ConfigError("names a variable that is not set", field="imap.password_env", value=name,
                              fix=f"export {name}")
        return os.environ[name]
    if settings.get("password_command"):
        try:
            done = subprocess.run(shlex.split(settings["password_command"]), capture_output=True, timeout=30)
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            raise ConfigError(f"imap.password_command failed to run ({type(exc).__name__}); check it") from None
        if done.returncode != 0:
            raise ConfigError(f"imap.password_command exited {done.returncode}; check it")
        return done.stdout.decode("utf-8", "replace").rstrip("\r\n")
    if settings.get("keyring"):
        try:
            import keyring
        except ImportError:
            raise ConfigError("imap.keyring = true needs the keyring package; pip install keyring, "
                              "or use imap.password_command") from None
        found = keyring.get_password(KEYRING_SERVICE, settings["user"])
        if found is None:
            raise ConfigError(f"the keyring has no password for service {KEYRING_SERVICE!r}, user "
                              f"{settings['user']!r}; add it with: keyring set {KEYRING_SERVICE} {settings['user']}")
        return found
    raise ConfigError("imap has no password source; set imap.password_command (a command that prints "
                      "your app password), imap.password_env or imap.keyring = true")


def _where(settings: dict) -> str:
    return f"{settings['host']}:{settings['port']}"


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def connect(settings: dict):
    """A logged-in IMAPClient; refused logins and TLS or network failures become one-line errors."""
    from imapclient import IMAPClient
    from imapclient.exceptions import LoginError

    secret = password(settings)
    where = _where(settings)
    try:
        context = ssl.create_default_context() if settings["security"] != "none" else None
        client = IMAPClient(settings["host"], port=settings["port"], ssl=settings["security"] == "ssl",
                            ssl_context=context, timeout=settings["timeout"])
        if settings["security"] == "starttls":
            client.starttls(context)
    except ssl.SSLError as exc:
        raise InboxServerError(f"TLS with the IMAP server {where} failed ({exc.reason or type(exc).__name__}); "
                               "check imap.port (993 for ssl) and imap.security") from None
    except (OSError, EOFError) as exc:
        raise InboxServerError(f"the IMAP server {where} cannot be reached ({_reason(exc)}); "
                               "check imap.host and imap.port") from None
    except Exception as exc:  # imaplib's errors: not an IMAP server, or STARTTLS refused
        raise InboxServerError(f"the IMAP server {where} answered wrongly ({_scrub(_reason(exc), secret)}); "
                               "check imap.host, imap.port and imap.security") from None
    try:
        client.login(settings["user"], secret)
    except LoginError:
        _quietly_close(client)
        raise InboxAuthError(f"the IMAP server {where} refused the login of imap.user {settings['user']!r}; "
                             "check the user and the password (Gmail, Outlook and iCloud want an app "
                             "password: see docs/inbox.md)") from None
    except (OSError, EOFError) as exc:
        raise InboxServerError(f"the IMAP server {where} closed the connection during login "
                               f"({_reason(exc)}); try again") from None
    return client


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _quietly_close(client) -> None:
    try:
        client.logout()
    except Exception:
        try:
            client.shutdown()
        except Exception:
            pass


def _or(criteria: list[list]) -> list:
    """IMAP's OR takes two keys: ``OR a OR b c`` for a, b or c."""
    found = criteria[-1]
    for item in reversed(criteria[:-1]):
        found = ["OR", *item, *found]
    return found


def search_terms(watch: Watch) -> tuple[list[str], list[str]]:
    """What to search FROM in the inbox (each address, each domain that is not a free-mail
    provider, and the bounce senders) and TO in the sent folder (each address)."""
    senders: dict[str, None] = {}
    for address in sorted(watch.addresses):
        local, _, domain = address.rpartition("@")
        if domain and domain not in FREE_MAIL:
            senders[domain] = None
        else:  # the address, and without its +tag (a reply comes from the plain one)
            senders[address] = None
            senders[f"{local.split('+', 1)[0]}@{domain}"] = None
    senders.update(dict.fromkeys(BOUNCE_SENDERS))
    return list(senders), sorted(watch.addresses)


def _search(client, since: dt.date, field: str, terms: list[str]) -> list[int]:
    found: set[int] = set()
    for start in range(0, len(terms), SEARCH_CHUNK):
        chunk = [[field, term] for term in terms[start:start + SEARCH_CHUNK]]
        found.update(client.search(["SINCE", since, *_or(chunk)]))
    return sorted(found)


def _folder(client, settings: dict, sent: bool) -> str | None:
    if not sent:
        return settings["inbox_folder"]
    if settings.get("sent_folder"):
        return settings["sent_folder"]
    from imapclient.imapclient import SENT

    found = client.find_special_folder(SENT)
    if found:
        return found
    return "Sent" if client.folder_exists("Sent") else None


def read(config, since: dt.date, watch: Watch) -> Iterator[Event | Unreadable]:
    """The events since ``since``: replies, auto-replies, bounces and requests to stop in the
    inbox folder, and messages sent to tracked addresses in the sent folder (``[imap]``)."""
    settings = checked(config.section("imap"))
    if not watch.addresses:
        return
    senders, recipients = search_terms(watch)
    client = connect(settings)
    where = _where(settings)
    try:
        for sent, terms in ((False, senders), (True, recipients)):
            yield from _read_folder(client, settings, since, sent, terms, where)
    except (OSError, EOFError) as exc:
        raise InboxServerError(f"the connection to the IMAP server {where} was lost ({_reason(exc)}); "
                               "run sync again: what was found so far is logged") from None
    except Exception as exc:
        from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

        if isinstance(exc, IMAPClientAbortError):
            raise InboxServerError(f"the connection to the IMAP server {where} was lost ({_reason(exc)}); "
                                   "run sync again: what was found so far is logged") from None
        if isinstance(exc, IMAPClientError):  # a NO or BAD to SEARCH or FETCH
            raise InboxServerError(f"the IMAP server {where} refused a command ({_reason(exc)}); run sync "
                                   "again later: what was found so far is logged") from None
        raise
    finally:
        _quietly_close(client)


def _read_folder(client, settings: dict, since: dt.date, sent: bool, terms: list[str],
                 where: str) -> Iterator[Event | Unreadable]:
    from imapclient.exceptions import IMAPClientError, IMAPClientReadOnlyError

    folder = _folder(client, settings, sent)
    if folder is None:
        return
    try:
        client.select_folder(folder, readonly=True)  # EXAMINE: nothing changes, nothing is marked read
    except (IMAPClientError, IMAPClientReadOnlyError) as exc:
        key = "imap.sent_folder" if sent else "imap.inbox_folder"
        raise ConfigError(f"{key} {folder!r} cannot be opened on {where} ({_reason(exc)}); set {key} to "
                          "one of the server's folders") from None
    uids = _search(client, since, "TO" if sent else "FROM", terms)
    parts = fetch_parts(sent)
    for start in range(0, len(uids), FETCH_CHUNK):
        batch = uids[start:start + FETCH_CHUNK]
        fetched = client.fetch(batch, parts)
        for uid in batch:
            item = fetched.get(uid)
            found = _event(client, item, uid, folder, sent) if item is not None else None  # None: expunged
            if found is not None:  # None: a sent message to nobody
                yield found


def fetch_parts(sent: bool) -> list[str]:
    """What is fetched of each message found, every part peeked (nothing is marked read): the
    headers a message's meaning is read from, and in the inbox folder the first
    :data:`TEXT_BYTES` of its text (an out-of-office's return day, a bounce's recipient, a
    request to stop); a message in Sent is told by its headers alone."""
    if sent:
        return [f"BODY.PEEK[HEADER.FIELDS ({' '.join(SENT_HEADERS).upper()})]"]
    return [f"BODY.PEEK[HEADER.FIELDS ({' '.join(INBOX_HEADERS).upper()})]", f"BODY.PEEK[TEXT]<0.{TEXT_BYTES}>"]


def _arrival(client, uid: int):
    """A function that asks the server when message ``uid`` arrived (INTERNALDATE): called
    only for a message whose own Date cannot be read."""
    def arrived() -> dt.datetime | None:
        found = client.fetch([uid], ["INTERNALDATE"]).get(uid, {}).get(b"INTERNALDATE")
        if isinstance(found, dt.datetime) and found.tzinfo is None:
            found = found.astimezone()
        return found if isinstance(found, dt.datetime) else None

    return arrived


def _event(client, item: dict, uid: int, folder: str, sent: bool) -> Event | Unreadable | None:
    header = b"".join(v for k, v in item.items() if k.startswith(b"BODY[HEADER") and v)
    text = b"".join(v for k, v in item.items() if k.startswith(b"BODY[TEXT]") and v)
    try:
        return event_of(header + text, NAME, _arrival(client, uid), sent_folder=sent, uid=f"{folder}/{uid}")
    except (ValueError, TypeError, LookupError) as exc:
        return Unreadable(f"{folder}/{uid}", str(exc))

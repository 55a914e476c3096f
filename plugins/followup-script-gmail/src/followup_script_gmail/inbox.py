"""The ``gmail`` inbox: replies and sent drafts found through the Gmail API.

Only after ``followup-script gmail login --inbox``, which adds the read-only scope
(:data:`READ_SCOPE`) to ``gmail.compose``; a login without it is told so. Read
with plain HTTP (google-auth's ``AuthorizedSession``, which refreshes the login):
``users.messages.list`` with a search query (``after:`` the date, ``{from:a from:b}``
for replies, ``in:sent {to:a to:b}`` for what was sent: a draft of ours that was
sent carries its ``X-Followup-Key``), then ``users.messages.get`` with
``format=metadata`` for each message found: headers and Gmail's short snippet,
never the body, and nothing of them is kept.
"""

from __future__ import annotations

import datetime as dt

from .login import LOGIN_HINT, Settings, credentials, read_token, scopes_of, secrets_of, write_token

READ_SCOPE = "https://www.googleapis.com/auth/gmail.readonly"
INBOX_HINT = "run followup-script gmail login --inbox --client-secrets FILE"
QUERY_CHUNK = 25  # addresses per search query
PAGE_SIZE = 100


def configured(config) -> bool:
    try:
        settings = Settings.from_config(config)
        return READ_SCOPE in scopes_of(read_token(settings.token_file))
    except Exception:  # no login, or a broken one: not set up for sync
        return False


def _queries(since: dt.date, addresses: list[str]) -> list[tuple[bool, str]]:
    after = f"after:{since:%Y/%m/%d}"
    queries = []
    for start in range(0, len(addresses), QUERY_CHUNK):
        chunk = addresses[start:start + QUERY_CHUNK]
        queries.append((False, f"{after} -in:sent -in:drafts {{{' '.join(f'from:{a}' for a in chunk)}}}"))
        queries.append((True, f"{after} in:sent {{{' '.join(f'to:{a}' for a in chunk)}}}"))
    bounce = f"{after} -in:sent {{from:mailer-daemon from:postmaster}}"
    return [*queries, (False, bounce)]


def read(config, since: dt.date, watch):
    """Events for the messages from and to the watched addresses since ``since``."""
    from followup_script.inbox import InboxAuthError, InboxServerError

    settings = Settings.from_config(config)
    data = read_token(settings.token_file)
    if READ_SCOPE not in scopes_of(data):
        raise InboxAuthError(f"the Gmail login allows drafts only, not reading replies; {INBOX_HINT}")
    creds = credentials(data, settings)
    secrets = secrets_of(data)
    try:
        yield from _read(settings, creds, since, watch)
    except (InboxAuthError, InboxServerError) as exc:
        text = str(exc)
        for secret in secrets:
            text = text.replace(secret, "***")
        raise type(exc)(text) from None
    finally:
        if creds.token and creds.token != data.get("token"):
            write_token(settings.token_file, {**data, "token": creds.token,
                                              "expiry": creds.expiry.isoformat() + "Z" if creds.expiry else None})


def _read(settings: Settings, creds, since: dt.date, watch):
    import requests
    from followup_script.inbox import InboxAuthError, InboxServerError
    from followup_script.inbox.classify import event_of
    from google.auth import exceptions as auth_errors
    from google.auth.transport.requests import AuthorizedSession

    api = f"{settings.api_root}gmail/v1/users/me/messages"
    session = AuthorizedSession(creds)

    def get(url, params):
        try:
            answer = session.get(url, params=params, timeout=settings.timeout)
        except auth_errors.RefreshError:
            raise InboxAuthError(f"your Gmail login could not be refreshed; {LOGIN_HINT}") from None
        except (requests.RequestException, auth_errors.TransportError) as exc:
            raise InboxServerError(f"could not reach Gmail at {settings.api_root} ({type(exc).__name__}); "
                                   "check your connection and run sync again") from None
        if answer.status_code in (401, 403):
            raise InboxAuthError(f"Gmail refused the login (HTTP {answer.status_code}); {INBOX_HINT}")
        if answer.status_code != 200:
            raise InboxServerError(f"Gmail answered HTTP {answer.status_code}; run sync again later")
        try:
            return answer.json()
        except ValueError:
            raise InboxServerError(f"the server at {settings.api_root} did not answer like Gmail (not JSON); "
                                   "check gmail.api_root") from None

    for sent, query in _queries(since, sorted(watch.addresses)):
        params = {"q": query, "maxResults": PAGE_SIZE}
        while True:
            page = get(api, params)
            for item in page.get("messages") or []:
                if not isinstance(item, dict) or not item.get("id"):
                    continue
                found = get(f"{api}/{item['id']}", {"format": "metadata", "metadataHeaders": list(HEADERS)})
                raw = _raw(found)
                arrived = _arrived(found)
                try:
                    event = event_of(raw, "gmail", arrived, sent_folder=sent, uid=str(item["id"]))
                except ValueError:
                    continue
                if event is not None:
                    yield _with_thread(event, found.get("threadId"))
            token = page.get("nextPageToken")
            if not token:
                break
            params = {**params, "pageToken": token}


HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Auto-Submitted",
           "X-Autoreply", "X-Autorespond", "Precedence", "Content-Type", "X-Failed-Recipients", "X-Followup-Key")


def _raw(found: dict) -> bytes:
    """The metadata Gmail gave, as a message :func:`event_of` reads: headers, a blank line,
    the snippet as its text (a DSN's report type stays out: Gmail gives no parts)."""
    lines = []
    for header in (found.get("payload") or {}).get("headers") or []:
        if isinstance(header, dict) and header.get("name") and header.get("name").lower() != "content-type":
            value = " ".join(str(header.get("value") or "").split())
            lines.append(f"{header['name']}: {value}")
    lines.append("Content-Type: text/plain; charset=utf-8")
    return ("\r\n".join(lines) + "\r\n\r\n" + str(found.get("snippet") or "")).encode("utf-8")


def _arrived(found: dict) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(found.get("internalDate")) / 1000, dt.UTC)
    except (TypeError, ValueError):
        return None


def _with_thread(event, thread_id):
    import dataclasses

    return dataclasses.replace(event, thread_id=str(thread_id)) if thread_id else event

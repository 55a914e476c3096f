"""Creating the Gmail draft: ``POST {api_root}gmail/v1/users/me/drafts``.

The REST calls go through google-auth's ``AuthorizedSession`` (requests); no other
Google client is needed. A weekly nudge that answers an earlier Gmail draft goes in
its thread (``threadId``, with the ``In-Reply-To``/``References`` the core adds).
Only drafts are created; nothing is ever sent. A 401 refreshes the login once
and retries once (google-auth does the refresh, with the saved refresh
token); 429 ``rateLimitExceeded`` is
retried a few times with a short, growing wait. Server errors (5xx) are not
retried: the draft may already exist, and a second one would be a duplicate.
"""

from __future__ import annotations

import base64
import time

from followup_script import Receipt
from followup_script.errors import ConfigError, DeliveryError

from .login import (
    LOGIN_HINT,
    SCOPE,
    Settings,
    credentials,
    read_token,
    scrub,
    secrets_of,
    updated,
    write_token,
)

DRAFT_URL = "https://mail.google.com/mail/u/0/#drafts?compose={}"
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
MAX_WAIT = 30.0


KEY_HEADER = "X-Followup-Key"
LOOKBACK = 50  # drafts searched for the key after an interrupted attempt


def raw_message(message, key: str | None = None) -> str:
    """The RFC 5322 bytes of the message (CRLF line ends), base64url, as Gmail wants them.

    ``key`` (the delivery's idempotency key) goes into an ``X-Followup-Key`` header,
    which Gmail keeps, so a later attempt can find the draft this one created.
    """
    msg = message.to_email()
    if key:
        msg[KEY_HEADER] = key
    import email.policy  # loaded on use: plugin start-up stays light

    data = msg.as_bytes(policy=email.policy.SMTP)
    return base64.urlsafe_b64encode(data).decode("ascii")


def deliver(message, context) -> Receipt:
    settings = Settings.from_config(context.config)
    raw = raw_message(message, context.key)
    to = message.contact.get("email")
    thread = message.thread.thread_id if getattr(message, "thread", None) is not None else None
    if context.dry_run:
        return Receipt(channel=message.channel, detail="dry run: no Gmail draft was created")
    data = read_token(settings.token_file)
    creds = credentials(data, settings)
    secrets = secrets_of(data)
    try:
        answer = _create_draft(raw, creds, settings, key=context.key if context.previous_attempt else None,
                               thread_id=thread)
    except (ConfigError, DeliveryError) as exc:
        raise type(exc)(scrub(str(exc), secrets + secrets_of({}, creds))) from None
    finally:
        if creds.token and creds.token != data.get("token"):
            write_token(settings.token_file, updated(data, creds))
    if not isinstance(answer, dict):  # a proxy's page, or anything else that is not Gmail's JSON
        raise DeliveryError(
            f"the server at {settings.api_root} did not answer like Gmail (not JSON: "
            f"{scrub(str(answer)[:80], secrets)}); check gmail.api_root"
        )
    draft_id = answer.get("id")
    inner = answer.get("message")
    message_id = inner.get("id") if isinstance(inner, dict) else None
    thread_id = inner.get("threadId") if isinstance(inner, dict) else None
    if not draft_id:
        raise DeliveryError(
            f"Gmail answered without a draft id ({scrub(str(answer)[:200], secrets)}); "
            "check gmail.api_root"
        )
    detail = "draft created, not sent"
    if answer.get("_found"):
        detail = "draft already created by an interrupted earlier attempt, not sent"
    if not to:
        detail += " (no To: address; add one in Gmail before sending)"
    return Receipt(
        channel=message.channel,
        id=str(draft_id),
        url=DRAFT_URL.format(message_id) if message_id else None,
        detail=detail,
        thread_id=str(thread_id) if thread_id else None,
    )


class _Refused(Exception):
    """Gmail answered with an error status: ``status``, Google's ``reason`` and ``text``, and
    the ``headers`` of the answer (``Retry-After``)."""

    def __init__(self, response):
        super().__init__(response.status_code)
        self.status, self.reason, self.text = error_of(response)
        self.headers = response.headers


def _call(session, settings: Settings, method: str, path: str, **kwargs):
    """One request to the Gmail API: its JSON (or its text when it is not JSON), or _Refused."""
    response = session.request(method, settings.api_root + path, timeout=settings.timeout, **kwargs)
    if response.status_code >= 400:
        raise _Refused(response)
    try:
        return response.json()
    except ValueError:
        return response.text


def _existing_draft(session, settings: Settings, key: str) -> dict | None:
    """The draft among the most recent ones whose ``X-Followup-Key`` is ``key``, if any.

    ``users.drafts.list`` gives draft and message ids; ``users.messages.get`` with
    ``format=metadata`` reads just that header of each.
    """
    listing = _call(session, settings, "GET", "gmail/v1/users/me/drafts", params={"maxResults": LOOKBACK})
    for item in (listing if isinstance(listing, dict) else {}).get("drafts", []) or []:
        inner = item.get("message") if isinstance(item, dict) else None
        if not isinstance(inner, dict) or not inner.get("id"):
            continue
        found = _call(session, settings, "GET", f"gmail/v1/users/me/messages/{inner['id']}",
                      params={"format": "metadata", "metadataHeaders": KEY_HEADER})
        headers = ((found if isinstance(found, dict) else {}).get("payload") or {}).get("headers") or []
        if any(isinstance(h, dict) and str(h.get("name", "")).lower() == KEY_HEADER.lower()
               and h.get("value") == key for h in headers):
            return {"id": item.get("id"), "message": found, "_found": True}
    return None


def _create_draft(raw: str, creds, settings: Settings, key: str | None = None,
                  thread_id: str | None = None) -> dict:
    """``users.drafts.create`` through google-auth's AuthorizedSession (requests): the
    Gmail REST API needs no other client. ``thread_id`` puts the draft in that thread."""
    import requests
    from google.auth.transport.requests import AuthorizedSession, Request

    # Refreshing is done here, not inside AuthorizedSession, so that a 401 refreshes exactly once
    # and a token endpoint that cannot be reached is told apart from Gmail itself.
    session = AuthorizedSession(creds, refresh_status_codes=(), max_refresh_attempts=0)
    refresh_with = Request(session=requests.Session())
    refreshed = False
    if not creds.valid:  # expired, or saved without an access token
        _refresh(creds, refresh_with)
        refreshed = True
    body: dict = {"message": {"raw": raw}}
    if thread_id:
        body["message"]["threadId"] = thread_id
    attempt = 0
    looked = key is None  # after an interrupted attempt, look for its draft before creating one
    while True:
        try:
            if not looked:
                found = _existing_draft(session, settings, key)
                looked = True
                if found is not None:
                    return found
            return _call(session, settings, "POST", "gmail/v1/users/me/drafts", json=body)
        except _Refused as exc:
            if exc.status == 401 and not refreshed:
                _refresh(creds, refresh_with)
                refreshed = True
                continue
            if is_rate_limit(exc.status, exc.reason) and attempt < settings.retries:
                time.sleep(wait_before_retry(exc, attempt, settings))
                attempt += 1
                continue
            raise translate(exc.status, exc.reason, exc.text, attempt) from None
        except (OSError, requests.RequestException) as exc:
            raise DeliveryError(
                f"could not reach Gmail at {settings.api_root} ({type(exc).__name__}: {exc}); "
                "check your connection (or gmail.api_root) and try again"
            ) from None


def _refresh(creds, request) -> None:
    """Get a new access token from the token endpoint with the saved refresh token."""
    from google.auth import exceptions as auth_errors

    try:
        creds.refresh(request)
    except auth_errors.RefreshError as exc:
        raise ConfigError(
            f"your Gmail login could not be refreshed ({refresh_reason(exc)}): it may have been "
            f"revoked or expired; {LOGIN_HINT}"
        ) from None
    except (auth_errors.TransportError, OSError) as exc:
        raise DeliveryError(
            f"could not reach the Google token endpoint {creds.token_uri} to refresh the login "
            f"({type(exc).__name__}: {exc}); check your connection (or gmail.token_uri) and try again"
        ) from None


def error_of(response) -> tuple[int, str, str]:
    """Status, Google's reason code (``rateLimitExceeded``...) and message of an error answer."""
    status = int(response.status_code or 0)
    reason, text = "", ""
    try:
        error = response.json().get("error", {})
        if isinstance(error, dict):
            text = str(error.get("message") or "")
            details = error.get("errors") or []
            if details and isinstance(details[0], dict):
                reason = str(details[0].get("reason") or "")
            if not reason:
                reason = str(error.get("status") or "")
    except (ValueError, AttributeError):
        pass
    if not text:
        text = str(getattr(response, "reason", "") or "")
    return status, reason, text


def is_rate_limit(status: int, reason: str) -> bool:
    return status == 429 or (status == 403 and reason in RATE_LIMIT_REASONS)


def wait_before_retry(exc, attempt: int, settings: Settings) -> float:
    wait = settings.retry_backoff * (2 ** attempt)
    retry_after = exc.headers.get("retry-after") if hasattr(exc.headers, "get") else None
    if retry_after:
        try:
            wait = max(wait, float(retry_after))
        except ValueError:
            pass
    return min(wait, MAX_WAIT)


def translate(status: int, reason: str, text: str, retries: int) -> Exception:
    """One line that says what Gmail refused and what to do."""
    said = f"{status} {reason or 'error'}" + (f": {text}" if text else "")
    if status == 401:
        return ConfigError(f"Gmail refused the login even after refreshing it ({said}); {LOGIN_HINT}")
    scope_reasons = ("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
    if status == 403 and (reason in scope_reasons or "scope" in text.lower()):
        return ConfigError(
            f"the Gmail login does not allow creating drafts ({said}); it needs the scope {SCOPE}: "
            f"{LOGIN_HINT} and allow followup-script to manage drafts"
        )
    if is_rate_limit(status, reason):
        tries = retries + 1
        return DeliveryError(
            f"Gmail is limiting requests ({said}) and still was after {tries} tr{'y' if tries == 1 else 'ies'}; "
            "no draft was created: wait a few minutes and try again"
        )
    if status == 403 and reason == "accessNotConfigured":
        return DeliveryError(
            f"Gmail refused the draft ({said}); enable the Gmail API in the Google Cloud project "
            "of your client-secrets file"
        )
    if 500 <= status < 600:
        return DeliveryError(
            f"Gmail failed to create the draft ({said}); look in your Gmail drafts before "
            "trying again, it may have been saved"
        )
    return DeliveryError(f"Gmail refused the draft ({said}); no draft was created")


def refresh_reason(exc) -> str:
    """``invalid_grant`` and the like, from a google-auth RefreshError."""
    args = getattr(exc, "args", ())
    if len(args) > 1 and isinstance(args[1], dict) and args[1].get("error"):
        error = str(args[1]["error"])
        description = args[1].get("error_description")
        return f"{error}: {description}" if description else error
    return str(args[0]) if args else type(exc).__name__


def ready(config):
    """The line saying to log in when there is no saved Gmail login (the core asks before it
    offers a delivery: followup_script/present/offers.py)."""
    settings = Settings.from_config(config)
    if not settings.token_file.is_file():
        return f"Gmail is not logged in (no {settings.token_file}); {LOGIN_HINT}"
    return None

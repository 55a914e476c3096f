"""Creating the Gmail draft: ``POST {api_root}gmail/v1/users/me/drafts``.

Only drafts are created; nothing is ever sent. A 401 refreshes the login once
and retries once (google-auth does the refresh, with the saved refresh
token); 429 ``rateLimitExceeded`` is
retried a few times with a short, growing wait. Server errors (5xx) are not
retried: the draft may already exist, and a second one would be a duplicate.
"""

from __future__ import annotations

import base64
import json
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
    if context.dry_run:
        return Receipt(channel=message.channel, detail="dry run: no Gmail draft was created")
    data = read_token(settings.token_file)
    creds = credentials(data, settings)
    secrets = secrets_of(data)
    try:
        answer = _create_draft(raw, creds, settings, key=context.key if context.previous_attempt else None)
    except (ConfigError, DeliveryError) as exc:
        raise type(exc)(scrub(str(exc), secrets + secrets_of({}, creds))) from None
    finally:
        if creds.token and creds.token != data.get("token"):
            write_token(settings.token_file, updated(data, creds))
    if not isinstance(answer, dict):  # the client hands back text it could not parse
        raise DeliveryError(
            f"the server at {settings.api_root} did not answer like Gmail (not JSON: "
            f"{scrub(str(answer)[:80], secrets)}); check gmail.api_root"
        )
    draft_id = answer.get("id")
    inner = answer.get("message")
    message_id = inner.get("id") if isinstance(inner, dict) else None
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
    )


def _existing_draft(service, key: str) -> dict | None:
    """The draft among the most recent ones whose ``X-Followup-Key`` is ``key``, if any.

    ``users.drafts.list`` gives draft and message ids; ``users.messages.get`` with
    ``format=metadata`` reads just that header of each.
    """
    listing = service.users().drafts().list(userId="me", maxResults=LOOKBACK).execute(num_retries=0)
    for item in (listing or {}).get("drafts", []) or []:
        inner = item.get("message") if isinstance(item, dict) else None
        if not isinstance(inner, dict) or not inner.get("id"):
            continue
        found = service.users().messages().get(
            userId="me", id=inner["id"], format="metadata", metadataHeaders=[KEY_HEADER],
        ).execute(num_retries=0)
        headers = ((found or {}).get("payload") or {}).get("headers") or []
        if any(isinstance(h, dict) and str(h.get("name", "")).lower() == KEY_HEADER.lower()
               and h.get("value") == key for h in headers):
            return {"id": item.get("id"), "message": found, "_found": True}
    return None


def _create_draft(raw: str, creds, settings: Settings, key: str | None = None) -> dict:
    import google_auth_httplib2
    import httplib2
    from googleapiclient.discovery import build
    from googleapiclient.errors import HttpError
    from googleapiclient.http import build_http

    http = build_http()
    http.timeout = settings.timeout
    # Refreshing is done here, not inside AuthorizedHttp, so that a 401 refreshes exactly once
    # and a token endpoint that cannot be reached is told apart from Gmail itself.
    authed = google_auth_httplib2.AuthorizedHttp(creds, http=http, max_refresh_attempts=0)
    service = build(
        "gmail", "v1", http=authed, client_options={"api_endpoint": settings.api_root},
        static_discovery=True, cache_discovery=False,
    )
    refresh_with = google_auth_httplib2.Request(http)
    refreshed = False
    if not creds.valid:  # expired, or saved without an access token
        _refresh(creds, refresh_with)
        refreshed = True
    body = {"message": {"raw": raw}}
    attempt = 0
    looked = key is None  # after an interrupted attempt, look for its draft before creating one
    while True:
        try:
            if not looked:
                found = _existing_draft(service, key)
                looked = True
                if found is not None:
                    return found
            return service.users().drafts().create(userId="me", body=body).execute(num_retries=0)
        except HttpError as exc:
            status, reason, text = error_of(exc)
            if status == 401 and not refreshed:
                _refresh(creds, refresh_with)
                refreshed = True
                continue
            if is_rate_limit(status, reason) and attempt < settings.retries:
                time.sleep(wait_before_retry(exc, attempt, settings))
                attempt += 1
                continue
            raise translate(status, reason, text, attempt) from None
        except (OSError, httplib2.HttpLib2Error) as exc:
            raise DeliveryError(
                f"could not reach Gmail at {settings.api_root} ({type(exc).__name__}: {exc}); "
                "check your connection (or gmail.api_root) and try again"
            ) from None


def _refresh(creds, request) -> None:
    """Get a new access token from the token endpoint with the saved refresh token."""
    import httplib2
    from google.auth import exceptions as auth_errors

    try:
        creds.refresh(request)
    except auth_errors.RefreshError as exc:
        raise ConfigError(
            f"your Gmail login could not be refreshed ({refresh_reason(exc)}): it may have been "
            f"revoked or expired; {LOGIN_HINT}"
        ) from None
    except (auth_errors.TransportError, OSError, httplib2.HttpLib2Error) as exc:
        raise DeliveryError(
            f"could not reach the Google token endpoint {creds.token_uri} to refresh the login "
            f"({type(exc).__name__}: {exc}); check your connection (or gmail.token_uri) and try again"
        ) from None


def error_of(exc) -> tuple[int, str, str]:
    """Status, Google's reason code (``rateLimitExceeded``...) and message from an HttpError."""
    status = int(getattr(exc.resp, "status", 0) or 0)
    reason, text = "", ""
    try:
        content = exc.content.decode("utf-8", "replace") if isinstance(exc.content, bytes) else str(exc.content)
        error = json.loads(content).get("error", {})
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
        text = str(getattr(exc.resp, "reason", "") or "")
    return status, reason, text


def is_rate_limit(status: int, reason: str) -> bool:
    return status == 429 or (status == 403 and reason in RATE_LIMIT_REASONS)


def wait_before_retry(exc, attempt: int, settings: Settings) -> float:
    wait = settings.retry_backoff * (2 ** attempt)
    retry_after = exc.resp.get("retry-after") if hasattr(exc.resp, "get") else None
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

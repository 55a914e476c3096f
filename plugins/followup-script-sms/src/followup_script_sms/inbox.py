"""The ``sms`` inbox: texts your tracked contacts sent to your Twilio number.

Twilio's message list (``GET {base}/2010-04-01/Accounts/{AccountSid}/Messages.json``,
``To`` your number, ``DateSent>`` the date, page by page through
``next_page_uri``), read with plain HTTP (``requests``, HTTP Basic
``AccountSid:AuthToken``). Only inbound texts from tracked numbers become
events: one that is a carrier opt-out word (``STOP``, ``STOPALL``, ``UNSUBSCRIBE``,
``CANCEL``, ``END``, ``QUIT``...) is a certain stop; any other text is a reply.
The text itself is never kept (a stop's word is shown once).
"""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

from .delivery import load_settings

TWILIO_API = "https://api.twilio.com"
PAGE_SIZE = 200


def configured(config) -> bool:
    section = config.section("sms")
    return bool(section.get("account_sid") and (section.get("from") or section.get("messaging_service_sid")))


def _when(text) -> dt.datetime | None:
    try:
        found = parsedate_to_datetime(str(text))
    except (TypeError, ValueError, IndexError):
        return None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def read(config, since: dt.date, watch):
    """The inbound texts since ``since`` from the numbers in ``watch.phones``."""
    import requests
    from followup_script.inbox import STOP_WORDS, Event, InboxAuthError, InboxServerError

    from .delivery import e164

    settings = load_settings(config.section("sms"))
    base = settings.base_url or TWILIO_API
    url = f"{base}/2010-04-01/Accounts/{settings.account_sid}/Messages.json"
    params = {"DateSent>": since.isoformat(), "PageSize": PAGE_SIZE}
    if settings.sender:
        params["To"] = settings.sender
    with requests.Session() as session:
        session.auth = (settings.account_sid, settings.auth_token)
        while url:
            try:
                answer = session.get(url, params=params, timeout=settings.timeout)
            except requests.RequestException as exc:
                raise InboxServerError(f"could not reach Twilio at {base} ({type(exc).__name__}); check your "
                                       "connection (or sms.base_url) and run sync again") from None
            if answer.status_code in (401, 403):
                raise InboxAuthError(f"Twilio refused the Account SID {settings.account_sid} and its auth token "
                                     f"(HTTP {answer.status_code}); check sms.account_sid and the token") from None
            if answer.status_code != 200:
                raise InboxServerError(f"Twilio answered HTTP {answer.status_code} to the message list; "
                                       "run sync again later") from None
            try:
                page = answer.json()
                messages = page.get("messages") or []
            except (ValueError, AttributeError):
                raise InboxServerError(f"the server at {base} did not answer like Twilio (not a message "
                                       "list); check sms.base_url") from None
            for item in messages:
                if not isinstance(item, dict) or item.get("direction") != "inbound" or not item.get("sid"):
                    continue
                try:
                    sender = e164(str(item.get("from") or ""), settings.region)
                except Exception:  # a short code or an alphanumeric sender: not a contact
                    continue
                if sender not in watch.phones:
                    continue
                at = _when(item.get("date_sent")) or _when(item.get("date_created"))
                if at is None or at.date() < since:
                    continue
                words = " ".join(str(item.get("body") or "").lower().split()).strip(" .!")
                stop = words in STOP_WORDS
                yield Event("stop-request" if stop else "reply", "sms", str(item["sid"]), at, phone=sender,
                            certain=stop, excerpt=words.upper() if stop else "")
            following = page.get("next_page_uri")
            url, params = (f"{base}{following}" if following else None), None

"""Sending a follow-up text through the Twilio Messages API.

``twilio`` and ``phonenumbers`` are imported inside the functions that use
them, so loading the plugin (``followup-script --help``, ``channels``) stays fast.
Every error is one line and never contains the auth token.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from followup_script import ConfigError, DeliveryError, InputError, Receipt
from followup_script.engine.grammar import with_article

from .options import DEFAULT_BACKOFF, DEFAULT_REGION, DEFAULT_RETRIES, DEFAULT_TIMEOUT, OPTIONS  # noqa: F401

MAX_BACKOFF = 8.0

# Twilio error codes this channel treats specially.
INVALID_TO = 21211
OPTED_OUT = 21610
BAD_CREDENTIALS = 20003
TOO_MANY_REQUESTS = 20429


@dataclass
class Settings:
    """The ``[sms]`` table, checked, with environment fallbacks applied."""

    account_sid: str
    auth_token: str
    sender: str | None
    messaging_service_sid: str | None
    region: str
    base_url: str | None
    retries: int
    retry_backoff: float
    timeout: float

    def __repr__(self) -> str:  # never show the token, even in a traceback
        return (f"Settings(account_sid={self.account_sid!r}, auth_token='********', "
                f"sender={self.sender!r}, messaging_service_sid={self.messaging_service_sid!r})")


def _text(section: dict, key: str) -> str | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"sms.{key} = {value!r} must be a quoted string in the config file")
    return value.strip() or None


def _number(section: dict, key: str, default, kind, low):
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
        raise ConfigError(
            f"sms.{key} = {value!r} must be a number of at least {low}; "
            f"run: followup-script config set sms.{key} {default}"
        )
    return kind(value)


def load_settings(section: dict, environ=None) -> Settings:
    """Read ``[sms]`` (``context.config.section("sms")``) plus the env fallbacks."""
    env = os.environ if environ is None else environ
    account_sid = _text(section, "account_sid") or (env.get("TWILIO_ACCOUNT_SID") or "").strip() or None
    if not account_sid:
        raise ConfigError(
            "sms delivery needs your Twilio Account SID; run: followup-script config set "
            "sms.account_sid ACxxxxxxxx (or set TWILIO_ACCOUNT_SID)"
        )
    token = _text(section, "auth_token")
    if token is None:
        token_env = _text(section, "auth_token_env")
        if token_env:
            token = (env.get(token_env) or "").strip() or None
            if token is None:
                raise ConfigError(
                    f"sms.auth_token_env names {token_env!r}, but that environment variable "
                    "is empty; export it with your Twilio auth token"
                )
        else:
            token = (env.get("TWILIO_AUTH_TOKEN") or "").strip() or None
    if not token:
        raise ConfigError(
            "sms delivery needs your Twilio auth token; export TWILIO_AUTH_TOKEN, or name "
            "another variable with: followup-script config set sms.auth_token_env VAR"
        )
    region = (_text(section, "region") or DEFAULT_REGION).upper()
    sender = _text(section, "from")
    service = _text(section, "messaging_service_sid")
    if sender is None and service is None:
        raise ConfigError(
            "sms delivery needs a sender; run: followup-script config set sms.from "
            "'+15551234567' (your Twilio number) or set sms.messaging_service_sid"
        )
    if sender is not None:
        sender = e164(sender, region, what="sms.from", error=ConfigError,
                      fix="use your Twilio number with its country code, e.g. +15551234567")
    base_url = _text(section, "base_url")
    if base_url is not None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"sms.base_url {base_url!r} is not a URL; use e.g. http://127.0.0.1:8080 "
                "or remove it to use Twilio"
            )
        base_url = base_url.rstrip("/")
    return Settings(
        account_sid=account_sid,
        auth_token=token,
        sender=sender,
        messaging_service_sid=service,
        region=region,
        base_url=base_url,
        retries=_number(section, "retries", DEFAULT_RETRIES, int, 0),
        retry_backoff=_number(section, "retry_backoff", DEFAULT_BACKOFF, float, 0),
        timeout=_number(section, "timeout", DEFAULT_TIMEOUT, float, 0.1),
    )


def e164(value: str, region: str, what: str = "the contact's phone", error=InputError,
         fix: str = "check the digits and pass --phone with the country code, e.g. '+1 212 555 0123'") -> str:
    """``value`` as an E.164 number (``+12125550123``), or a one-line error naming it."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        where = "" if str(value).strip().startswith("+") else f" (read as {with_article(region)} number)"
        raise error(f"{what} {value!r} is not a valid phone number{where}; {fix}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def recipient(message, region: str) -> str:
    phone = message.contact.get("phone")
    if not isinstance(phone, str) or not phone.strip():
        who = message.contact.get("name") or "the contact"
        raise InputError(
            f"sms delivery needs {who}'s mobile number, which is not set; "
            "pass --phone '+1 212 555 0123'"
        )
    return e164(phone, region)


def client_for(settings: Settings):
    """The official Twilio client, pointed at ``base_url`` when one is set."""
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    client = Client(
        settings.account_sid, settings.auth_token,
        http_client=TwilioHttpClient(timeout=settings.timeout),
    )
    if settings.base_url:
        # A local or proxy API root: TWILIO_EDGE / TWILIO_REGION must not rewrite its host.
        client.edge = None
        client.region = None
        client.api.base_url = settings.base_url
    return client


def _one_line(text) -> str:
    return " ".join(str(text or "").split())


def _segments_word(reported, fallback) -> str:
    try:
        count = int(reported)
    except (TypeError, ValueError):
        count = 0
    return str(count if count > 0 else fallback)


def deliver(message, context) -> Receipt:
    """The ``sms`` channel's ``deliver``: validate, then create the message at Twilio.

    Twilio's 21610 (the recipient replied STOP) comes back as a receipt with
    ``contact_stopped=True``; every other problem is a one-line FollowupError.
    """
    settings = load_settings(context.config.section("sms"))
    to = recipient(message, settings.region)
    body = message.text.strip()
    counted = message.metrics.get("segments", "?")
    if context.dry_run:
        return Receipt(channel=message.channel, detail=f"dry run: not sent to {to}, {counted} segment(s)")

    from requests.exceptions import RequestException
    from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException

    client = client_for(settings)
    fields = {"to": to, "body": body}
    if settings.sender:
        fields["from_"] = settings.sender
    else:
        fields["messaging_service_sid"] = settings.messaging_service_sid

    def scrub(text) -> str:
        return _one_line(text).replace(settings.auth_token, "********")

    if context.previous_attempt == "interrupted":  # after a plain error Twilio said no: nothing to find
        earlier = _already_sent(client, to, body, context, scrub, settings)
        if earlier is not None:
            return Receipt(
                channel=message.channel, id=earlier.sid,
                detail=f"already sent by an interrupted earlier attempt (status {earlier.status or 'unknown'})",
            )
    attempt = 0
    while True:
        try:
            sent = client.messages.create(**fields)
            break
        except (TwilioRestException, TwilioServiceException) as exc:
            status, code, text = _describe(exc, scrub)
            if code == TOO_MANY_REQUESTS or (code is None and status == 429):
                if attempt < settings.retries:
                    time.sleep(min(settings.retry_backoff * (2 ** attempt), MAX_BACKOFF))
                    attempt += 1
                    continue
                raise DeliveryError(
                    f"Twilio is still rate limiting after {attempt + 1} tries (error {code or 429}: "
                    f"{text}); nothing was sent, try again in a minute"
                ) from None
            if code == OPTED_OUT:
                return stopped_receipt(message, to)
            raise _error_for(status, code, text, to) from None
        except TwilioException as exc:
            raise DeliveryError(f"Twilio refused the text: {scrub(exc)}; nothing was sent") from None
        except RequestException as exc:
            where = settings.base_url or "api.twilio.com"
            raise DeliveryError(
                f"could not reach Twilio at {where} ({type(exc).__name__}: {scrub(exc)}); "
                "check your connection and try again"
            ) from None
    status = sent.status or "unknown"
    return Receipt(
        channel=message.channel,
        id=sent.sid,
        detail=f"status {status}, {_segments_word(sent.num_segments, counted)} segment(s)",
    )


LOOKBACK = 50  # messages to the same number searched after an interrupted attempt
LOOKBACK_DAYS = 7  # a nudge's wording repeats every 4 weeks at the earliest


def _already_sent(client, to: str, body: str, context, scrub, settings: Settings):
    """The message an interrupted attempt created, from Twilio's own message log.

    Twilio's Messages API takes no idempotency key, so after an attempt that may
    have reached it the log is searched: a message to the same number, with the
    same body, created in the last 7 days. None when there is none.
    """
    import datetime as dt

    from requests.exceptions import RequestException
    from twilio.base.exceptions import TwilioException

    since = (context.now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=LOOKBACK_DAYS)
    try:
        recent = client.messages.list(to=to, limit=LOOKBACK)
    except (TwilioException, RequestException) as exc:
        where = settings.base_url or "api.twilio.com"
        raise DeliveryError(
            f"an earlier attempt to text {to} was interrupted, and Twilio's message log at {where} "
            f"could not be checked ({type(exc).__name__}: {scrub(exc)}); nothing was sent, so a "
            "second text cannot go out: try again later"
        ) from None
    for item in recent:
        created = item.date_created
        if created is not None and created.tzinfo is not None and created < since:
            continue
        if (item.body or "").strip() == body and (settings.sender is None or item.from_ == settings.sender):
            return item
    return None


def _describe(exc, scrub) -> tuple[int, int | None, str]:
    """HTTP status, Twilio's error code (None when the answer had none) and its message."""
    status = int(getattr(exc, "status", 0) or 0)
    code = getattr(exc, "code", None)
    if not isinstance(code, int) or code < 1000:  # the client puts the HTTP status there
        code = None
    if hasattr(exc, "msg"):
        text = str(exc.msg or "")
        for prefix in ("Unable to create record: ", "Unable to create record"):
            if text.startswith(prefix):
                text = text[len(prefix):]
                break
    else:
        text = str(getattr(exc, "detail", None) or getattr(exc, "title", None) or "")
    return status, code, scrub(text) or "no details"


def _error_for(status: int, code: int | None, text: str, to: str):
    if code == INVALID_TO:
        return InputError(
            f"Twilio says {to} is not a number it can text (error 21211: {text}); "
            "check the contact's --phone"
        )
    if code == BAD_CREDENTIALS or status == 401:
        return ConfigError(
            f"Twilio did not accept the credentials (error {code or 401}: {text}); "
            "check sms.account_sid and the auth token"
        )
    label = f"error {code}" if code else f"HTTP {status}"
    return DeliveryError(f"Twilio could not send the text ({label}: {text}); nothing was sent")


def stopped_receipt(message, to: str) -> Receipt:
    """Twilio's 21610: the recipient replied STOP, so this is a stop for the contact."""
    return Receipt(
        channel=message.channel,
        contact_stopped=True,
        detail=f"not sent: {to} opted out (replied STOP) of texts from this number (Twilio error 21610)",
    )


def ready(config):
    """Raise the ConfigError saying what to set when Twilio is not set up (the core asks
    before it offers a delivery: followup_script/present/offers.py)."""
    load_settings(config.section("sms"))

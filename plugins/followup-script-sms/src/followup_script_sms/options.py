"""The ``[sms]`` settings the channel reads, and their defaults: light, so that loading
the plugin (every ``followup-script`` run) does not import :mod:`.delivery`."""

from __future__ import annotations

DEFAULT_REGION = "US"
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0
DEFAULT_TIMEOUT = 20.0

OPTIONS = {
    "account_sid": "your Twilio Account SID, AC... (else env TWILIO_ACCOUNT_SID)",
    "auth_token": "your Twilio auth token (prefer auth_token_env or env TWILIO_AUTH_TOKEN)",
    "auth_token_env": "name of the env var that holds the auth token (default TWILIO_AUTH_TOKEN)",
    "from": "the Twilio number texts come from, e.g. +15551234567",
    "messaging_service_sid": "a Messaging Service SID, MG... (used instead of from)",
    "region": "country used to read numbers written without +country code (default US)",
    "base_url": "send to another API root, e.g. a local test server (default Twilio's)",
    "retries": f"times to retry when Twilio says too many requests (default {DEFAULT_RETRIES})",
    "retry_backoff": f"seconds to wait before the first retry, doubling each time (default {DEFAULT_BACKOFF:g})",
    "timeout": f"seconds to wait for Twilio before giving up (default {DEFAULT_TIMEOUT:g})",
}

"""The ``[gmail]`` settings the channel reads: light, so that loading the plugin (every
``followup-script`` run) imports neither :mod:`.login` nor :mod:`.drafts`."""

from __future__ import annotations

API_ROOT = "https://gmail.googleapis.com/"
TOKEN_FILE_NAME = "gmail-token.json"

OPTIONS = {
    "token_file": f"where `gmail login` saves the token (default: {TOKEN_FILE_NAME} next to the config)",
    "api_root": f"Gmail API root URL, with a trailing slash (default {API_ROOT})",
    "token_uri": "override the OAuth token endpoint used to refresh the login (tests, proxies)",
    "retries": "how many times to retry when Gmail says 429 rateLimitExceeded (default 3)",
    "retry_backoff": "seconds to wait before the first retry; doubles each time (default 1.0)",
    "timeout": "seconds to wait for Gmail to answer (default 60)",
}

"""The Gmail login: settings, the token file and the credentials built from it.

The token file is what ``Credentials.to_json()`` writes after ``gmail login``:
``token``, ``refresh_token``, ``token_uri``, ``client_id``, ``client_secret``,
``scopes`` and ``expiry``. It is written atomically with mode 0600 and its
secrets are never printed or put in an error message.

Google libraries are imported inside the functions that need them, so loading
the plugin (which every ``followup-script`` run does) stays cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from followup_script.errors import ConfigError
from followup_script.input.config import Config, config_dir, write_private

from .options import API_ROOT, OPTIONS, TOKEN_FILE_NAME

SCOPE = "https://www.googleapis.com/auth/gmail.compose"
SCOPES = [SCOPE]
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
LOGIN_HINT = "run followup-script gmail login --client-secrets FILE"
SECRET_FIELDS = ("token", "refresh_token", "client_secret", "rapt_token", "id_token")


@dataclass
class Settings:
    """The ``[gmail]`` table of the config file, checked."""

    token_file: Path
    api_root: str = API_ROOT
    token_uri: str | None = None
    retries: int = 3
    retry_backoff: float = 1.0
    timeout: float = 60.0

    @classmethod
    def from_config(cls, config: Config) -> Settings:
        section = config.section("gmail")
        unknown = sorted(set(section) - set(OPTIONS))
        if unknown:
            raise ConfigError(
                f"config file {str(config.path)!r}: [gmail] has unknown key(s) {', '.join(unknown)}; "
                f"use only {', '.join(OPTIONS)}"
            )
        token_file = section.get("token_file")
        if token_file is None:
            path = config_dir() / TOKEN_FILE_NAME
        elif isinstance(token_file, str) and token_file.strip():
            path = Path(token_file).expanduser()
            if not path.is_absolute():  # relative to the config file, not to where you stand
                path = config.path.parent / path
        else:
            raise ConfigError(f"gmail.token_file = {token_file!r} must be a file path in quotes")
        api_root = section.get("api_root", API_ROOT)
        if not isinstance(api_root, str) or not api_root.startswith(("https://", "http://")):
            raise ConfigError(f"gmail.api_root = {api_root!r} must be a URL such as {API_ROOT!r}")
        if not api_root.endswith("/"):
            api_root += "/"  # the client joins paths onto it; without the slash it drops a segment
        token_uri = section.get("token_uri")
        if token_uri is not None and (
            not isinstance(token_uri, str) or not token_uri.startswith(("https://", "http://"))
        ):
            raise ConfigError(f"gmail.token_uri = {token_uri!r} must be a URL such as {GOOGLE_TOKEN_URI!r}")
        return cls(
            token_file=path,
            api_root=api_root,
            token_uri=token_uri,
            retries=_number(section, "retries", 3, int, 0, 10),
            retry_backoff=_number(section, "retry_backoff", 1.0, float, 0, 30),
            timeout=_number(section, "timeout", 60.0, float, 1, 600),
        )


def _number(section: dict, key: str, default, kind, low, high):
    value = section.get(key, default)
    if isinstance(value, str):  # `config set gmail.retry_backoff 0.5` stores text
        try:
            value = int(value) if kind is int else float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
        kind is int and not isinstance(value, int)
    ):
        raise ConfigError(f"gmail.{key} = {value!r} must be a number from {low} to {high}")
    if not low <= value <= high:
        raise ConfigError(f"gmail.{key} = {value!r} is out of range; use {low} to {high}")
    return kind(value)


# -- the token file ---------------------------------------------------------------------------


def read_token(path: Path) -> dict:
    """The saved login as a dict; a missing or broken file says how to log in."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no Gmail login: {LOGIN_HINT} (looked for {str(path)!r})") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(f"Gmail token file {str(path)!r} cannot be read ({reason}); {LOGIN_HINT}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ConfigError(f"Gmail token file {str(path)!r} is not valid JSON; {LOGIN_HINT}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"Gmail token file {str(path)!r} is not a saved login; {LOGIN_HINT}")
    for key, value in data.items():
        if key != "scopes" and value is not None and not isinstance(value, str):
            raise ConfigError(f"Gmail token file {str(path)!r}: {key!r} is not text; {LOGIN_HINT}")
    if not data.get("token") and not data.get("refresh_token"):
        raise ConfigError(f"Gmail token file {str(path)!r} holds no token; {LOGIN_HINT}")
    return data


def write_token(path: Path, data: dict) -> None:
    """Save the login atomically with mode 0600."""
    try:
        write_private(path, json.dumps(data, indent=2) + "\n")
    except OSError as exc:
        raise ConfigError(
            f"cannot save the Gmail token to {str(path)!r} ({exc.strerror}); "
            "set gmail.token_file to a folder you can write"
        ) from None


def parse_expiry(value) -> dt.datetime | None:
    """``2026-11-25T10:00:00.123Z`` (as ``to_json`` writes it) -> naive UTC, as google-auth wants."""
    if not value:
        return None
    text = str(value).strip().rstrip("Z").split(".")[0].split("+")[0]
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None


def scopes_of(data: dict) -> list[str]:
    scopes = data.get("scopes") or []
    if isinstance(scopes, str):
        scopes = scopes.split()
    return [str(s) for s in scopes]


def credentials(data: dict, settings: Settings):
    """``google.oauth2.credentials.Credentials`` built directly from the saved fields.

    Not ``Credentials.from_authorized_user_info``: that always uses Google's
    real token URL, and ``gmail.token_uri`` must win.
    """
    from google.oauth2.credentials import Credentials

    return Credentials(
        token=data.get("token") or None,
        refresh_token=data.get("refresh_token") or None,
        token_uri=settings.token_uri or data.get("token_uri") or GOOGLE_TOKEN_URI,
        client_id=data.get("client_id") or None,
        client_secret=data.get("client_secret") or None,
        scopes=scopes_of(data) or None,
        expiry=parse_expiry(data.get("expiry")),
    )


def updated(data: dict, creds) -> dict:
    """The saved login with what a refresh changed (the token file keeps its own token_uri)."""
    out = dict(data)
    out["token"] = creds.token
    if creds.refresh_token:
        out["refresh_token"] = creds.refresh_token
    if creds.expiry:
        out["expiry"] = creds.expiry.replace(microsecond=0).isoformat() + "Z"
    else:
        out.pop("expiry", None)
    return out


def secrets_of(data: dict, creds=None) -> list[str]:
    values = [data.get(k) for k in SECRET_FIELDS]
    if creds is not None:
        values += [getattr(creds, "token", None), getattr(creds, "refresh_token", None)]
    return [v for v in values if isinstance(v, str) and len(v) >= 4]


def scrub(text: str, secrets) -> str:
    """One line, with every secret replaced: errors may quote what a server said."""
    text = " ".join(str(text).split())
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, "[hidden]")
    return text


def file_mode(path: Path) -> int | None:
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        return None

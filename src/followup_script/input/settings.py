"""What ``config set`` may set, and as what: the known settings and their kinds.

:data:`KINDS` says which built-in settings are numbers, true/false or a choice;
everything else is text (a secret and anything with a leading zero always are).
:class:`Known` is the core's tables (:data:`CORE`) and each loaded channel's
options; :func:`check_key` refuses an unknown key with a did-you-mean, and a
setting that is never stored (:data:`NEVER_STORED`: ``email.password``);
:func:`typed` turns what was typed into the value to store, or refuses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

from followup_script.errors import ConfigError, InputError

PROFILE_KEYS = {
    "name": "your full name, as you say it on the phone",
    "phone": "your phone number, said twice in a voicemail",
    "email": "your email address, the From of emails",
    "callback_window": "when they can reach you, in your words (default from call_hours: 'on weekdays, 9 am to 5 pm')",
    "call_hours": "your hours for calls, HH:MM-HH:MM in your time zone (default 09:00-17:00)",
    "timezone": "your time zone, an IANA name such as America/New_York (times carry a zone when they must)",
    "clock": "12h or 24h (default: 12h for a US profile, 24h elsewhere)",
    "region": "your country, ISO code such as US or GB (default: your phone's); numbers are read with it",
}
SECRET = re.compile(r"token|password|secret|auth|key", re.IGNORECASE)
#: What an environment variable's name looks like (``TWILIO_AUTH_TOKEN``).
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def is_secret(key: str, value: object = None) -> bool:
    """Whether ``config`` masks the value of ``key`` (its last part): a key that looks secret
    (:data:`SECRET`), except a ``*_env`` key whose value is an environment variable's name
    (``token_env = "TWILIO_TOKEN"`` names where the secret is; it is not one). Anything else
    in such a key (a password typed there by mistake) stays masked."""
    if not SECRET.search(key):
        return False
    return not (key.lower().endswith("_env") and isinstance(value, str) and ENV_NAME.fullmatch(value))

#: The kind of each built-in setting that is not text: ``"bool"``, ``"seconds"`` (a number
#: above 0), ``"port"`` (1 to 65535) or a tuple of the words it may be.
KINDS: dict[str, object] = {
    "schedule.calendar_days": "bool",
    "delivery.timeout_seconds": "seconds",
    "voicemail.budget_seconds": "seconds",
    "email.port": "port",
    "email.timeout": "seconds",
    "email.security": ("starttls", "ssl", "none"),
    "imap.port": "port",
    "imap.timeout": "seconds",
    "imap.security": ("ssl", "starttls", "none"),
    "profile.clock": ("12h", "24h"),
}
#: The tables of the core and their keys (``profile`` also takes other keys: template values).
CORE = {
    "profile": tuple(PROFILE_KEYS),
    "defaults": ("channel",),
    "schedule": ("calendar_days",),
    "delivery": ("timeout_seconds",),
}
#: The tables of this project's own plugins (plugins/), known even when they are not loaded.
OWN_PLUGINS = ("gmail", "sms")
#: Settings never stored in the file, and what to use instead.
NEVER_STORED = {
    "email.password": "the SMTP password is never stored in the config file; use email.password_command "
                      "(a command that prints it, e.g. 'secret-tool lookup smtp ana' from the system keyring, "
                      "or 'pass show smtp') or email.password_env (the name of an environment variable)",
    "imap.password": "the IMAP password is never stored in the config file; use imap.password_command, "
                     "imap.password_env or imap.keyring = true (docs/inbox.md)",
}


@dataclass(frozen=True)
class Known:
    """What ``config set`` may set: ``tables`` maps each table (the core's and each channel's)
    to its keys; ``channels`` are the channel names ``defaults.channel`` may be."""

    tables: dict[str, tuple[str, ...]]
    channels: tuple[str, ...] = ()
    #: ``"table.key"`` -> what turns the typed text into the value a channel's typed option
    #: takes (its ``Option.check``), refusing one it cannot take.
    checks: dict = field(default_factory=dict)

    @classmethod
    def of(cls, channels: dict) -> Known:
        """The core tables and each channel's (``{name: Channel}``, its ``options``)."""
        tables = dict(CORE)
        checks = {}
        for name, channel in channels.items():
            options = getattr(channel, "options", {}) or {}
            tables.setdefault(name, tuple(options))
            for key, option in dict(options).items():
                if getattr(option, "type", None) is not None and callable(getattr(option, "check", None)):
                    checks[f"{name}.{key}"] = partial(option.check, name, key)
        for name in OWN_PLUGINS:  # set before the plugin is installed: any key
            tables.setdefault(name, ())
        return cls(tables, tuple(sorted(channels)), checks)



def _did_you_mean(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]}?" if close else f"use one of: {', '.join(sorted(choices))}"


def check_key(dotted: str, known: Known | None = None) -> list[str]:
    """The parts of ``section.key``, refused when it cannot be a setting: a table or key
    that is not known (with a did-you-mean; a table no loaded channel has is taken as a
    plugin's unless it is a near miss of a known one), a profile key one letter from a known one
    (``profile.nmae``), a setting never stored (``email.password``)."""
    parts = dotted.split(".")
    if len(parts) < 2 or not all(parts):
        raise InputError(f"setting {dotted!r} needs a section and a key, e.g. profile.phone")
    if dotted in NEVER_STORED:
        raise ConfigError(f"setting {dotted!r} is refused: {NEVER_STORED[dotted]}")
    table, key = parts[0], ".".join(parts[1:])
    if table == "profile":
        if key not in PROFILE_KEYS:
            import difflib

            close = difflib.get_close_matches(key, list(PROFILE_KEYS), n=1, cutoff=0.75)
            if close:  # another profile key is a template value (me.linkedin), a near miss is a typo
                raise ConfigError(f"setting {dotted!r} is not known; did you mean profile.{close[0]}?")
        return parts
    if known is None:
        return parts
    if table not in known.tables:
        import difflib

        close = difflib.get_close_matches(table, list(known.tables), n=1, cutoff=0.75)
        if close:  # another table may be a plugin's that is not loaded; a near miss is a typo
            raise ConfigError(f"setting {dotted!r}: [{table}] is not a table of followup-script or of a "
                              f"loaded plugin's channel; did you mean {close[0]}.{key}?")
        return parts
    keys = known.tables[table]
    if keys and key not in keys:
        raise ConfigError(f"setting {dotted!r} is not known; "
                          + _did_you_mean(key, keys).replace("did you mean ", f"did you mean {table}."))
    return parts


def typed(dotted: str, text: str, known: Known | None = None):
    """``text`` (as typed after ``config set KEY``) as the value the setting takes: true/false
    or a number where the setting is one (:data:`KINDS`), a known word for a choice, text
    otherwise: a secret and anything with a leading zero always stay text."""
    kind = KINDS.get(dotted)
    if dotted == "defaults.channel" and known is not None and known.channels:
        kind = known.channels
    text = str(text)
    word = text.strip().lower()
    if kind == "bool":
        if word in ("true", "yes", "on", "1"):
            return True
        if word in ("false", "no", "off", "0"):
            return False
        raise ConfigError("is not true or false", field=dotted, value=text, fix="use true or false")
    if kind in ("seconds", "port"):
        try:
            number = float(word) if kind == "seconds" else int(word)
        except ValueError:
            number = None
        low, high = (0.001, 86400) if kind == "seconds" else (1, 65535)
        if number is None or not low <= number <= high or number != number:
            what = "a number of seconds" if kind == "seconds" else "a port number"
            raise ConfigError(f"is not {what} from {low:g} to {high:g}", field=dotted, value=text,
                              fix=f"e.g. {'30' if kind == 'seconds' else '587'}")
        return int(number) if kind == "port" or number == int(number) else number
    if isinstance(kind, tuple):
        if word not in kind:
            raise ConfigError("is not known", field=dotted, value=text, fix=_did_you_mean(word, kind))
        return word
    check = known.checks.get(dotted) if known is not None and kind is None else None
    if check is not None:  # a channel's typed option: its own type, checked as the core checks it
        return check(text)
    if dotted in KINDS or dotted.split(".")[0] in CORE or SECRET.search(dotted.rpartition(".")[2]):
        return text
    # a plugin's own setting: true/false and plain whole numbers as TOML has them; "007" stays text
    if word in ("true", "false"):
        return word == "true"
    if text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0")) and len(text) < 19:
        return int(text)
    return text

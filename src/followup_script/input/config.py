"""The user's config file: the profile and per-channel settings.

The file is TOML, in the platformdirs user config dir by default
(``followup-script config`` prints where); ``FOLLOWUP_SCRIPT_CONFIG`` or
``--config`` point elsewhere. It is written atomically with mode 0600, and
values whose key looks secret (token, password, secret, auth) are never printed.

:func:`set_value` and :func:`unset_value` edit the file with tomlkit, so its
comments, layout and anything else in it (dates, arrays of tables) stay. A value
is stored as its setting's kind: text for secrets and everything else (``007``
stays ``"007"``), a number or true/false only where the setting is one
(:data:`KINDS`). With the known settings (:class:`Known`: the core tables and each
channel's options) an unknown key or a bad value is refused with a did-you-mean;
``email.password`` is never stored (``password_command`` or ``password_env`` instead).

```toml
[profile]
name = "Ana Lima"
phone = "+1 555 123 4567"
email = "ana@example.com"
callback_window = "any weekday between 9 and 5"
```
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from followup_script._files import private_folder, write_atomic
from followup_script.errors import ConfigError, InputError
from followup_script.input.validate import check_email, check_name, check_phone

APP = "followup-script"
ENV_CONFIG = "FOLLOWUP_SCRIPT_CONFIG"
PROFILE_KEYS = {
    "name": "your full name, as you say it on the phone",
    "phone": "your phone number, said twice in a voicemail",
    "email": "your email address, the From of emails",
    "callback_window": "when they can reach you, e.g. 'weekdays between 9 and 5'",
}
SECRET = re.compile(r"token|password|secret|auth|key", re.IGNORECASE)

#: The kind of each built-in setting that is not text: ``"bool"``, ``"seconds"`` (a number
#: above 0), ``"port"`` (1 to 65535) or a tuple of the words it may be.
KINDS: dict[str, object] = {
    "schedule.calendar_days": "bool",
    "delivery.timeout_seconds": "seconds",
    "voicemail.budget_seconds": "seconds",
    "email.port": "port",
    "email.timeout": "seconds",
    "email.security": ("starttls", "ssl", "none"),
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
}


@dataclass(frozen=True)
class Known:
    """What ``config set`` may set: ``tables`` maps each table (the core's and each channel's)
    to its keys; ``channels`` are the channel names ``defaults.channel`` may be."""

    tables: dict[str, tuple[str, ...]]
    channels: tuple[str, ...] = ()

    @classmethod
    def of(cls, channels: dict) -> Known:
        """The core tables and each channel's (``{name: Channel}``, its ``options``)."""
        tables = dict(CORE)
        for name, channel in channels.items():
            tables.setdefault(name, tuple(getattr(channel, "options", {}) or ()))
        for name in OWN_PLUGINS:  # set before the plugin is installed: any key
            tables.setdefault(name, ())
        return cls(tables, tuple(sorted(channels)))


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False))


def default_path() -> Path:
    env = os.environ.get(ENV_CONFIG)
    return Path(env).expanduser() if env else config_dir() / "config.toml"


@dataclass
class Config:
    path: Path
    data: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.path = Path(self.path)

    @property
    def profile(self) -> dict:
        return dict(self.data.get("profile", {}))

    def section(self, name: str) -> dict:
        value = self.data.get(name, {})
        return dict(value) if isinstance(value, dict) else {}

    @property
    def templates_dir(self) -> Path:
        return self.path.parent / "templates"

    def display(self) -> dict:
        """The settings with secrets masked, for printing."""

        def mask(table):
            return {
                k: (mask(v) if isinstance(v, dict) else ("********" if SECRET.search(k) else v))
                for k, v in table.items()
            }

        return mask(self.data)


def load(path: str | Path | None = None) -> Config:
    path = Path(path).expanduser() if path else default_path()
    if not path.exists():
        return Config(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {str(path)!r} cannot be read ({exc}); fix or remove it") from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML: {exc}; fix that line") from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise ConfigError(f"config file {str(path)!r} nests its values too deeply to read; fix it") from None
    for key, value in data.items():
        if not isinstance(value, dict):
            raise ConfigError(
                f"config file {str(path)!r}: {key!r} must be a [table] such as [profile]; "
                "move it under a table"
            )
    profile = data.get("profile", {})
    for key, value in profile.items():
        if key in PROFILE_KEYS and not isinstance(value, str):
            raise ConfigError(
                f"config file {str(path)!r}: profile.{key} = {value!r} must be a quoted string"
            )
    return Config(path, data)


# -- validation -------------------------------------------------------------------

#: The profile settings that are checked before they are saved (``config set profile.phone``).
VALIDATORS = {"phone": check_phone, "email": check_email, "name": check_name}


# -- writing -----------------------------------------------------------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_str(key)


def _toml_str(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise ConfigError(f"cannot store {value!r} in the config file; use text, numbers or true/false")


def dumps(data: dict) -> str:
    """``data`` as TOML (what ``config`` prints); tomlkit writes what this cannot (dates,
    arrays of tables)."""
    try:
        return _dumps(data)
    except ConfigError:
        import tomlkit

        return tomlkit.dumps(data)


def _dumps(data: dict) -> str:
    lines: list[str] = []

    def table(prefix: str, values: dict) -> None:
        scalars = {k: v for k, v in values.items() if not isinstance(v, dict)}
        if scalars or not values:
            if lines:
                lines.append("")
            lines.append(f"[{prefix}]")
            for key, value in scalars.items():
                lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
        for key, value in values.items():
            if isinstance(value, dict):
                table(f"{prefix}.{_toml_key(key)}", value)

    for key, value in data.items():
        table(_toml_key(key), value)
    return "\n".join(lines) + "\n"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` whole, mode 0600, in a folder made 0700 if new (``_files``)."""
    private_folder(path.parent)
    write_atomic(path, text.encode("utf-8"))


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
    if dotted in KINDS or dotted.split(".")[0] in CORE or SECRET.search(dotted.rpartition(".")[2]):
        return text
    # a plugin's own setting: true/false and plain whole numbers as TOML has them; "007" stays text
    if word in ("true", "false"):
        return word == "true"
    if text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0")) and len(text) < 19:
        return int(text)
    return text


def _document(config: Config):
    """The config file as a tomlkit document (comments and layout kept), with what
    ``config.data`` holds that the file does not yet (the wizard adds several keys at once)."""
    import tomlkit

    text = ""
    if config.path.exists():
        try:
            text = config.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {str(config.path)!r} cannot be read ({exc}); fix or remove it") from None
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"config file {str(config.path)!r} is not valid TOML: {exc}; fix that line") from None
    _merge(doc, config.data)
    return doc


def _merge(node, data: dict) -> None:
    import tomlkit

    for key, value in data.items():
        if isinstance(value, dict):
            if not isinstance(node.get(key), dict):
                node[key] = tomlkit.table()
            _merge(node[key], value)
        elif key not in node or node[key] != value:
            node[key] = value


def _save(config: Config, doc) -> Config:
    import tomllib

    import tomlkit

    text = tomlkit.dumps(doc)
    data = tomllib.loads(text)  # never write a file we could not read back
    write_private(config.path, text)
    return Config(config.path, data)


def set_value(config: Config, dotted: str, value, known: Known | None = None) -> Config:
    """Set ``section.key`` (e.g. ``profile.phone``) and save the file, its comments kept.

    ``value`` as typed (text) is stored as the setting's kind (:func:`typed`); with
    ``known`` an unknown table or key, or a bad value, is refused with a did-you-mean."""
    import tomlkit

    parts = check_key(dotted, known)
    if isinstance(value, str):
        value = typed(dotted, value, known)
    if parts[0] == "profile" and len(parts) == 2 and parts[1] in VALIDATORS:
        try:
            value = VALIDATORS[parts[1]](value)
        except InputError as exc:  # named by the setting: profile.phone '...' is not a phone number
            raise ConfigError(exc.problem, field=dotted, value=exc.value, fix=exc.fix) from None
    doc = _document(config)
    node = doc
    for part in parts[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = tomlkit.table()
        elif not isinstance(child, dict):
            raise InputError(f"setting {dotted!r}: {part!r} is a value, not a table")
        node = child
    node[parts[-1]] = value
    return _save(config, doc)


def unset_value(config: Config, dotted: str) -> Config:
    """Remove ``section.key`` from the file, its comments and layout kept."""
    parts = dotted.split(".")
    doc = _document(config)
    node = doc
    for part in parts[:-1]:
        node = node.get(part)
        if not isinstance(node, dict):
            raise InputError(f"setting {dotted!r} is not set")
    if parts[-1] not in node:
        raise InputError(f"setting {dotted!r} is not set")
    del node[parts[-1]]
    return _save(config, doc)

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
from followup_script.input.settings import (  # noqa: F401 - PROFILE_KEYS, SECRET, Known: also read from here
    PROFILE_KEYS,
    SECRET,
    Known,
    check_key,
    is_secret,
    typed,
)
from followup_script.input.validate import (
    check_call_window,
    check_email,
    check_name,
    check_phone,
    check_region,
    check_timezone,
)

APP = "followup-script"
ENV_CONFIG = "FOLLOWUP_SCRIPT_CONFIG"
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
                k: (mask(v) if isinstance(v, dict) else ("********" if is_secret(k, v) else v))
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
VALIDATORS = {"phone": check_phone, "email": check_email, "name": check_name, "timezone": check_timezone,
              "call_hours": check_call_window, "region": check_region}


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
            raise InputError(f"setting {dotted!r} is not set; {_unset_fix(dotted, doc)}")
    if parts[-1] not in node:
        raise InputError(f"setting {dotted!r} is not set; {_unset_fix(dotted, doc)}")
    del node[parts[-1]]
    return _save(config, doc)


def _unset_fix(dotted: str, doc) -> str:
    """``did you mean profile.name?`` for a near miss of a setting that is set, else where to look."""
    from followup_script.engine.grammar import closest_word

    def keys(node, prefix=""):
        for key, value in node.items():
            yield from keys(value, f"{prefix}{key}.") if isinstance(value, dict) else (f"{prefix}{key}",)

    near = closest_word(dotted, list(keys(doc)))
    return f"did you mean {near}?" if near else "followup-script config shows what is set"

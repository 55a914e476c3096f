"""The :class:`Channel` type and the :class:`Option` a channel declares for its settings.

A channel is either made with keywords (the 0.1 form, still supported)::

    Channel(name="drafts", description="...", kind="email", deliver=deliver, options={...})

or written as a subclass with typed methods::

    class Drafts(Channel):
        name, description, kind = "drafts", "An email saved as a draft", "email"
        options = {"outbox": Option("the folder drafts go to", required=True)}

        def deliver(self, message: Message, context: DeliveryContext) -> Receipt: ...

Both are the same object to the core. What an email channel gets from the core
without writing a ``finish`` is :func:`followup_script.channels.email.finish`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from followup_script.errors import ConfigError, PluginError

if TYPE_CHECKING:  # pragma: no cover
    from followup_script.input.config import Config

#: ``deliver(message: Message, context: DeliveryContext) -> Receipt`` (types in :mod:`.base`).
Deliver = Callable[[Any, Any], Any]
#: ``finish(message: Message, job: RenderJob) -> None``.
Finish = Callable[[Any, Any], None]

#: How the tracker logs a delivered message (its ``via`` column may hold only these).
VIAS = ("call", "voicemail", "email", "sms")
#: The ``via`` of each built-in kind, when a channel does not say its own.
VIA_BY_KIND = {"voicemail": "voicemail", "email": "email", "sms": "sms", "call": "call"}
_TYPES = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}


@dataclass(frozen=True)
class Option:
    """One setting a channel reads from its table of the config file (``[drafts]``).

    ``type`` is ``str``, ``int``, ``float`` or ``bool`` (``None``: any value, as the
    0.1 form's plain help strings are); the core checks and converts the value
    (``config set`` stores ``"3"`` as text: it becomes ``3`` for an ``int``) before
    ``finish`` or ``deliver`` runs, and refuses a value not in ``choices`` and, before a
    delivery, a missing ``required`` one, naming the key and the fix (a
    :class:`ConfigError`, exit 2).
    """

    help: str
    type: type | None = str
    default: Any = None
    required: bool = False
    choices: tuple | None = None

    def check(self, table: str, key: str, value: Any) -> Any:
        """``value`` as this option takes it, or a ConfigError naming ``table.key``."""
        wanted = self.type
        fix = f"run: followup-script config set {table}.{key} VALUE"
        given = value
        if wanted is not None and not (isinstance(value, wanted) and not
                                       (wanted is not bool and isinstance(value, bool))):
            value = _convert(value, wanted)
            if value is _WRONG:
                raise ConfigError(f"{table}.{key} = {given!r} is not {_TYPES.get(wanted, wanted.__name__)} "
                                  f"({self.help}); {fix}")
        if self.choices is not None and value not in self.choices:
            raise ConfigError(f"{table}.{key} = {given!r} is not one of "
                              f"{', '.join(map(str, self.choices))}; {fix}")
        return value


_WRONG = object()


def _convert(value: Any, wanted: type) -> Any:
    text = value.strip() if isinstance(value, str) else None
    if wanted is bool and text is not None and text.lower() in ("true", "false", "yes", "no", "on", "off"):
        return text.lower() in ("true", "yes", "on")
    if wanted in (int, float) and not isinstance(value, bool):
        try:
            number = wanted(text if text is not None else value)
        except (TypeError, ValueError, OverflowError):
            return _WRONG
        if isinstance(number, float) and not math.isfinite(number):
            return _WRONG
        if wanted is int and isinstance(value, float) and value != number:
            return _WRONG
        return number
    if wanted is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _WRONG


def _option(value: Option | str) -> Option:
    """A declared option; a plain help string (the 0.1 form) takes any value."""
    if isinstance(value, Option):
        return value
    if isinstance(value, str):
        return Option(value, type=None)
    raise PluginError(f"a channel option must be a followup_script.Option or its help text, not {value!r}")


class Channel:
    """A way to hand a follow-up to the outside world.

    - ``name``: what users type after ``--channel``; ``description``: one line for
      ``followup-script channels``.
    - ``kind``: the template folder it renders when there is none named after the
      channel itself (``<name>/`` is looked up first, then ``<kind>/``).
    - ``email``: an email channel (default: ``kind == "email"``). The core gives it the
      subject, the HTML, ``.eml`` and reply threading (:mod:`followup_script.channels.email`)
      unless it has a ``finish`` of its own.
    - ``via``: what the tracker logs for a delivered message: ``call``, ``voicemail``,
      ``email`` or ``sms`` (default: the kind's, ``email`` for an email channel).
    - ``deliver(message, context) -> Receipt``: optional; a channel without it only prints.
    - ``finish(message, job) -> None``: optional; changes ``message`` in place
      (metrics, warnings, subject, HTML); what it returns is ignored.
    - ``options``: ``{key: Option(...)}`` for the settings it reads from its table
      (a plain help string takes any value); checked by the core before ``finish``
      and ``deliver`` see them as ``job.settings`` / ``context.settings``.
    - ``ready(config) -> str | None``: optional; None when the channel is set up to
      deliver, else the line saying what to set (a login, a server); asked before a
      delivery is offered. ``needs``: what it needs from the contact, ``"email"`` or
      ``"phone"`` (default: an address for an email channel, a number for ``sms``).
    """

    name: str = ""
    description: str = ""
    kind: str = ""
    via: str | None = None
    email: bool | None = None
    options: Mapping[str, Option | str] = {}
    plugin: str | None = None
    #: ``deliver(message, context) -> Receipt``; ``None``: the channel only prints.
    deliver: Deliver | None = None
    #: ``finish(message, job) -> None``; ``None``: the core's (the email one for an email channel).
    finish: Finish | None = None
    #: ``ready(config) -> str | None``: what to set before it can deliver; ``None``: not asked.
    ready: Callable[[Any], str | None] | None = None
    #: ``"email"`` or ``"phone"``: what a delivery needs from the contact (see ``ready``).
    needs: str | None = None

    def __init__(self, name: str | None = None, description: str | None = None, kind: str | None = None,
                 deliver: Callable | None = None, finish: Callable | None = None,
                 options: Mapping[str, Option | str] | None = None, plugin: str | None = None, *,
                 via: str | None = None, email: bool | None = None, ready: Callable | None = None,
                 needs: str | None = None) -> None:
        for attr, value in (("name", name), ("description", description), ("kind", kind),
                            ("deliver", deliver), ("finish", finish), ("plugin", plugin),
                            ("via", via), ("email", email), ("ready", ready), ("needs", needs)):
            if value is not None:
                setattr(self, attr, value)
        self.options = {key: _option(value) for key, value in dict(
            self.options if options is None else options).items()}
        if not self.kind:
            self.kind = "email" if self.email else ""
        if self.email is None:
            self.email = self.kind == "email"
        if self.via is None:
            self.via = VIA_BY_KIND.get(self.kind) or ("email" if self.email else None)
        if self.via is None and self.kind:
            import warnings

            warnings.warn(
                f"channel {self.name!r} of kind {self.kind!r} does not say how the tracker logs a "
                f"delivery; pass via= one of {', '.join(VIAS)} (logged as 'sms' until then; "
                "followup-script 0.3 refuses it)", DeprecationWarning, stacklevel=2)
            self.via = "sms"

    def check(self) -> None:
        """Raise a PluginError when this channel cannot be used (called when it is registered)."""
        if not isinstance(self.name, str) or not self.name.strip():
            raise PluginError("a channel needs a non-empty name")
        if not isinstance(self.kind, str) or not self.kind.strip():
            raise PluginError(f"channel {self.name!r} needs a kind (the template folder it renders)")
        if self.via not in VIAS:
            said = f"via={self.via!r} is not" if self.via is not None else "it does not say"
            raise PluginError(
                f"channel {self.name!r} of kind {self.kind!r}: {said} how the tracker logs it; "
                f"pass via= one of {', '.join(VIAS)}")
        if self.needs not in (None, "email", "phone"):
            raise PluginError(f"channel {self.name!r}: needs={self.needs!r} must be 'email', 'phone' or None")
        for attr in ("deliver", "finish", "ready"):
            value = getattr(self, attr)
            if value is not None and not callable(value):
                raise PluginError(f"channel {self.name!r}: {attr} must be a function, not {value!r}")

    def settings(self, config: Config, delivering: bool = False) -> dict:
        """This channel's table of ``config``, checked against its :attr:`options`: each
        declared option converted to its type (a default filled in), a wrong value a
        ConfigError naming the key, and, when ``delivering``, a missing required one too
        (a script is written, printed or saved as .eml without them). Keys it does not
        declare pass as they are."""
        table = config.section(self.name)
        out = dict(table)
        for key, declared in self.options.items():
            option = _option(declared)  # an Option already (__init__), said so for the type checker
            if key in table and table[key] is not None:
                out[key] = option.check(self.name, key, table[key])
            elif option.required and delivering:
                raise ConfigError(f"channel {self.name} needs {self.name}.{key} ({option.help}), which "
                                  f"is not set; run: followup-script config set {self.name}.{key} VALUE")
            elif option.default is not None:
                out[key] = option.default
        return out

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "kind": self.kind,
            "email": bool(self.email),
            "via": self.via,
            "delivers": self.deliver is not None,
            "options": {key: _option(option).help for key, option in self.options.items()},
            "plugin": self.plugin,
        }

    def __repr__(self) -> str:
        return f"Channel(name={self.name!r}, kind={self.kind!r}, via={self.via!r}, plugin={self.plugin!r})"

"""The objects a channel plugin works with: Channel, Message, Receipt, DeliveryContext.

:class:`Channel` and :class:`Option` live in :mod:`followup_script.channels.channel`;
they are imported here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from followup_script.channels.channel import VIA_BY_KIND, VIAS, Channel, Option  # noqa: F401 (re-exported)
from followup_script.errors import PluginError
from followup_script.writing.people import name_to_greet
from followup_script.writing.phones import DEFAULT_REGION, spoken_forms

if TYPE_CHECKING:  # pragma: no cover
    from email.message import EmailMessage

    from followup_script.channels.email import EmailThread
    from followup_script.engine.stages import Plan
    from followup_script.input.config import Config


@dataclass
class Message:
    """A rendered follow-up for one contact on one channel.

    ``text`` is the script (``None`` when the plan is done or stopped).
    ``profile`` and ``contact`` are dicts of the values supplied (``name``,
    ``phone``, ``email``, ``callback_window`` for you; ``name``, ``company``,
    ``role``, ``email``, ``phone`` for them; only those given). Messages of an
    email channel (``is_email``) also carry ``subject`` and ``html``, the
    ``message_id`` their ``.eml`` is built with (set on first build) and, for a
    weekly nudge to someone who got an email before, the ``thread`` it replies in.
    ``metrics`` holds what the channel measured (``words``, ``estimated_seconds``,
    ``segments``...), ``warnings`` what the user should know. ``via`` is what the
    tracker logs once it is delivered (the channel's ``via``).
    """

    channel: str
    kind: str
    plan: Plan
    text: str | None
    profile: dict
    contact: dict
    subject: str | None = None
    html: str | None = None
    template: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    is_email: bool | None = None
    via: str | None = None
    message_id: str | None = None
    thread: EmailThread | None = None
    #: the agreed time it is due at, as the script says it (clock style and zone: ``Friday 27
    #: November 2026 at 3 pm London time``); ``None`` when no time was agreed
    due_said: str | None = None
    #: the agreed call of a scheduled or missed call, as the script says it; ``None`` when no
    #: time was agreed (the engine's reason says ``at 10:30``: :attr:`reason` says it this way)
    agreed_said: str | None = None

    def __post_init__(self) -> None:
        if self.is_email is None:
            self.is_email = self.kind == "email"
        if self.via is None:
            self.via = VIA_BY_KIND.get(self.kind) or ("email" if self.is_email else "sms")

    @property
    def stopped(self) -> bool:
        return self.plan.stage.value == "stopped"

    def data_values(self) -> list[str]:
        """Every value the user or the contact supplied (masked by the guard).

        Also the forms templates see: one-line (``collapse``), the first name
        and the spoken phone number. With them masked, a template's masked text
        is the same for every contact, so the guard's verdict is cached.
        """
        return supplied_values(self.contact) + supplied_values(self.profile)

    @property
    def reason(self) -> str:
        """The plan's reason with an agreed time said as the script says it (the profile's clock,
        the contact's zone): ``at 10:30 am Eastern time``, not the engine's ``at 10:30``."""
        agreed, reason = self.plan.agreed, self.plan.reason
        if self.agreed_said and isinstance(agreed, dt.datetime):
            from followup_script.engine.stages import human_date

            reason = reason.replace(f"{human_date(agreed.date())} at {agreed:%H:%M}", self.agreed_said)
        return reason

    def to_dict(self) -> dict:
        out = self.plan.to_dict()
        metrics = self.metrics
        # each key set in place (an update(**kwargs) builds a second dict of them first)
        out["reason"] = self.reason  # due_time stays machine-readable HH:MM; the sentence is for people
        out["due_said"] = self.due_said
        out["channel"] = self.channel
        out["kind"] = self.kind
        out["subject"] = self.subject
        out["script"] = self.text
        out["words"] = metrics.get("words")
        out["estimated_seconds"] = metrics.get("estimated_seconds")
        out["warnings"] = list(self.warnings)
        for key, value in metrics.items():
            out.setdefault(key, value)
        if self.html is not None:
            out["html"] = self.html
        return out

    def to_email(self) -> EmailMessage:
        """A real RFC 5322 message (text and HTML: multipart/alternative), with reply headers
        when it answers a thread (:func:`followup_script.channels.email.build_email`)."""
        from followup_script.channels.email import build_email

        return build_email(self)


#: Values that are sentences of the message itself (``--update``): the guard reads them as it
#: reads the template's words, so "please reply ASAP" is refused wherever it comes from.
_SAID_BY_THE_USER = frozenset({"update"})


def supplied_values(fields: dict) -> list[str]:
    """Each string value of ``fields`` (a profile, a contact), its one-line form, a name's
    first word and the name it is greeted by, a phone in every form a script says it: what
    :meth:`Message.data_values` gives for them."""
    values = []
    for key, value in fields.items():
        if not isinstance(value, str) or key in _SAID_BY_THE_USER:
            continue
        values.append(value)
        words = value.split()
        if not words:
            continue
        line = " ".join(words)
        if line != value:
            values.append(line)
        if key == "name":
            values.append(words[0])
            greeted = name_to_greet(line)  # "Dr. Natarajan": how the scripts address them
            if greeted:
                values.append(greeted)
        elif key == "phone":
            values.extend(spoken_forms(line, str(fields.get("region") or DEFAULT_REGION)))
    return values



@dataclass
class Receipt:
    """What a channel's ``deliver`` returns: where the message went.

    ``id``, ``url``, ``path`` and ``detail`` say where it went; an email channel may add
    ``message_id`` (the Message-ID the service gave it, when not the one it was built
    with) and ``thread_id`` (the service's conversation id, such as Gmail's threadId),
    which the tracker keeps so the next weekly nudge replies in the same thread.
    ``contact_stopped=True`` says the recipient opted out: the core records a stop.
    """

    channel: str
    id: str | None = None
    url: str | None = None
    path: str | None = None
    detail: str | None = None
    contact_stopped: bool = False
    message_id: str | None = None
    thread_id: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, False)}

    #: The text fields of a receipt, and how much of each is kept (a receipt is stored in the
    #: tracker file and shown in one line).
    TEXT_FIELDS = ("id", "url", "path", "detail", "message_id", "thread_id")
    LONGEST = 500

    @classmethod
    def coerce(cls, value: Any, channel: Channel) -> Receipt:
        """A clean Receipt from what a plugin's ``deliver`` returned: a Receipt or a dict.

        Called right after the plugin returned, before anything else: each text field
        becomes a one-line string (a date, a number or bytes a plugin put there is turned
        into text, at most :attr:`LONGEST` characters) and ``contact_stopped`` a bool,
        so saving a receipt never fails. Anything else (not a Receipt or a dict, unknown
        keys) is a :class:`BadReceipt`: the message was delivered all the same, and the
        error carries the receipt to record (:attr:`BadReceipt.delivered`). A dict may
        hold ``channel`` too; the receipt always names the channel that delivered.
        """
        if isinstance(value, Receipt):
            fields = {name: getattr(value, name, None) for name in (*cls.TEXT_FIELDS, "contact_stopped")}
        elif isinstance(value, dict) and not set(value) - {*cls.TEXT_FIELDS, "contact_stopped", "channel"}:
            fields = dict(value)
        else:
            shown = _one_line(repr(value))[:80]
            raise BadReceipt(
                f"channel {channel.name!r} (plugin {channel.plugin}) returned {shown} from "
                "deliver(); it must return a followup_script.Receipt",
                cls(channel=channel.name, detail=f"the plugin returned {shown} instead of a receipt"),
            )
        clean = {name: _receipt_text(fields.get(name), cls.LONGEST) for name in cls.TEXT_FIELDS}
        return cls(channel=channel.name, contact_stopped=bool(fields.get("contact_stopped")), **clean)


class BadReceipt(PluginError):
    """A channel delivered but returned something that is not a receipt. ``delivered`` is
    the receipt to record all the same: the message went, it must never go again."""

    def __init__(self, problem: str, delivered: Receipt):
        super().__init__(problem)
        self.delivered = delivered


def _one_line(text: str) -> str:
    """``text`` with every control character (a newline, a NUL...) made a space."""
    return "".join(" " if ord(c) < 32 or 127 <= ord(c) < 160 else c for c in text)


def _receipt_text(value: Any, longest: int) -> str | None:
    """A receipt field as one line of text (None stays None)."""
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    elif isinstance(value, (dt.date, dt.datetime, dt.time)):
        value = value.isoformat()
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # a plugin's object whose __str__ fails
        text = object.__repr__(value)
    return _one_line(text)[:longest].strip() or None


@dataclass
class DeliveryContext:
    """Handed to ``deliver``: the user's config and how to deliver.

    ``settings`` is the channel's table checked against its options. ``key`` is the
    same for the same follow-up on the same channel: use it to avoid duplicates.
    ``dry_run``: check everything and build what would be sent, but contact no service
    and change nothing; return a Receipt whose ``detail`` says it was a dry run.
    """

    config: Config
    key: str
    dry_run: bool = False
    now: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: None on a first attempt; ``"interrupted"`` when an earlier attempt with this ``key``
    #: started and was never confirmed (a crash or a timeout), ``"failed"`` when it ended
    #: in an error. Either way it may have reached the service: a channel that can look
    #: (Gmail drafts, Twilio's message log) checks before creating a second one.
    previous_attempt: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class RenderJob:
    """Handed to ``Channel.finish``: the channel's settings (its table, checked against its
    options) and ways to render again.

    ``render_markdown()`` renders the same template as Markdown for HTML: every
    value it prints is Markdown-escaped, so only the template's own words are
    Markdown (``writing.render.markdown_to_html`` then makes the HTML).
    ``rerender(transform)`` renders it with every supplied value passed through
    ``transform``. ``render_html(start)`` is the HTML of that Markdown from character
    ``start`` of the rendered text (an email passes where its body starts): all three
    come from the one render the text came from.
    """

    settings: dict
    rerender: Callable[[Callable[[str], str]], str]
    render_markdown: Callable[[], str] | None = None
    render_html: Callable[[int], str] | None = None

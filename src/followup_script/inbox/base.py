"""The inbox protocol: :class:`Event`, :class:`Watch` and :class:`Inbox`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import FrozenInstanceError, dataclass, field

from followup_script.errors import ConfigError, DeliveryError

#: What an event may say happened.
REPLY, SENT, AUTO_REPLY, BOUNCE, STOP_REQUEST = "reply", "sent", "auto-reply", "bounce", "stop-request"
KINDS = (REPLY, SENT, AUTO_REPLY, BOUNCE, STOP_REQUEST)

#: The standard SMS opt-out words carriers honour (CTIA): a text that is one of these is a stop.
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "opt-out",
                        "revoke", "stop all"})


class InboxAuthError(ConfigError):
    """The inbox refused the login (a wrong password or user): exit 2, fix the config."""


class InboxServerError(DeliveryError):
    """The server could not be reached or answered wrongly (TLS, a dropped connection): exit 3."""


@dataclass(frozen=True)
class Event:
    """One thing an inbox found.

    ``kind`` is one of :data:`KINDS`; ``inbox`` the inbox's name and ``message_id``
    its id there (the Message-ID header, or the service's own id), which together
    make the event unique: ``sync`` records each once. ``address`` is the contact's
    email address (the sender of a reply, the recipient of a message sent, the
    address a bounce failed for), ``phone`` their number for SMS. ``thread`` holds
    the message ids it answers (``In-Reply-To`` and ``References``), ``thread_id``
    a service's thread id, ``key`` the ``X-Followup-Key`` of a message of ours.
    ``back_on`` is the day an auto-reply says they return; ``excerpt`` a few words
    of a request to stop, to show the user (never stored); ``certain`` says a stop
    is an explicit opt-out word (an SMS ``STOP``) rather than a guess from words.
    """

    kind: str
    inbox: str
    message_id: str
    at: dt.datetime
    address: str | None = None
    phone: str | None = None
    thread: tuple[str, ...] = ()
    thread_id: str | None = None
    key: str | None = None
    subject: str = ""
    back_on: dt.date | None = None
    excerpt: str = ""
    certain: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"event kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not str(self.message_id or "").strip():
            raise ValueError("an event needs a message id (it is how sync records it once)")


@dataclass(frozen=True)
class Unreadable:
    """A message an inbox could not read (``where`` it is, and the ``problem``): an inbox
    yields one instead of an :class:`Event`, and sync says so and goes on."""

    where: str
    problem: str


class Watch:
    """What the tracker wants to hear about: its contacts' addresses and phone numbers
    (E.164), and the Message-IDs of the messages it delivered. Read-only.

    ``phones`` may be given as a function that makes them: it is called the first time
    an inbox reads ``watch.phones`` (the built-in IMAP inbox never does, so a sync of
    email alone does not parse a number)."""

    __slots__ = ("addresses", "_phones", "message_ids", "extra")
    addresses: frozenset[str]
    _phones: frozenset[str] | Callable[[], Iterable[str]]
    message_ids: frozenset[str]
    extra: dict

    def __init__(self, addresses: Iterable[str] = frozenset(),
                 phones: Iterable[str] | Callable[[], Iterable[str]] = frozenset(),
                 message_ids: Iterable[str] = frozenset(), extra: dict | None = None) -> None:
        object.__setattr__(self, "addresses", frozenset(addresses))
        object.__setattr__(self, "_phones", phones if callable(phones) else frozenset(phones))
        object.__setattr__(self, "message_ids", frozenset(message_ids))
        object.__setattr__(self, "extra", {} if extra is None else extra)

    @property
    def phones(self) -> frozenset[str]:
        found = self._phones
        if callable(found):
            found = frozenset(found())
            object.__setattr__(self, "_phones", found)
        return found

    def __setattr__(self, name: str, value) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other) -> bool:
        if not isinstance(other, Watch):
            return NotImplemented
        return (self.addresses, self.phones, self.message_ids, self.extra) == \
            (other.addresses, other.phones, other.message_ids, other.extra)

    __hash__ = None  # type: ignore[assignment]  # as the dataclass it was: extra is a dict

    def __reduce__(self):
        # copy, deepcopy and pickle, as they worked on the dataclass it was (an inbox plugin may
        # copy what it is handed): made again through __init__, with the numbers themselves
        return (Watch, (self.addresses, self.phones, self.message_ids, self.extra))

    def __repr__(self) -> str:
        return (f"Watch(addresses={self.addresses!r}, phones={self.phones!r}, "
                f"message_ids={self.message_ids!r}, extra={self.extra!r})")


@dataclass
class Inbox:
    """An inbox a plugin registers.

    ``read(config, since, watch)`` yields :class:`Event` objects for what arrived and
    what was sent since ``since`` (a date) about the ``watch`` (and an :class:`Unreadable`
    for a message it could not read). ``config`` is the user's config
    (``config.section(name)`` is a table: ``[imap]`` for the built-in inbox). It raises
    :class:`InboxAuthError` for a refused login and :class:`InboxServerError` when the
    server fails; events already yielded stand (sync records each as it comes).
    ``configured(config)`` says whether the user set it up (an inbox that is not
    is skipped unless asked for by name); ``section`` names the table it reads.
    """

    name: str
    description: str
    read: Callable[..., Iterable[Event]]
    section: str = ""
    configured: Callable[..., bool] = lambda config: True
    options: dict = field(default_factory=dict)
    plugin: str | None = None

    def events(self, config, since: dt.date, watch: Watch) -> Iterator[Event]:
        yield from self.read(config, since, watch)

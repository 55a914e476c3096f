"""The wizard's questions, built by pure functions.

Each function (``profile_name``, ``what_happened``, ``next_action``...) returns
a :class:`Question`: its kind, message, choices, default and validator. Nothing
is asked and nothing is imported to build one, so tests check every choice,
default and validation rule without a terminal (copier builds its prompts the
same way). :func:`followup_script.wizard.flow.ask` asks them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from followup_script.engine.stages import Outcome, Situation, human_date
from followup_script.errors import InputError
from followup_script.input.validate import check_email, check_name, check_phone
from followup_script.input.values import one_line
from followup_script.present.slug import slug

# -- what the person says, in their words ----------------------------------------------------------

OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.SCHEDULED: "We talked and agreed on a time",
    Outcome.NO_TIME: "They could not give me a time",
    Outcome.NO_COMMITMENT: "They said they would get back to me",
    Outcome.NO_ANSWER: "I left a message / no answer",
    Outcome.REPLIED: "They replied",
    Outcome.STOP: "They asked me to stop",
}

#: How the last touch most likely happened, for the tracker's ``via`` column:
#: a conversation is a call, an unanswered follow-up a voicemail, a reply an email.
VIA_FOR_OUTCOME: dict[Outcome, str] = {
    Outcome.SCHEDULED: "call",
    Outcome.NO_TIME: "call",
    Outcome.NO_COMMITMENT: "call",
    Outcome.NO_ANSWER: "voicemail",
    Outcome.REPLIED: "email",
    Outcome.STOP: "call",
}

SITUATION_WORDS: dict[Situation, str] = {
    Situation.APPLICATION: "I sent a resume or an application",
    Situation.INTERVIEW: "I had an interview",
    Situation.NETWORKING: "I had a networking conversation",
    Situation.INFO: "I asked for information",
}

NOTHING_NEW = "nothing-new"
ANOTHER_DATE = "another-date"
ADD_NEW = "add-new"
RETYPE = "retype"

#: The menu after a script is shown (value -> title); ``next_action`` picks the ones that apply.
ACTIONS = {
    "copy": "Copy it to the clipboard",
    "save": "Save it to a file",
    "deliver": "Deliver it through {channel}",
    "log": "Log it: I used this script today",
    "channel": "Use another channel",
    "another": "Follow up with someone else",
    "quit": "Quit",
}
ACTION_KEYS = {"copy": "c", "save": "s", "deliver": "d", "log": "l", "channel": "o", "another": "n",
               "quit": "q"}


def said(outcome: Outcome) -> str:
    """The plain words of an outcome, quoted: '"They replied"'."""
    return f'"{OUTCOME_WORDS[outcome]}"'


def file_name(contact_name: str, channel: str, kind: str) -> str:
    """The file a script is saved to by default: ``followup-dana-reyes-email.eml``."""
    return f"followup-{slug(contact_name)}-{channel}.{'eml' if kind == 'email' else 'txt'}"


# -- questions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One choice of a select question: what is shown, what it answers, its shortcut key."""

    title: str
    value: Any
    key: str | None = None


@dataclass(frozen=True)
class Question:
    """Everything needed to ask one question; :func:`ask` turns it into a questionary prompt.

    ``validate(text)`` answers True or the reason the text is refused (questionary's
    convention); ``convert(text)`` turns accepted text into the value the flow uses.
    """

    kind: str  # text | select | autocomplete | confirm
    message: str
    choices: tuple[Option, ...] = ()
    default: Any = None
    validate: Callable[[str], bool | str] | None = None
    convert: Callable[[str], Any] | None = None
    instruction: str | None = None
    hints: dict[str, str] = field(default_factory=dict)  # autocomplete: name -> status

    def check(self, text: str) -> bool | str:
        return True if self.validate is None else self.validate(text)

    def answer(self, text: Any) -> Any:
        if self.convert is None or not isinstance(text, str):
            return text
        return self.convert(text)

    def values(self) -> list:
        return [c.value for c in self.choices]

    def titles(self) -> list[str]:
        return [c.title for c in self.choices]


def refusal(check: Callable[[str], Any]) -> Callable[[str], bool | str]:
    """A questionary validator from a library check that raises InputError."""

    def validate(text: str) -> bool | str:
        try:
            check(text)
        except InputError as exc:
            return str(exc)
        return True

    return validate


def optional(check: Callable[[str], Any]) -> Callable[[str], Any]:
    """``check`` for a field that may be left empty (empty gives None)."""

    def run(text: str):
        return check(text) if text.strip() else None

    return run


def _name(text: str) -> str:
    return check_name(text, "name")


def profile_name(current: str | None = None) -> Question:
    return Question("text", "Your full name, as you say it on the phone:", default=current or "",
                    validate=refusal(_name), convert=_name)


def profile_phone(current: str | None = None) -> Question:
    return Question("text", "Your phone number (said twice in a voicemail):", default=current or "",
                    validate=refusal(check_phone), convert=check_phone,
                    instruction="(e.g. +1 555 123 4567)")


def profile_email(current: str | None = None) -> Question:
    return Question("text", "Your email address (the From of emails):", default=current or "",
                    validate=refusal(check_email), convert=check_email)


def save_profile(path: Path) -> Question:
    return Question("confirm", f"Save this profile to {path}?", default=True)


def pick_contact(rows: Iterable[tuple[str, str]]) -> Question:
    """Autocomplete over tracked names; ``rows`` are (name, status) with the due ones first."""
    rows = list(rows)
    return Question(
        "autocomplete", "Who are you following up with?",
        choices=tuple(Option(name, name) for name, _ in rows), default="",
        validate=refusal(_name), convert=_name, hints=dict(rows),
    )


def add_contact(name: str) -> Question:
    """Asked only when no tracked name is like ``name`` (else :func:`which_contact` is)."""
    return Question("confirm", f"{name} is not tracked yet. Add them as a new contact?", default=True)


def which_contact(typed: str, rows: Iterable[tuple[str, str]], exact: bool = True) -> Question:
    """The tracked contacts ``typed`` may mean (``rows``: (name, status), the likeliest first),
    then "add as new" and "type again"; the first contact is the default, never "add".
    ``exact`` False: none holds ``typed``, these are only the closest names."""
    rows = list(rows)
    choices = [Option(f"{name} ({status})", name) for name, status in rows]
    choices += [Option(f"No: add {typed} as a new contact", ADD_NEW, "a"),
                Option("No: type the name again", RETYPE, "t")]
    message = (f"{typed!r} matches {'these tracked contacts' if len(rows) > 1 else 'a tracked contact'}. "
               "Which one?") if exact else f"No tracked name holds {typed!r}. Did you mean:"
    return Question("select", message, choices=tuple(choices), default=rows[0][0] if rows else ADD_NEW)


def contact_name() -> Question:
    return Question("text", "Who are you following up with? (their full name)",
                    validate=refusal(_name), convert=_name)


def contact_company() -> Question:
    return Question("text", "Their company (optional):", default="",
                    convert=lambda text: " ".join(text.split()) or None)


def contact_role() -> Question:
    return Question("text", "The role you are after (optional):", default="",
                    convert=lambda text: " ".join(text.split()) or None)


def contact_situation(default: Situation = Situation.APPLICATION) -> Question:
    keys = {Situation.APPLICATION: "a", Situation.INTERVIEW: "i", Situation.NETWORKING: "n",
            Situation.INFO: "r"}
    choices = tuple(Option(SITUATION_WORDS[s], s, keys[s]) for s in Situation)
    return Question("select", "What did you do?", choices=choices, default=default)


def _update(text: str) -> str:
    return one_line(280)(text, "update")


def news_update() -> Question:
    """A weekly nudge's something-new slot (``--update`` of the one-shot, ``next`` and ``due --render``)."""
    return Question("text", "Anything new to mention? (enter to skip)", default="",
                    instruction="(one sentence: a new project, a certificate, a link)",
                    validate=refusal(optional(_update)), convert=optional(_update))


def contact_email() -> Question:
    return Question("text", "Their email address (optional, needed to email them):", default="",
                    validate=refusal(optional(check_email)), convert=optional(check_email))


def contact_phone() -> Question:
    return Question("text", "Their phone number (optional, needed to text them):", default="",
                    validate=refusal(optional(check_phone)), convert=optional(check_phone))


def what_happened(last: str | None = None, message: str = "What happened last?",
                  default: Outcome | str | None = None) -> Question:
    """The plain-words outcomes; with ``last`` (what the tracker knows) "nothing new" comes first."""
    keys = {Outcome.SCHEDULED: "t", Outcome.NO_TIME: "c", Outcome.NO_COMMITMENT: "g",
            Outcome.NO_ANSWER: "m", Outcome.REPLIED: "r", Outcome.STOP: "x"}
    choices = [Option(OUTCOME_WORDS[o], o, keys[o]) for o in Outcome]
    if last is not None:
        choices.insert(0, Option(f"Nothing new since {last}", NOTHING_NEW, "0"))
    if default is None:
        default = NOTHING_NEW if last is not None else Outcome.NO_COMMITMENT
    return Question("select", message, choices=tuple(choices), default=default)


def when_happened(today: dt.date, message: str = "When?") -> Question:
    yesterday = today - dt.timedelta(days=1)
    choices = (
        Option(f"Today ({human_date(today)})", today, "t"),
        Option(f"Yesterday ({human_date(yesterday)})", yesterday, "y"),
        Option("Another date", ANOTHER_DATE, "a"),
    )
    return Question("select", message, choices=choices, default=today)


def _past_date(today: dt.date) -> Callable[[str], dt.date]:
    from followup_script.input.validate import parse_date

    def convert(text: str) -> dt.date:
        day = cast(dt.date, parse_date(text, "date", today))  # a text gives a date
        if day > today:
            raise InputError(f"date {day} is after today ({today}); give the day it happened")
        return day

    return convert


def other_date(today: dt.date) -> Question:
    convert = _past_date(today)
    return Question("text", "Which date?", validate=refusal(convert), convert=convert,
                    instruction="(YYYY-MM-DD, today or yesterday)")


def _agreed(after: dt.date, today: dt.date) -> Callable[[str], dt.date | dt.datetime]:
    from followup_script.input.validate import parse_datetime

    def convert(text: str):
        if not text.strip():
            raise InputError("the agreed time is empty; give it as YYYY-MM-DD HH:MM, e.g. 2026-11-27 10:30, "
                             "or the day alone when no time was set")
        moment = cast("dt.date | dt.datetime", parse_datetime(text, "agreed time", today))  # a text gives one
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        if day < after:
            raise InputError(f"agreed time {text.strip()!r} is before the conversation on {after}; "
                             "give the time you agreed on")
        return moment

    return convert


def agreed_time(after: dt.date, today: dt.date) -> Question:
    convert = _agreed(after, today)
    return Question("text", "When did you agree to talk again?", validate=refusal(convert),
                    convert=convert,
                    instruction="(YYYY-MM-DD HH:MM, e.g. 2026-11-27 10:30; or the day alone: 2026-11-27)")


def pick_channel(channels: Iterable, default: str = "voicemail") -> Question:
    """``channels``: :class:`~followup_script.channels.base.Channel` objects."""
    found = sorted(channels, key=lambda c: c.name)
    choices = tuple(Option(f"{c.name}: {c.description}", c.name) for c in found)
    names = [c.name for c in found]
    return Question("select", "Which channel?", choices=choices,
                    default=default if default in names else (names[0] if names else None))


def next_action(channel: str, clipboard: bool, can_deliver: bool, can_log: bool) -> Question:
    shown = ["save", "channel", "another", "quit"]
    if clipboard:
        shown.insert(0, "copy")
    if can_deliver:
        shown.insert(shown.index("channel"), "deliver")
    if can_log:
        shown.insert(shown.index("channel"), "log")
    choices = tuple(Option(ACTIONS[a].format(channel=channel), a, ACTION_KEYS[a]) for a in shown)
    return Question("select", "What now?", choices=choices, default=shown[0])


def after_no_script(with_channel: bool = False) -> Question:
    shown = ["channel", "another", "quit"] if with_channel else ["another", "quit"]
    choices = tuple(Option(ACTIONS[a], a, ACTION_KEYS[a]) for a in shown)
    return Question("select", "What now?", choices=choices, default=shown[0])


def _writable(text: str) -> Path:
    text = text.strip()
    if not text:
        raise InputError("the file name is empty; give one, e.g. followup.txt")
    target = Path(text).expanduser()
    if target.is_dir():
        raise InputError(f"{text!r} is a folder; give a file name")
    if not target.parent.exists():
        raise InputError(f"folder {str(target.parent)!r} does not exist; create it first or pick another")
    return target


def save_path(default: str) -> Question:
    return Question("text", "Save to which file?", default=default, validate=refusal(_writable),
                    convert=_writable)


def overwrite(path: Path) -> Question:
    return Question("confirm", f"{path} exists. Replace it?", default=False)


def confirm_delivery(channel: str, target: str) -> Question:
    return Question("confirm", f"Deliver this {channel} to {target} now?", default=False)


def confirm_log(summary: str, db: Path) -> Question:
    return Question("confirm", f"Log {summary} in {db}?", default=True)


def keep_pending(summary: str, db: Path) -> Question:
    return Question("confirm", f"Keep {summary} in the tracker ({db})?", default=True)

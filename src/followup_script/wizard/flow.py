"""The interactive wizard: questionary prompts over the same library calls as the
one-shot command and the tracker.

Two halves:

- **Questions** are built by pure functions (``profile_name``,
  ``what_happened``, ``next_action``...) that return a :class:`Question`: its
  kind, message, choices, default and validator. Nothing is asked and nothing
  is imported to build one, so tests check every choice, default and validation
  rule without a terminal (copier builds its prompts the same way).
- **The flow** (:class:`Wizard`) asks those questions through :func:`ask`, the
  one place that imports questionary, and calls the library: the engine through
  ``Scriptwriter.plan``, the scripts through ``Scriptwriter.write``, delivery
  through ``Scriptwriter.deliver``, the tracker through :class:`Tracker`.

Nothing is written before the confirmation of its step: the profile is saved
after "Save this profile?", a new contact and what happened last go to the
tracker only with the touch you log, the delivery you confirm, or the "keep
this in the tracker?" question asked when you leave. The tracker file is not
even created until then. Ctrl-C anywhere leaves through :meth:`Wizard.run`,
which says what (if anything) was saved earlier in the session.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from followup_script.input.config import check_email, check_name, check_phone
from followup_script.errors import FollowupError, InputError
from followup_script.engine.stages import History, Outcome, Plan, Situation, human_date

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

CLIPBOARDS = (
    (("pbcopy",), None),
    (("wl-copy",), "WAYLAND_DISPLAY"),
    (("xclip", "-selection", "clipboard"), "DISPLAY"),
    (("xsel", "--clipboard", "--input"), "DISPLAY"),
)


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
    return Question("confirm", f"{name} is not tracked yet. Add them as a new contact?", default=True)


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


def contact_email() -> Question:
    return Question("text", "Their email address (optional, needed to email them):", default="",
                    validate=refusal(optional(check_email)), convert=optional(check_email))


def contact_phone() -> Question:
    return Question("text", "Their phone number (optional, needed to text them):", default="",
                    validate=refusal(optional(check_phone)), convert=optional(check_phone))


def what_happened(last: str | None = None, message: str = "What happened last?",
                  default: Outcome | None = None) -> Question:
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
    from followup_script.input.values import parse_date

    def convert(text: str) -> dt.date:
        day = parse_date(text, "date", today)
        if day > today:
            raise InputError(f"date {day} is after today ({today}); give the day it happened")
        return day

    return convert


def other_date(today: dt.date) -> Question:
    convert = _past_date(today)
    return Question("text", "Which date?", validate=refusal(convert), convert=convert,
                    instruction="(YYYY-MM-DD, today or yesterday)")


def _agreed(after: dt.date, today: dt.date) -> Callable[[str], dt.date | dt.datetime]:
    from followup_script.input.values import parse_datetime

    def convert(text: str):
        if not text.strip():
            raise InputError("the agreed time is empty; give it as YYYY-MM-DD HH:MM, e.g. 2026-11-27 10:30")
        moment = parse_datetime(text, "agreed time", today)
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        if day < after:
            raise InputError(f"agreed time {text.strip()!r} is before the conversation on {after}; "
                             "give the time you agreed on")
        return moment

    return convert


def agreed_time(after: dt.date, today: dt.date) -> Question:
    convert = _agreed(after, today)
    return Question("text", "When did you agree to talk again?", validate=refusal(convert),
                    convert=convert, instruction="(YYYY-MM-DD HH:MM, e.g. 2026-11-27 10:30)")


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


# -- asking -------------------------------------------------------------------------------------


def ask(question: Question) -> Any:
    """Ask one :class:`Question` on the terminal; Ctrl-C raises KeyboardInterrupt."""
    import questionary

    if question.kind == "confirm":
        prompt = questionary.confirm(question.message, default=bool(question.default))
    elif question.kind == "select":
        shortcuts = len(question.choices) <= 36
        choices = [questionary.Choice(o.title, o.value, shortcut_key=o.key if o.key else True)
                   for o in question.choices]
        prompt = questionary.select(question.message, choices=choices, default=question.default,
                                    use_shortcuts=shortcuts, use_jk_keys=False,
                                    instruction=question.instruction)
    elif question.kind == "autocomplete":
        prompt = questionary.autocomplete(
            question.message, choices=[o.title for o in question.choices], default=question.default or "",
            meta_information=dict(question.hints), validate=question.validate,
        )
    else:
        prompt = questionary.text(question.message, default=question.default or "",
                                  validate=question.validate, instruction=question.instruction)
    answer = prompt.unsafe_ask()
    if answer is None:  # an aborted prompt, e.g. end of input
        raise KeyboardInterrupt
    return question.answer(answer)


# -- what the flow shows ----------------------------------------------------------------------


def said(outcome: Outcome) -> str:
    """The plain words of an outcome, quoted: '"They replied"'."""
    return f'"{OUTCOME_WORDS[outcome]}"'


def plan_sentence(plan: Plan) -> str:
    """The plan in one sentence: stage, due date and why."""
    if plan.stage.value == "stopped":
        return f"Stopped: {plan.reason}"
    if plan.stage.value == "done":
        return f"Done: {plan.reason}"
    due = human_date(plan.due) + (f" at {plan.due_time:%H:%M}" if plan.due_time else "")
    late = ""
    if plan.overdue_days:
        late = f", {plan.overdue_days} day{'s' if plan.overdue_days != 1 else ''} overdue"
    return f"Next: {plan.stage.value} (attempt {plan.attempt}), due {due}{late}. Why: {plan.reason}"


def status_words(plan: Plan | None, today: dt.date, stopped: bool = False) -> str:
    """A contact's status for the picker: due today, 2 days overdue, due Mon 30 Nov, stopped."""
    if stopped or (plan is not None and plan.stage.value == "stopped"):
        return "stopped"
    if plan is None:
        return "no touches yet"
    if not plan.active:
        return "done"
    if plan.overdue_days:
        return f"{plan.overdue_days} day{'s' if plan.overdue_days != 1 else ''} overdue"
    if plan.due == today:
        return "due today"
    return f"due {plan.due:%a} {plan.due.day} {plan.due:%b}"


def length_line(message) -> str:
    """How long the script is, in the unit its channel cares about."""
    metrics = message.metrics
    parts = []
    if metrics.get("estimated_seconds") is not None:
        budget = metrics.get("budget_seconds")
        parts.append(f"about {metrics['estimated_seconds']:g} s to say"
                     + (f" (budget {budget:g} s)" if budget else ""))
    if metrics.get("segments") is not None:
        parts.append(f"{metrics['segments']} SMS segment{'s' if metrics['segments'] != 1 else ''}"
                     f" ({metrics.get('characters')} characters)")
    if metrics.get("words") is not None:
        parts.append(f"{metrics['words']} words")
    line = f"{message.channel}: " + (", ".join(parts) if parts else "ready")
    if message.subject:
        line += f"\nSubject: {message.subject}"
    return line


def clipboard_command(env: dict | None = None) -> list[str] | None:
    """The first clipboard tool on PATH that can work here, or None."""
    env = os.environ if env is None else env
    for command, needs in CLIPBOARDS:
        if needs and not env.get(needs):
            continue
        found = shutil.which(command[0], path=env.get("PATH"))
        if found:
            return [found, *command[1:]]
    return None


def file_name(contact_name: str, channel: str, kind: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", contact_name.casefold()).strip("-") or "contact"
    return f"followup-{slug}-{channel}.{'eml' if kind == 'email' else 'txt'}"


def via_for(message) -> str:
    from followup_script.cli.tracker import VIA_BY_KIND

    return VIA_BY_KIND.get(message.kind) or ("email" if message.subject else "sms")


def one_shot_hint() -> str:
    return ("without one, the one-shot flags do the same: followup-script --name NAME --company C "
            "--role R --last-contact DATE --outcome O [--scheduled-for 'YYYY-MM-DD HH:MM'] --channel C "
            "[--output FILE] [--deliver --yes]; record it with followup-script log NAME --outcome O "
            "--date DATE, or use followup-script next NAME --channel C")


# -- the flow --------------------------------------------------------------------------------------


@dataclass
class Event:
    """What happened last, as told to the wizard (not saved yet)."""

    at: dt.date
    outcome: Outcome
    next_at: dt.date | dt.datetime | None = None

    @property
    def via(self) -> str:
        return VIA_FOR_OUTCOME[self.outcome]

    def words(self) -> str:
        return f"{said(self.outcome)} on {human_date(self.at)}"


@dataclass
class Follow:
    """The contact the wizard is working on: tracked, or new and not saved yet."""

    name: str
    contact: Any = None  # store.Contact when tracked
    fields: dict | None = None  # a new contact's fields, saved with the first confirmed write
    event: Event | None = None  # what happened last, saved with it
    history: History | None = None
    plan: Plan | None = None

    def saved(self, contact) -> None:
        """The new contact and the event are in the tracker now."""
        self.contact, self.fields, self.event = contact, None, None

    @property
    def pending(self) -> bool:
        return self.fields is not None or self.event is not None

    def script_fields(self) -> dict:
        if self.contact is not None:
            return self.contact.script_fields()
        return {k: v for k, v in (self.fields or {}).items()
                if k in ("name", "company", "role", "phone", "email") and v}

    def pending_words(self) -> str:
        parts = []
        if self.fields is not None:
            parts.append(f"the new contact {self.name}")
        if self.event is not None:
            parts.append(self.event.words() if self.fields is not None
                         else f"{self.name}: {self.event.words()}")
        return ", ".join(parts)


class Wizard:
    """One wizard session. ``ask`` asks a :class:`Question`; ``echo`` shows a line."""

    def __init__(self, writer, today: dt.date, db_path: str | Path | None = None,
                 ask: Callable[[Question], Any] = ask, echo: Callable[[str], None] = click.echo,
                 clipboard: list[str] | None | bool = True, business_days: bool | None = None):
        from followup_script.tracker.store import default_path

        self.writer = writer
        self.today = today
        self.db_path = Path(db_path).expanduser() if db_path else default_path()
        self.ask = ask
        self.echo = echo
        self.clipboard = clipboard_command() if clipboard is True else (clipboard or None)
        self.saved: list[str] = []
        self._tracker = None
        if business_days is None:
            business_days = not writer.config.section("schedule").get("calendar_days", False)
        self.business_days = business_days

    # -- the session --------------------------------------------------------------------

    def run(self) -> int:
        """The whole session; Ctrl-C (or end of input) leaves with exit code 130."""
        try:
            self.profile = self.ensure_profile()
            while self.follow_up_one() == "another":
                pass
            return 0
        except (KeyboardInterrupt, EOFError):
            already = f" (saved before that: {'; '.join(self.saved)})" if self.saved else ""
            click.echo(f"\nfollowup-script: interrupted; nothing was saved{already}", err=True)
            return 130
        finally:
            self.close()

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()
            self._tracker = None

    def tracker(self, create: bool = False):
        """The tracker, opened on first use; the file is created only when ``create``."""
        if self._tracker is None:
            if not create and not self.db_path.exists():
                return None
            from followup_script.tracker.store import Store
            from followup_script.tracker.service import Tracker

            self._tracker = Tracker(Store.open(self.db_path), self.business_days, planner=self.writer.plan)
        return self._tracker

    # -- the profile --------------------------------------------------------------------

    def ensure_profile(self) -> dict:
        from followup_script.input.config import Config, set_value

        config = self.writer.config
        profile = config.profile
        asks = {"name": profile_name, "phone": profile_phone, "email": profile_email}
        missing = [k for k in asks if not profile.get(k)]
        if not missing:
            return profile
        self.echo("First, who you are (used in every script). It is saved in your config file:")
        self.echo(f"  {config.path}")
        for key in missing:
            profile[key] = self.ask(asks[key](profile.get(key)))
        if self.ask(save_profile(config.path)):
            data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in config.data.items()}
            data["profile"] = {**data.get("profile", {}), **{k: profile[k] for k in missing}}
            last = missing[-1]
            # one atomic write (0600) of the whole profile; set_value validates the last key again
            self.writer.config = set_value(Config(config.path, data), f"profile.{last}", profile[last])
            self.saved.append(f"your profile in {config.path}")
            self.echo(f"Saved your profile to {config.path} (change it with followup-script config set).")
        else:
            self.echo("Not saved: this profile is used for this session only.")
        return profile

    # -- one contact --------------------------------------------------------------------

    def follow_up_one(self) -> str:
        follow = self.choose_contact()
        if follow.contact is not None and follow.contact.stopped:
            self.show_stopped(follow)
            return self.ask(after_no_script())
        self.ask_what_happened(follow)
        if follow.plan is None:
            return self.leave(follow, self.ask(after_no_script()))
        self.echo("")
        self.echo(plan_sentence(follow.plan))
        if not follow.plan.active:
            self.echo("No script is offered.")
            return self.leave(follow, self.ask(after_no_script()))
        return self.leave(follow, self.scripts(follow))

    def choose_contact(self) -> Follow:
        from followup_script.tracker.store import name_key
        from followup_script.tracker.service import history_of

        tracker = self.tracker()
        rows: list[tuple[Any, Plan | None]] = []
        if tracker is not None:
            for contact in tracker.contacts():
                rows.append((contact, tracker.plan(history_of(contact), self.today)))
        if not rows:
            self.echo("No contacts tracked yet: let's add one.")
            return self.new_contact(self.ask(contact_name()))

        def urgency(row):
            contact, plan = row
            if contact.stopped or plan is None or not plan.active:
                return (1, dt.date.max, contact.name_key)
            return (0, plan.due, contact.name_key)

        rows.sort(key=urgency)
        due = [(c, p) for c, p in rows if not c.stopped and p is not None and p.active and p.due <= self.today]
        if due:
            shown = ", ".join(f"{c.name} ({status_words(p, self.today)})" for c, p in due[:5])
            more = f" and {len(due) - 5} more" if len(due) > 5 else ""
            self.echo(f"Due now: {shown}{more}")
        statuses = [(c.name, status_words(p, self.today, c.stopped)) for c, p in rows]
        self.echo("Type a name (Tab completes); a name not in the list adds a new contact.")
        while True:
            name = self.ask(pick_contact(statuses))
            by_key = {c.name_key: c for c, _ in rows}
            found = by_key.get(name_key(name))
            if found is not None:
                return Follow(found.name, contact=found)
            if self.ask(add_contact(name)):
                return self.new_contact(name)

    def new_contact(self, name: str) -> Follow:
        fields = {"name": name}
        fields["company"] = self.ask(contact_company())
        fields["role"] = self.ask(contact_role())
        fields["situation"] = self.ask(contact_situation()).value
        fields["email"] = self.ask(contact_email())
        fields["phone"] = self.ask(contact_phone())
        return Follow(name, fields={k: v for k, v in fields.items() if v is not None})

    def show_stopped(self, follow: Follow) -> None:
        contact = follow.contact
        note = f" ({contact.stop_note})" if contact.stop_note else ""
        when = human_date(dt.date.fromisoformat(contact.stopped_on))
        self.echo(f"{contact.label()} is stopped: they asked not to be contacted on {when}{note}.")
        self.echo("No script is offered on any channel. Only if they ask you to resume: "
                  f"followup-script unstop {_quoted(contact.name)}")

    def ask_what_happened(self, follow: Follow) -> None:
        from followup_script.tracker.service import history_of

        last = None
        if follow.contact is not None:
            history = history_of(follow.contact)
            if history is not None:
                last = f"{human_date(history.last_contact)}: {said(history.outcome)}"
                follow.history = history
        outcome = self.ask(what_happened(last, f"What happened last with {follow.name}?"))
        if outcome == NOTHING_NEW:
            follow.plan = self.writer.plan(follow.history, self.today, self.business_days)
            return
        follow.event = self.ask_event(outcome)
        follow.history = self.preview_history(follow)
        follow.plan = self.writer.plan(follow.history, self.today, self.business_days)

    def ask_event(self, outcome: Outcome) -> Event:
        at = self.ask(when_happened(self.today))
        if at == ANOTHER_DATE:
            at = self.ask(other_date(self.today))
        next_at = self.ask(agreed_time(at, self.today)) if outcome is Outcome.SCHEDULED else None
        return Event(at, outcome, next_at)

    def preview_history(self, follow: Follow) -> History:
        """The history the tracker will derive once the event is logged (nothing is written)."""
        from followup_script.tracker.store import Contact, Touch
        from followup_script.tracker.service import derive_history

        event = follow.event
        situation = (follow.contact.situation if follow.contact is not None
                     else follow.fields.get("situation", "application"))
        if event.outcome is Outcome.STOP:  # logging it sets the stop flag, which outranks the touches
            return History(event.at, Outcome.STOP, situation)
        touch = Touch(id=2**62, uid="", contact_id=0, at=event.at, via=event.via,
                      outcome=event.outcome.value, next_at=event.next_at, note=None, created_at="")
        if follow.contact is not None:
            tracker = self.tracker()
            with tracker.store.read():
                touches = tracker.store.touches(follow.contact.id)
            contact = follow.contact
        else:
            touches = []
            contact = Contact(**{f: None for f in Contact.__dataclass_fields__})
            contact.situation = situation
        newest_first = sorted([*touches, touch], key=lambda t: (t.at, t.id), reverse=True)
        return derive_history(contact, newest_first)

    # -- scripts and what to do with them -------------------------------------------------

    def scripts(self, follow: Follow) -> str:
        channels = self.writer.plugins.channels
        default = self.writer.config.section("defaults").get("channel", "voicemail")
        logged = False
        while True:
            name = self.ask(pick_channel(channels.values(), default))
            default = name
            try:
                message = self.writer.write(name, follow.plan, follow.script_fields(), self.profile,
                                            today=self.today)
            except FollowupError as exc:
                self.echo(f"Cannot write the {name} script: {exc}")
                action = self.ask(after_no_script(with_channel=True))
                if action == "channel":
                    continue
                return action
            self.show(message)
            while True:
                can_deliver = channels[name].deliver is not None and not logged
                action = self.ask(next_action(name, bool(self.clipboard), can_deliver, not logged))
                if action in ("another", "quit"):
                    return action
                if action == "channel":
                    break
                try:
                    if action == "copy":
                        self.copy(message)
                    elif action == "save":
                        self.save(message, follow)
                    elif action == "deliver":
                        logged = self.deliver(message, follow) or logged
                    elif action == "log":
                        logged = self.log(message, follow) or logged
                except FollowupError as exc:
                    self.echo(f"Not done: {exc}")

    def show(self, message) -> None:
        self.echo("")
        self.echo(length_line(message))
        for warning in message.warnings:
            self.echo(f"Note: {warning}")
        self.echo("")
        self.echo(message.text.rstrip("\n"))
        self.echo("")

    def copy(self, message) -> None:
        text = (f"Subject: {message.subject}\n\n" if message.subject else "") + message.text
        try:
            subprocess.run(self.clipboard, input=text.encode(), check=True, timeout=10,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except (OSError, subprocess.SubprocessError) as exc:
            raise InputError(f"{self.clipboard[0]} could not copy ({exc}); save it to a file instead")
        self.echo(f"Copied the {message.channel} script to the clipboard.")

    def save(self, message, follow: Follow) -> None:
        from followup_script.cli.app import text_report, write_output

        path = self.ask(save_path(file_name(follow.name, message.channel, message.kind)))
        if path.exists() and not self.ask(overwrite(path)):
            self.echo("Not saved.")
            return
        if path.suffix.lower() == ".eml" and message.kind == "email":
            data = bytes(message.to_email())
        else:
            data = text_report(message).encode()
        write_output(str(path), data)
        self.saved.append(str(path.resolve()))
        self.echo(f"Saved to {path.resolve()}")

    def _write_pending(self, tracker, follow: Follow, undo: list | None = None):
        """Add the new contact and log what happened last, inside the caller's transaction.

        ``follow`` is left as it is: the caller marks it saved (:meth:`Follow.saved`) only
        once it is sure to keep it. ``undo`` collects what to take back if it is not.
        """
        contact = follow.contact
        if follow.fields is not None:
            contact = tracker.add_contact(follow.fields)
            if undo is not None:
                undo.append(("contact", contact.id))
        if follow.event is not None:
            event = follow.event
            logged = tracker.log(contact.name, event.outcome, via=event.via, at=event.at,
                                 next_at=event.next_at, note="told the wizard", today=self.today)
            if undo is not None and follow.fields is None:
                undo.append(("touch", logged.touch.id))
        return tracker.store.contact(contact.id)

    def _take_back(self, tracker, undo: list) -> None:
        """Remove what a failed delivery saved first, so nothing of it is kept."""
        if not undo:
            return
        with tracker.store.write():
            for kind, ident in undo:
                if kind == "contact":
                    tracker.store.remove_contact(ident)
                else:
                    contact_id = tracker.store.touch(ident).contact_id
                    tracker.store.remove_touch(ident)
                    tracker.refresh(tracker.store.contact(contact_id))

    def log(self, message, follow: Follow) -> bool:
        outcome = self.ask(what_happened(None, "How did it go?", default=Outcome.NO_ANSWER))
        next_at = self.ask(agreed_time(self.today, self.today)) if outcome is Outcome.SCHEDULED else None
        via = via_for(message)
        summary = f"a {via} to {follow.name} today, {said(outcome)}"
        if follow.pending:
            summary = f"{follow.pending_words()}; then {summary}"
        tracker_path = self.db_path
        if not self.ask(confirm_log(summary, tracker_path)):
            self.echo("Not logged.")
            return False
        tracker = self.tracker(create=True)
        with tracker.store.write():
            contact = self._write_pending(tracker, follow)
            logged = tracker.log(contact.name, outcome, via=via, at=self.today, next_at=next_at,
                                 note=f"used the wizard's {message.channel} script", today=self.today)
        follow.saved(logged.contact)
        self.saved.append(f"a touch for {follow.name} in {tracker_path}")
        self.echo(f"Logged in {tracker_path}.")
        if logged.plan is not None:
            self.echo(plan_sentence(logged.plan))
        return True

    def deliver(self, message, follow: Follow) -> bool:
        target = (message.contact.get("email") or message.contact.get("phone")
                  or message.contact.get("name") or "the contact")
        if not self.ask(confirm_delivery(message.channel, target)):
            self.echo("Not delivered.")
            return False
        tracker = self.tracker(create=True)
        undo: list = []
        # What happened last is saved first, then the delivery is recorded by its key
        # before the channel is called (exactly once: docs/reliability.md).
        with tracker.store.write():
            contact = self._write_pending(tracker, follow, undo)
        try:
            done = tracker.deliver_once(self.writer, message, contact=contact, via=via_for(message),
                                        today=self.today)
        except BaseException:
            self._take_back(tracker, undo)
            raise
        if done.already is not None:
            follow.saved(contact)
            earlier = done.earlier_receipt()
            where = earlier.get("id") or earlier.get("url") or earlier.get("path") or "no id"
            self.echo(f"Already delivered by {message.channel} ({where}); nothing was sent again. "
                      f"To send it once more: followup-script next '{follow.name}' --deliver --resend")
            return True
        receipt, contact = done.receipt, done.contact
        where = receipt.id or receipt.url or receipt.path or receipt.detail or "no id"
        follow.saved(contact)
        self.saved.append(f"the delivery to {follow.name}, logged in {self.db_path}")
        self.echo(f"Delivered: {where}. Logged in {self.db_path}.")
        if receipt.contact_stopped:
            self.echo(f"{follow.name} opted out on {message.channel}: they are now stopped and get "
                      "nothing more, on any channel.")
        else:
            from followup_script.tracker.service import history_of

            self.echo(plan_sentence(self.writer.plan(history_of(contact), self.today, self.business_days)))
        return True

    def leave(self, follow: Follow, action: str) -> str:
        """Before moving on, offer to keep what was told but not saved."""
        if follow.pending and self.ask(keep_pending(follow.pending_words(), self.db_path)):
            tracker = self.tracker(create=True)
            with tracker.store.write():
                follow.saved(self._write_pending(tracker, follow))
            self.saved.append(f"{follow.name} in {self.db_path}")
            self.echo(f"Kept in {self.db_path}.")
        return action


def _quoted(name: str) -> str:
    import shlex

    return shlex.quote(name)

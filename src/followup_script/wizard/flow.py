"""The interactive wizard: questionary prompts over the same library calls as the
one-shot command and the tracker.

The questions are built by the pure functions of
:mod:`followup_script.wizard.questions`; :class:`Wizard` asks them through
:func:`~followup_script.wizard.layout.ask`, the one place that imports questionary
(it wraps every question and line to the terminal's width), and calls the library
only: the scripts through ``Scriptwriter.write``, the tracker through
:class:`~followup_script.Tracker` (``preview`` for the plan before anything is
saved, ``record`` and ``record_and_deliver`` to save), and the words it shows
come from :mod:`followup_script.present`. What is done with a script (copy,
save, log, deliver) is :class:`~followup_script.wizard.menu.ScriptMenu`.

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
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import click

from followup_script.engine.stages import Outcome, Plan, human_date
from followup_script.input.config import Config, set_value
from followup_script.present.plan import plan_sentence, status_words
from followup_script.present.shell import shell_quote
from followup_script.present.sync import RECENT_DAYS, replied_line
from followup_script.tracker.history import history_after, history_of
from followup_script.tracker.names import closest, fold, matches, pick
from followup_script.tracker.rows import NewTouch, name_key
from followup_script.tracker.service import Recorded, Tracker
from followup_script.tracker.store import default_path
from followup_script.tracker.sync_store import sync_replies_since
from followup_script.wizard.layout import ask, say
from followup_script.wizard.menu import ScriptMenu
from followup_script.wizard.questions import (
    ADD_NEW,
    ANOTHER_DATE,
    NOTHING_NEW,
    RETYPE,
    VIA_FOR_OUTCOME,
    Question,
    add_contact,
    after_no_script,
    agreed_time,
    contact_company,
    contact_email,
    contact_name,
    contact_phone,
    contact_role,
    contact_situation,
    keep_pending,
    other_date,
    pick_contact,
    profile_email,
    profile_name,
    profile_phone,
    said,
    save_profile,
    what_happened,
    when_happened,
    which_contact,
)

CLIPBOARDS = (
    (("pbcopy",), None),
    (("wl-copy",), "WAYLAND_DISPLAY"),
    (("xclip", "-selection", "clipboard"), "DISPLAY"),
    (("xsel", "--clipboard", "--input"), "DISPLAY"),
)


# -- asking -------------------------------------------------------------------------------------


def clipboard_command(env: Mapping[str, str] | None = None) -> list[str] | None:
    """The first clipboard tool on PATH that can work here, or None."""
    env = os.environ if env is None else env
    for command, needs in CLIPBOARDS:
        if needs and not env.get(needs):
            continue
        found = shutil.which(command[0], path=env.get("PATH"))
        if found:
            return [found, *command[1:]]
    return None


def one_shot_hint() -> str:
    """What to type instead, for a wizard started without a terminal."""
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

    def touch(self) -> NewTouch:
        """The touch the tracker logs for it."""
        return NewTouch(self.outcome, self.at, self.via, self.next_at, note="told the wizard")


@dataclass
class Follow:
    """The contact the wizard is working on: tracked, or new and not saved yet."""

    name: str
    contact: Any = None  # a tracked Contact
    fields: dict | None = None  # a new contact's fields, saved with the first confirmed write
    event: Event | None = None  # what happened last, saved with it
    plan: Plan | None = None
    update: str | None = None  # news for a weekly nudge (not kept): "Anything new to mention?"

    def saved(self, contact) -> None:
        """The new contact and the event are in the tracker now."""
        self.contact, self.fields, self.event = contact, None, None

    @property
    def pending(self) -> bool:
        return self.fields is not None or self.event is not None

    def told(self) -> list[NewTouch]:
        """The touches to log for what was told and not saved yet."""
        return [self.event.touch()] if self.event is not None else []

    def script_fields(self) -> dict:
        if self.contact is not None:
            fields = self.contact.script_fields()
        else:
            fields = {k: v for k, v in (self.fields or {}).items()
                      if k in ("name", "company", "role", "phone", "email") and v}
        return {**fields, "update": self.update} if self.update else fields

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
                 ask: Callable[[Question], Any] = ask, echo: Callable[[str], None] = say,
                 clipboard: list[str] | None | bool = True, business_days: bool | None = None,
                 channel: str | None = None):
        """``business_days`` and ``channel`` None: as the writer's config says."""
        self.writer = writer
        self.today = today
        self.db_path = Path(db_path).expanduser() if db_path else default_path()
        self.ask, self.echo = ask, echo
        self.clipboard = clipboard_command() if clipboard is True else (clipboard or None)
        self.saved: list[str] = []
        self._tracker: Tracker | None = None
        self.business_days = business_days
        self.channel = channel or writer.default_channel

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

    def tracker(self, create: bool = False) -> Tracker | None:
        """The tracker, opened on first use; the file is created only when ``create``."""
        if self._tracker is None:
            if not create and not self.db_path.exists():
                return None
            self._tracker = Tracker.open(self.db_path, self.business_days)  # type: ignore[arg-type]  # None: the planner set below decides
            self._tracker.planner = self.writer.plan  # the engine with the writer's config
        return self._tracker

    def record(self, follow: Follow, *touches: NewTouch) -> Recorded:
        """Save what was told about ``follow`` (a new contact, what happened last), then
        ``touches``, in one transaction. ``follow`` is marked saved by the caller."""
        return cast(Tracker, self.tracker(create=True)).record(follow.contact, fields=follow.fields,
                                                touches=[*follow.told(), *touches], today=self.today)

    # -- the profile --------------------------------------------------------------------

    def ensure_profile(self) -> dict:
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
        return self.leave(follow, ScriptMenu(self, follow).run())

    def choose_contact(self) -> Follow:
        tracker = self.tracker()
        rows: list[tuple[Any, Plan | None]] = []
        if tracker is not None:
            for contact in tracker.contacts():
                rows.append((contact, tracker.plan_for(contact, self.today)))
        if tracker is None or not rows:  # (no tracker: no rows)
            self.echo("No contacts tracked yet: let's add one.")
            return self.new_contact(self.ask(contact_name()))

        def urgency(row):
            contact, plan = row
            if contact.stopped or plan is None or not plan.active:
                return (1, dt.date.max, contact.name_key)
            return (0, plan.due, contact.name_key)

        rows.sort(key=urgency)
        due = [(c, p) for c, p in rows if not c.stopped and p is not None and p.active and p.due is not None and p.due <= self.today]
        if due:
            shown = ", ".join(f"{c.name} ({status_words(p, self.today)})" for c, p in due[:5])
            more = f" and {len(due) - 5} more" if len(due) > 5 else ""
            self.echo(f"Due now: {shown}{more}")
        replied = replied_line(sync_replies_since(tracker.store, self.today - dt.timedelta(days=RECENT_DAYS)))
        if replied:  # found by sync (#18): why they left the queue
            self.echo(replied)
        statuses = [(c.name, status_words(p, self.today, c.stopped)) for c, p in rows]
        self.echo("Type a name (Tab completes); a name not in the list adds a new contact.")
        while True:
            name = self.ask(pick_contact(statuses))
            found = self.match(name, [c for c, _ in rows], dict(statuses))
            if found == ADD_NEW:
                return self.new_contact(name)
            if found != RETYPE:
                return Follow(found.name, contact=found)

    def match(self, name: str, contacts: list, statuses: dict):
        """The contact ``name`` means (as ``Tracker.find`` reads names: case, accents and
        punctuation aside), asking when it is only part of a name or like one; ADD_NEW to add
        it as a new contact, RETYPE to type again. Adding is the default only when no name is
        like it."""
        by_key = {c.name_key: c for c in contacts}
        if name_key(name) in by_key:
            return by_key[name_key(name)]
        folded = [(c, c.name_fold) for c in contacts]
        found = pick(name, matches(name, folded))
        if found.one is not None and found.one.name_fold == fold(name):
            return found.one  # the same name but for case, accents or punctuation
        options = [found.one] if found.one is not None else found.several
        near = options or closest(name, folded)
        if not near:
            return ADD_NEW if self.ask(add_contact(name)) else RETYPE
        picked = self.ask(which_contact(name, [(c.name, statuses[c.name]) for c in near], exact=bool(options)))
        return next((c for c in near if c.name == picked), picked)

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
                  f"followup-script unstop {shell_quote(contact.name)}")

    def ask_what_happened(self, follow: Follow) -> None:
        history = history_of(follow.contact) if follow.contact is not None else None
        last = f"{human_date(history.last_contact)}: {said(history.outcome)}" if history is not None else None
        outcome = self.ask(what_happened(last, f"What happened last with {follow.name}?"))
        if outcome == NOTHING_NEW:  # offered only for a tracked contact with a history
            follow.plan = cast(Tracker, self.tracker()).plan_for(follow.contact, self.today)
            return
        follow.event = self.ask_event(outcome)
        follow.plan = self.preview(follow)

    def ask_event(self, outcome: Outcome) -> Event:
        at = self.ask(when_happened(self.today))
        if at == ANOTHER_DATE:
            at = self.ask(other_date(self.today))
        next_at = self.ask(agreed_time(at, self.today)) if outcome is Outcome.SCHEDULED else None
        return Event(at, outcome, next_at)

    def preview(self, follow: Follow) -> Plan:
        """The plan the tracker will give once the event is logged; nothing is written."""
        situation = (follow.fields or {}).get("situation")
        touch = cast(Event, follow.event).touch()  # asked before the preview (ask_event)
        tracker = self.tracker()
        if tracker is None:  # no tracker file yet, so a new contact with nothing stored
            return self.writer.plan(history_after(touch, situation or "application"), self.today, self.business_days)
        return tracker.preview(follow.contact, touch, self.today, situation=situation)

    def leave(self, follow: Follow, action: str) -> str:
        """Before moving on, offer to keep what was told but not saved."""
        if follow.pending and self.ask(keep_pending(follow.pending_words(), self.db_path)):
            follow.saved(self.record(follow).contact)
            self.saved.append(f"{follow.name} in {self.db_path}")
            self.echo(f"Kept in {self.db_path}.")
        return action

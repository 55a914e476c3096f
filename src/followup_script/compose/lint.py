"""Linting a template pack: every template rendered with sample values, and what is wrong.

What exists and where from, and copying one, is :mod:`followup_script.compose.catalog`.

The command layer is :mod:`followup_script.cli.templates`; everything here is a
library call over the real :class:`~followup_script.compose.scriptwriter.Scriptwriter` and its
:class:`~followup_script.writing.render.Renderer` (its ``search_path`` and ``candidates``),
so a template that passes :func:`check` renders the same way for real.

Template names follow ``<kind>/<stage>[.<situation>].<ext>.j2``; a file whose
name starts with ``_`` is a partial (macros to import), never picked on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import jinja2
from jinja2 import meta

from followup_script.compose.catalog import (  # noqa: F401 (also re-exported for 0.1 callers)
    NAME,
    TemplateFile,
    copy,
    parse_name,
    read_template,
    search_path,
    source,
    template_files,
)
from followup_script.compose.scriptwriter import Scriptwriter
from followup_script.engine.stages import History, Outcome, Situation, Stage, parse_choice
from followup_script.errors import (
    ConfigError,
    FollowupError,
    InputError,
    PluginError,
    TemplateError,
    ToneError,
)
from followup_script.writing.render import EXTENSIONS, RenderLimit, build_context

ACTIVE_STAGES = [stage.value for stage in Stage if stage.active]
SITUATIONS = [situation.value for situation in Situation]

# -- sample data every template is rendered with ---------------------------------------

SAMPLE_PROFILE = {
    "name": "Ana Lima",
    "phone": "+1 555 123 4567",
    "email": "ana.lima@example.com",
    "callback_window": "any weekday between 9 and 5",
}
SAMPLE_CONTACTS = {
    "a full contact": {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
                       "email": "dana@acme.example", "phone": "+1 212 555 0123"},
    "a contact with only a name": {"name": "Dana Reyes"},
    "no contact details": {},
}
SAMPLE_LAST_CONTACT = dt.date(2026, 11, 20)
WEEKLY_VARIANTS = 8  # weekly nudges checked: eight in a row, so every wording of an 8-way slot


def sample_histories(situation: str) -> list[tuple[History, int]]:
    """One history per active stage (a call agreed with a time, with a day alone, and
    missed), and eight weekly nudges in a row (every opening); each with the days after its due
    date it is seen on (a missed call is seen once the agreed day has passed)."""
    last = SAMPLE_LAST_CONTACT
    agreed = dt.datetime(2026, 11, 27, 10, 30)
    sit = parse_choice(Situation, situation, "situation")  # as History reads it
    histories = [
        (History(last, Outcome.SCHEDULED, sit, agreed), 0),
        (History(last, Outcome.SCHEDULED, sit, agreed.date()), 0),
        (History(last, Outcome.SCHEDULED, sit, agreed), 5),
        (History(last, Outcome.NO_TIME, sit), 0),
        (History(last, Outcome.NO_COMMITMENT, sit), 0),
    ]
    histories += [(History(last, Outcome.NO_ANSWER, sit, attempts=n), 0) for n in range(WEEKLY_VARIANTS)]
    return histories


# -- linting --------------------------------------------------------------------------------


@dataclass
class Problem:
    """One thing wrong with a template (or, with ``warning``, worth knowing)."""

    template: str
    origin: str
    rule: str
    detail: str
    stage: str | None = None
    situations: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    warning: bool = False

    def __str__(self) -> str:
        where = [self.stage or "any stage"]
        if self.situations:
            where.append("every situation" if len(self.situations) == len(SITUATIONS)
                         else "situation " + ", ".join(self.situations))
        if self.channels:
            where.append("channel " + ", ".join(self.channels))
        level = "warning: " if self.warning else ""
        only = ""
        if self.samples and len(self.samples) < len(SAMPLE_CONTACTS):
            only = f" (with {' and '.join(self.samples)})"
        return f"{self.template} ({self.origin}; {'; '.join(where)}): {level}{self.rule}: {self.detail}{only}"

    def to_dict(self) -> dict:
        return {"template": self.template, "origin": self.origin, "rule": self.rule,
                "detail": self.detail, "stage": self.stage, "situations": list(self.situations),
                "channels": list(self.channels), "samples": list(self.samples), "warning": self.warning}


@dataclass
class Report:
    problems: list[Problem]
    templates: int
    renders: int

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    def to_dict(self) -> dict:
        return {"ok": not self.errors, "templates": self.templates, "renders": self.renders,
                "problems": [p.to_dict() for p in self.problems]}


class _Problems:
    """Collects problems; the same one met in several situations is one line."""

    def __init__(self) -> None:
        self._by_key: dict[tuple, Problem] = {}

    def add(self, template, origin, rule, detail, stage=None, situation=None, channel=None,
            warning=False, sample=None, same_as=None) -> None:
        key = (template, origin, rule, same_as or detail, stage, warning)
        problem = self._by_key.get(key)
        if problem is None:
            problem = self._by_key[key] = Problem(template, origin, rule, detail, stage, warning=warning)
        for value, seen in ((situation, problem.situations), (channel, problem.channels),
                            (sample, problem.samples)):
            if value and value not in seen:
                seen.append(value)

    def all(self) -> list[Problem]:
        return sorted(self._by_key.values(), key=lambda p: (p.warning, p.template, p.rule, p.detail))


def _origin_of(writer: Scriptwriter, filename: str | None) -> str:
    if filename:
        path = Path(filename)
        for origin, folder in writer.renderer.search_path:
            if folder == path.parent or folder in path.parents:
                return origin
    return "?"


def _selected(writer: Scriptwriter, kind: str, stage: str, situation: str) -> tuple[str, str] | None:
    """The name and origin of the template the renderer picks, without compiling it."""
    loader = cast(jinja2.BaseLoader, writer.renderer.env.loader)  # the renderer's env always has one
    for name in writer.renderer.candidates(kind, stage, situation):
        try:
            _, filename, _ = loader.get_source(writer.renderer.env, name)
        except jinja2.TemplateNotFound:
            continue
        except TemplateError:  # a link out of its folder: reported once, as outside-folder
            origin = next((o for o, folder in writer.renderer.search_path if (folder / name).exists()), "?")
            return name, origin
        return name, _origin_of(writer, filename)
    return None


_TEMPLATE_NAMES = ("caller", "varargs", "kwargs", "loop", "self", "super")


def _lint_file(writer: Scriptwriter, item: TemplateFile, context_names: set[str],
               problems: _Problems, unknown_names: dict) -> bool:
    """Syntax and unknown top-level names of one file; False if it does not compile."""
    env = writer.renderer.env
    try:
        text = read_template(item.path.parents[item.name.count("/")], item.name)
    except TemplateError as exc:
        problems.add(item.name, item.origin, "outside-folder", str(exc), item.stage)
        return False
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(item.name, item.origin, "unreadable", f"{exc}; save it as UTF-8 text", item.stage)
        return False
    try:
        tree = env.parse(text, item.name, str(item.path))
    except jinja2.TemplateSyntaxError as exc:
        problems.add(item.name, item.origin, "syntax", f"line {exc.lineno}: {exc.message}; fix its syntax",
                     item.stage)
        return False
    known = context_names | set(env.globals) | set(_TEMPLATE_NAMES)
    used = meta.find_undeclared_variables(tree)
    unknown_names[(item.name, item.origin)] = used - known
    if item.stage == "weekly-nudge" and not item.partial and "update" not in used \
            and not list(tree.find_all(jinja2.nodes.Extends)):
        # an error in your own template; a plugin's is reported too (copy it to add the slot)
        problems.add(item.name, item.origin, "no-update-slot",
                     "this weekly nudge never says the user's update (--update), so it would be "
                     "lost; add {% if update %}{{ update }}{% endif %} where news reads naturally",
                     item.stage, warning=item.origin != "user")
    for unknown in sorted(unknown_names[(item.name, item.origin)]):
        problems.add(item.name, item.origin, "undefined-variable",
                     f"{unknown!r} is not a template variable (docs/templates.md lists them)",
                     item.stage)
    return True


def _rule(exc: FollowupError) -> str:
    if getattr(exc, "raised_by_finish", None) is not None and not isinstance(exc, ToneError):
        return "channel"  # the channel's finish refused the message: no template value is missing
    if isinstance(exc, ToneError):
        return "courtesy-guard"
    if isinstance(exc, TemplateError):
        return "template"
    if isinstance(exc, (ConfigError, InputError)):
        return "missing-variable"
    if isinstance(exc, PluginError):
        return "plugin"
    return type(exc).__name__


def check(writer: Scriptwriter, channels: Iterable[str] | None = None) -> Report:
    """Lint every template on ``writer``'s search path.

    Every file is compiled (syntax) and its top-level names checked; then every
    channel x active stage x situation (and eight weekly nudges in a row) is
    rendered through :meth:`Scriptwriter.write` with the sample contacts,
    so the courtesy guard, the voicemail budget and the SMS segment count apply
    exactly as they do for real. User templates that are never picked are
    reported too.
    """
    problems = _Problems()
    files = template_files(writer)
    sample_plan = writer.plan(History(SAMPLE_LAST_CONTACT, Outcome.NO_COMMITMENT), SAMPLE_LAST_CONTACT)
    context_names = set(build_context(sample_plan, SAMPLE_PROFILE, {}, SAMPLE_LAST_CONTACT))
    broken: set[tuple[str, str]] = set()
    unknown_names: dict[tuple[str, str], set[str]] = {}
    for item in files:
        if not _lint_file(writer, item, context_names, problems, unknown_names):
            broken.add((item.name, item.origin))

    profile = {**SAMPLE_PROFILE, **writer.config.profile}
    wanted = list(channels) if channels is not None else sorted(writer.plugins.channels)
    used: set[tuple[str, str]] = set()
    renders = 0
    for channel_name in wanted:
        channel = writer.channel(channel_name)
        for situation in SITUATIONS:
            for history, late in sample_histories(situation):
                for sample, contact in SAMPLE_CONTACTS.items():
                    renders += _render_one(writer, channel, history, late, sample, contact, profile,
                                           broken, unknown_names, used, problems)
    for item in files:
        if item.origin == "user" and not item.partial and (item.name, item.origin) not in used:
            if item.kind is not None and item.kind not in {writer.channel(c).kind for c in wanted}:
                problems.add(item.name, item.origin, "unused",
                             f"no channel renders kind {item.kind!r} (is its plugin installed?)",
                             item.stage, warning=True)
            else:
                problems.add(item.name, item.origin, "unused",
                             "never picked: name it <kind>/<stage>[.<situation>].<ext>.j2 with a stage "
                             f"({', '.join(ACTIVE_STAGES)}), a situation ({', '.join(SITUATIONS)}) "
                             f"and ext {' or '.join(EXTENSIONS)}, and mind that .md wins over .txt",
                             item.stage)
    return Report(problems.all(), len(files), renders)


def _render_one(writer, channel, history, late, sample, contact, profile, broken, unknown_names, used,
                problems) -> int:
    situation = history.situation.value
    plan = writer.plan(history, SAMPLE_LAST_CONTACT)
    today = (plan.due or SAMPLE_LAST_CONTACT) + dt.timedelta(days=late)
    plan = writer.plan(history, today)
    stage = plan.stage.value
    selected = _selected(writer, channel.kind, stage, situation)
    if selected is not None:
        used.add(selected)
        if selected in broken:
            return 0  # its syntax error is reported once, above
    name, origin = selected or (f"{channel.kind}/{stage}.*", "?")
    try:
        message = writer.write(channel, plan, contact, profile, today=today)
    except FollowupError as exc:
        # channels of one kind (email, gmail) name themselves in the error: one line for both
        detail = str(exc)
        if any(f"the value {n!r}" in detail for n in unknown_names.get(selected, ())):
            return 1  # reported once as an undefined-variable, above
        problems.add(name, origin, _rule(exc), detail, stage, situation, channel.name, sample=sample,
                     same_as=detail.replace(f" {channel.name} ", f" {channel.kind} "))
        if isinstance(exc, RenderLimit) and selected is not None:
            broken.add(selected)  # stopped once (it may have taken the whole time limit): not rendered again
        return 1
    metrics = message.metrics
    seconds, budget = metrics.get("estimated_seconds"), metrics.get("budget_seconds")
    if channel.kind == "voicemail" and seconds is not None and budget is not None and seconds > budget:
        problems.add(name, origin, "voicemail-length",
                     f"about {seconds:g} s, over the {budget:g} s budget; trim the wording",
                     stage, situation, channel.name, sample=sample)
    elif metrics.get("segments") is not None and metrics["segments"] > 1:
        problems.add(name, origin, "sms-segments",
                     f"{metrics['segments']} segments ({metrics.get('characters')} characters, "
                     f"{metrics.get('encoding')}); a text should fit in one",
                     stage, situation, channel.name, sample=sample)
    else:
        for warning in message.warnings:
            problems.add(name, origin, "warning", warning, stage, situation, channel.name,
                         warning=True, sample=sample)
    return 1

"""The template context: the variables every template may use (docs/templates.md).

Built from the plan, the profile and the contact; every supplied value is data
(one line, never compiled). Kept apart from the renderer (``writing/render.py``,
which re-exports these names) so the words a template is given grow here.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, cast

from followup_script import _speedups
from followup_script.engine import variation
from followup_script.engine.grammar import end_sentence, with_article
from followup_script.engine.slots import window
from followup_script.engine.stages import DAY_NAMES, MONTH_NAMES, Plan, human_date
from followup_script.engine.zones import check_zone, only_zone, zone_country
from followup_script.errors import ConfigError, InputError
from followup_script.writing.clock import (
    DEFAULT_WINDOW,
    Clock,
    call_slots,
    clock_style,
    offer_words,
    say_time,
    window_words,
)
from followup_script.writing.people import address
from followup_script.writing.phones import (
    DEFAULT_REGION,
    country_code,
    country_code_for,
    region_code,
    say_number,
)


class Fields(dict):
    """A dict of supplied values that knows whose they are, for error messages."""

    def __init__(self, label: str, values: dict):
        super().__init__({k: v for k, v in values.items() if v not in (None, "")})
        self.label = label

    @classmethod
    def of(cls, label: str, values: dict) -> Fields:
        """From values already known to be non-empty (no second pass over them)."""
        fields = cls.__new__(cls)
        dict.update(fields, values)
        fields.label = label
        return fields


def collapse(value: str) -> str:
    """One line: CR, LF, tabs and runs of spaces become single spaces."""
    return " ".join(str(value).split())


def first_name(full: str | None) -> str | None:
    """The first word of a name (the user's own first name, ``me.first_name``). A
    contact is addressed by :func:`followup_script.writing.people.address` instead."""
    return full.split()[0] if full and full.split() else None


#: Filters every template may use (``{{ "interview"|a_an }}``, ``{{ contact.company|sentence }}``).
FILTERS = {"a_an": with_article, "sentence": end_sentence}


def when_words(day: dt.date, today: dt.date) -> str:
    """How a person says a nearby date: ``today``, ``yesterday``, ``on Tuesday``."""
    delta = (today - day).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "yesterday"
    if delta == -1:
        return "tomorrow"
    if 1 < delta < 7:
        return f"on {DAY_NAMES[day.weekday()]}"
    if -7 < delta < -1:
        return f"on {DAY_NAMES[day.weekday()]}"
    return f"on {DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def _region(me: dict) -> str:
    """The user's country (ISO code): ``profile.region``, else their phone's, else US."""
    return _region_of(me.get("region", ""), me.get("phone"))


@lru_cache(maxsize=64)
def _region_of(given: str, phone: str | None) -> str:
    given = given.strip().upper()
    if given:
        return given
    return region_code(country_code(phone, DEFAULT_REGION)) or DEFAULT_REGION


def _my_window(me: dict) -> tuple[dt.time, dt.time]:
    return window(me.get("call_hours"), DEFAULT_WINDOW)


def profile_values(profile: dict) -> Fields:
    """The profile as templates see it: one-line values, the first name, the phone
    (written to dial, spoken, spoken slowly: the national forms), a callback window.
    Read-only for templates (the sandbox is immutable). :func:`build_context` gives
    the international forms, and zones, to a contact who needs them."""
    me = {k: collapse(v) for k, v in profile.items() if isinstance(v, str) and v.strip()}
    if "name" in me:
        # a name here has a word (blank values were dropped), so it has a first word
        me.setdefault("first_name", cast(str, first_name(me["name"])))
    region = _region(me)
    if "phone" in me:
        me["phone_dial"], me["phone_spoken"], me["phone_slow"] = say_number(me["phone"], region)
    if "callback_window" not in me:
        start, end = _my_window(me)
        me["callback_window"] = window_words(start, end, clock_style(me.get("clock"), region))
    return Fields.of("profile", me)


def _check_zone(name: str | None, field: str, error: type[InputError]) -> None:
    """A zone from a hand-written config or a row, refused as ``config set`` and ``--timezone`` do."""
    if name:
        try:
            check_zone(name, field)
        except InputError as exc:
            raise error(exc.problem, field=field, value=exc.value, fix=exc.fix) from None


def _scene(region: str, my_phone, my_zone, clock, their_phone, their_zone) -> tuple[str, bool, Clock]:
    _check_zone(my_zone, "profile.timezone", ConfigError)
    _check_zone(their_zone, "timezone", InputError)
    region = _region_of(region, my_phone)
    mine = country_code(my_phone, region) or country_code_for(region)
    theirs = country_code(their_phone, region) or country_code_for(zone_country(their_zone))
    abroad = bool(mine and theirs and mine != theirs)
    if not my_zone and (their_zone or abroad):  # a zone said: a country of one zone says which
        my_zone = only_zone(region)  # (GB: Europe/London); else times are in no zone and said without
    return region, abroad, Clock.of(clock_style(clock, region), my_zone, their_zone, abroad)


class Sender:
    """The user's side of every message's context, worked out once for a profile: its
    values as templates see them (:func:`profile_values`), and the scene and ``me`` for a
    contact who gives no phone and no zone (every such contact's are the same). A batch
    makes one for its run (``compose/prepared.py``); :func:`build_context` makes one a call."""

    __slots__ = ("profile", "base", "_key", "_alone")

    def __init__(self, profile: dict):
        self.profile = profile
        self.base = profile_values(profile)
        base = self.base
        self._key = (base.get("region", ""), base.get("phone"), base.get("timezone"), base.get("clock"))
        self._alone: tuple | None = None

    def scene(self, them: dict) -> tuple[Clock, Fields]:
        """How times are said to a contact (``them``, one-line values), and ``me`` for them."""
        phone, zone = them.get("phone"), them.get("timezone")
        if phone is None and zone is None:
            if self._alone is None:
                self._alone = self._scene(None, None)
            return self._alone
        return self._scene(phone, zone)

    def _scene(self, their_phone, their_zone) -> tuple[Clock, Fields]:
        """The user's region, whether the contact is in another country, how times are said
        to them; and ``me`` for them: the phone said internationally to a contact abroad, the
        default callback window with the user's zone when zones are said."""
        region, abroad, clock = _scene(*self._key, their_phone, their_zone)
        base, changes = self.base, {}
        if abroad and "phone" in base:
            changes["phone_dial"], changes["phone_spoken"], changes["phone_slow"] = \
                say_number(base["phone"], region, True)
        if clock.words and clock.mine_words and not str(self.profile.get("callback_window") or "").strip():
            changes["callback_window"] = clock.window_words(*_my_window(base))
        return clock, (Fields.of("profile", {**base, **changes}) if changes else base)


def _time_words(plan: Plan, clock: Clock) -> dict:
    """The agreed call and the due time as the message says them."""
    agreed_day = plan.agreed.date() if isinstance(plan.agreed, dt.datetime) else plan.agreed
    agreed_at = plan.agreed_time
    if agreed_day:  # the agreed call of a scheduled or missed call
        scheduled = human_date(agreed_day) + (f" at {clock.time(agreed_at)}" if agreed_at else "")
    elif plan.due:
        scheduled = human_date(plan.due) + (f" at {clock.time(plan.due_time)}" if plan.due_time else "")
    else:
        scheduled = None
    return {
        "scheduled_for": scheduled,
        "agreed_time": say_time(agreed_at, clock.style) if agreed_at else "",
        "agreed_said": clock.at(agreed_day, agreed_at) if agreed_day else "",
    }


@_speedups.remember  # a batch has few distinct days, zones and windows (the one use of this trick: 15% of batch)
def _offers(after: dt.date, clock: Clock, their_window, my_hours) -> tuple[list, str]:
    """The two call slots as templates see them (read-only: shared between messages), and
    both in one phrase."""
    slots = [Fields.of("slot", slot) for slot in call_slots(after, clock, their_window, my_hours)]
    return slots, offer_words(slots, clock)


def build_context(plan: Plan, profile: dict, contact: dict, today: dt.date,
                  sender: Sender | None = None, names: frozenset[str] | None = None) -> dict:
    """The variables every template may use (docs/templates.md lists them). ``today`` is
    the day the message is read (``compose.scriptwriter.reading_day``): every ``*_words``
    counts from it, and templates see it as ``today``. ``sender``: the :class:`Sender` of
    ``profile``, when the caller made one for many messages (a batch). ``names``: only
    these are needed (what a template reads, :func:`names_read`): the values that take
    work (the nudge's wordings, the call slots, the time and day words, the update) are
    made only when named; None: every one."""
    them = Fields.of("contact", {k: collapse(v) for k, v in contact.items() if isinstance(v, str) and v.strip()})
    update = them.pop("update", "")
    greeted = address(them.get("name"), them.get("first_name"), them.get("greeting"))
    if greeted.first_name:
        them["first_name"] = greeted.first_name
    else:
        them.pop("first_name", None)
    if sender is None:
        sender = Sender(profile)
    clock, me = sender.scene(them)
    if names is None:
        names = NAMES
    due = plan.due
    context: dict[str, Any] = {
        "me": me,
        "contact": them,
        "hello": greeted.hello,
        "dear": greeted.dear,
        "situation": str(plan.situation),  # a StrEnum's str() is its value (.value is a property in Python)
        "stage": str(plan.stage),
        "attempt": plan.attempt or 0,
        "variant": plan.variant,
    }
    if "nudge" in names:
        context["nudge"] = variation.turns(contact, plan.attempt)  # the wording each weekly-nudge slot takes
    context["due"] = due
    if "due_words" in names:
        context["due_words"] = when_words(due, today) if due else ""
    if not _TIMES.isdisjoint(names):
        context.update(_time_words(plan, clock))
    if "agreed_words" in names:
        agreed_day = plan.agreed.date() if isinstance(plan.agreed, dt.datetime) else plan.agreed
        context["agreed_words"] = when_words(agreed_day, today) if agreed_day else ""
    context["zone_words"] = clock.words
    if not _OFFERS.isdisjoint(names):
        context["call_slots"], context["call_offer"] = _offers(
            max(due or today, today), clock, them.get("call_window"), sender.base.get("call_hours"))
    context["topic"] = them.get("topic", "")
    if "update" in names:
        context["update"] = end_sentence(update) if update else ""
    context["last_contact"] = last = plan.last_contact
    if "last_contact_words" in names:
        context["last_contact_words"] = when_words(last, today)
    context["today"] = today
    return context


#: Every name :func:`build_context` gives, in its order.
NAMES = frozenset((
    "me", "contact", "hello", "dear", "situation", "stage", "attempt", "variant", "nudge", "due",
    "due_words", "scheduled_for", "agreed_time", "agreed_said", "agreed_words", "zone_words",
    "call_slots", "call_offer", "topic", "update", "last_contact", "last_contact_words", "today",
))
_TIMES = frozenset(("scheduled_for", "agreed_time", "agreed_said"))  # made together (_time_words)
_OFFERS = frozenset(("call_slots", "call_offer"))  # made together (_offers)


# -- what a template reads -------------------------------------------------------------------

#: The names compiled template code uses (Jinja 3's code generator, and ours in
#: writing/limits.py) when it reaches its context only by ``resolve("name")``, its own
#: ``{% set %}`` names and an import without context. Anything else (``get_all`` of an
#: include or an import with context, ``root_render_func`` of an extends, ``blocks``,
#: ``TemplateReference`` of ``self``, ``derived`` of a scoped block, code of a later
#: Jinja) makes :func:`names_read` answer None.
_PLAIN_CODE = frozenset((
    "resolve_or_missing", "undefined", "Undefined", "concat", "plain_concat", "markup_join", "str_join",
    "str", "isinstance", "KeyError", "TemplateRuntimeError", "internalcode", "identity", "escape", "Markup",
    "missing", "Macro", "LoopContext", "Namespace", "bounded_loop", "bounded_text", "getattr", "getitem",
    "call", "call_binop", "call_unop", "filters", "tests", "vars", "exported_vars", "add", "discard",
    "append", "extend", "update", "eval_ctx", "autoescape", "save", "revert", "get_template",
    "_get_default_module", "__name__",
))
_HELPER = re.compile(r"(?:t|template_text)_\d+")  # the module's filters, tests and template text


def names_read(template) -> frozenset[str] | None:
    """The names of :data:`NAMES` that ``template`` (a compiled Jinja template) may read:
    every one its code names (a superset: a name in a string counts too), worked out once
    for many messages, so that :func:`build_context` makes only those. None when that
    cannot be known for sure: the template hands its context on (an include, an extends,
    an import with context, ``self``, a scoped block), or its environment is not as its
    renderer made it (:func:`_closed`: a plugin's filter, test or global, a finalize, an
    extension); then every name is needed."""
    if not _closed(template.environment, template.globals):
        return None
    codes = [template.root_render_func.__code__, *(block.__code__ for block in template.blocks.values())]
    strings: set[str] = set()
    while codes:
        code = codes.pop()
        for name in code.co_names:
            if name not in _PLAIN_CODE and not _HELPER.fullmatch(name):
                return None
        for const in code.co_consts:
            if isinstance(const, str):
                strings.add(const)
            elif isinstance(const, (tuple, frozenset)):
                strings.update(item for item in const if isinstance(item, str))
            elif isinstance(const, types.CodeType):  # a macro, a call block, a loop's function
                codes.append(const)
    return NAMES.intersection(strings)


def _closed(env, globals_: Mapping) -> bool:
    """A template of ``env`` (with ``globals_``, its own globals) can reach its context only
    through code :func:`names_read` reads: ``env``'s filters, tests and globals are the ones
    its :class:`~followup_script.writing.render.Renderer` made (ours and Jinja's: none given the
    context but Jinja's own ``map``, ``select``..., which only hand it to other filters and
    tests), the template adds no global, and there is no extension or finalize. Anything a
    plugin adds (a prepare hook's filter, test or global: a function, an object, what it returns)
    could read any name: then the whole context is made."""
    import jinja2

    own = getattr(env, "own_functions", None)
    if own is None or env.extensions or env.finalize is not None or env.context_class is not jinja2.runtime.Context:
        return False
    for table, made in zip((env.filters, env.tests, globals_), own):
        if table.keys() != made.keys() or any(table[name] is not value for name, value in made.items()):
            return False
    given, jinja_own = _jinja_context_functions()
    for table in own:
        for value in table.values():
            for marked in (value, getattr(value, "__call__", None)):  # noqa: B004 (as Context.call reads them)
                if getattr(marked, "jinja_pass_arg", None) is given and all(marked is not f for f in jinja_own):
                    return False
    return NAMES.isdisjoint(globals_)


@lru_cache(maxsize=1)
def _jinja_context_functions() -> tuple:
    """What ``jinja2.pass_context`` marks a function with, and Jinja's own filters so marked."""
    import jinja2
    from jinja2.filters import FILTERS

    marker = getattr(jinja2.pass_context(lambda context: context), "jinja_pass_arg")  # noqa: B009 (set by Jinja)
    return marker, tuple(FILTERS[name] for name in ("map", "select", "reject", "selectattr", "rejectattr", "random"))


#: The context's own values made from what the user or the contact supplied (a name, a
#: greeting, a topic, a sentence of news): transformed with ``me`` and ``contact``.
SUPPLIED = ("hello", "dear", "topic", "update")


def transform_values(context: dict, transform: Callable[[str], str]) -> dict:
    """The context with every supplied string (profile, contact, and what is made of
    them: :data:`SUPPLIED`) transformed."""
    out = dict(context)
    for key in ("me", "contact"):
        fields = context[key]
        out[key] = Fields(fields.label, {k: transform(v) for k, v in fields.items()})
    for key in SUPPLIED:
        if context.get(key):
            out[key] = transform(context[key])
    return out

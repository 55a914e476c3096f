"""History and Plan are frozen dataclasses: what they promise is held here.

The parameters, the checks and their errors, equality, hash, repr, replace(), fields(),
asdict(), copying, pickling and being read-only; and the row's JSON (Plan.to_dict,
Message.to_dict) key for key and in order. (They once had hand-written __init__ methods
that set every field in one step, for about 1% of a batch; those went as not worth their
reading. These tests hold any such change to what the generated ones do.)
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import inspect
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_script.channels.base import Message
from followup_script.engine.stages import (
    AGREED_FIX,
    History,
    Outcome,
    Plan,
    Situation,
    Stage,
    _as_date,
    moment_words,
    parse_choice,
    plan,
)
from followup_script.errors import InputError


def _generated(cls):
    """The class dataclass makes from ``cls``'s fields with its own __init__ (the reference)."""
    return dataclasses.make_dataclass(
        cls.__name__, [(f.name, f.type, f) for f in (copy.copy(f) for f in dataclasses.fields(cls))], frozen=True)


@pytest.mark.parametrize("cls", [History, Plan])
def test_the_init_takes_what_the_generated_one_takes(cls):
    mine = list(inspect.signature(cls).parameters.values())
    generated = list(inspect.signature(_generated(cls)).parameters.values())
    assert [(p.name, p.kind, p.default) for p in mine] == [(p.name, p.kind, p.default) for p in generated]
    assert cls.__dataclass_params__.frozen


def test_every_argument_is_kept_in_the_instance_itself():
    given = {"last_contact": dt.date(2026, 11, 20), "outcome": Outcome.SCHEDULED, "situation": Situation.INFO,
             "scheduled_for": dt.datetime(2026, 11, 30, 9, 30), "attempts": 4}
    assert vars(History(**given)) == given
    values = [Stage.SCHEDULED_CALL, dt.date(2026, 11, 30), dt.time(9, 30), 5, 0, "why", Situation.INFO,
              dt.date(2026, 11, 20), dt.datetime(2026, 11, 30, 9, 30), dt.date(2026, 11, 21), dt.date(2026, 11, 27)]
    names = [f.name for f in dataclasses.fields(Plan)]
    assert vars(Plan(*values)) == dict(zip(names, values, strict=True))
    assert vars(Plan(**dict(zip(names, values, strict=True)))) == dict(zip(names, values, strict=True))


class _OldHistory:
    """History's checks as the generated __init__ and __post_init__ made them (before)."""

    def __init__(self, last_contact, outcome, situation=Situation.APPLICATION, scheduled_for=None, attempts=0):
        self.last_contact, self.outcome, self.situation = last_contact, outcome, situation
        self.scheduled_for, self.attempts = scheduled_for, attempts
        if type(self.outcome) is not Outcome:
            self.outcome = parse_choice(Outcome, self.outcome, "outcome")
        if type(self.situation) is not Situation:
            self.situation = parse_choice(Situation, self.situation, "situation")
        if isinstance(self.last_contact, dt.datetime):
            self.last_contact = self.last_contact.date()
        if not isinstance(self.last_contact, dt.date):
            raise InputError("is not a date", field="last_contact", value=self.last_contact, fix="use YYYY-MM-DD")
        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int):
            raise InputError("is not a whole number", field="attempts", value=self.attempts, fix="use 0 or more")
        if self.attempts < 0:
            raise InputError("is negative", field="attempts", value=self.attempts, fix="use 0 or more")
        if self.outcome is Outcome.SCHEDULED:
            if self.scheduled_for is None:
                raise InputError("is missing: outcome 'scheduled' needs the agreed time",
                                 field="scheduled_for", fix=AGREED_FIX)
            if _as_date(self.scheduled_for) < self.last_contact:
                raise InputError(f"is before the last contact {self.last_contact}", field="scheduled_for",
                                 value=moment_words(self.scheduled_for), fix="give the date you agreed on")


_days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
_moments = st.one_of(st.none(), _days, st.datetimes(min_value=dt.datetime(2000, 1, 1),
                                                    max_value=dt.datetime(2100, 12, 31)))
_choices = st.sampled_from(["no-answer", "Scheduled", " no_time ", "maybe", "", "REPLIED", "stop"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(_days, st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 12, 31)),
                 st.just("2026-11-20"), st.none()),
       st.one_of(st.sampled_from(list(Outcome)), _choices, st.just(3)),
       st.one_of(st.sampled_from(list(Situation)), st.sampled_from(["Interview", "info", "meeting"])),
       _moments, st.one_of(st.integers(-2, 30), st.booleans(), st.just("2"), st.just(1.0)))
def test_history_checks_and_keeps_what_it_did(last, outcome, situation, scheduled, attempts):
    try:
        old = _OldHistory(last, outcome, situation, scheduled, attempts)
    except InputError as exc:
        with pytest.raises(InputError) as raised:
            History(last, outcome, situation, scheduled, attempts)
        assert (raised.value.sentence(), raised.value.field) == (exc.sentence(), exc.field)
        return
    new = History(last, outcome, situation, scheduled_for=scheduled, attempts=attempts)
    assert dataclasses.astuple(new) == (old.last_contact, old.outcome, old.situation, old.scheduled_for,
                                        old.attempts)
    assert type(new.outcome) is Outcome and type(new.situation) is Situation


def _plans() -> list[Plan]:
    last, today = dt.date(2026, 11, 20), dt.date(2026, 11, 25)
    histories = [History(last, outcome) for outcome in (Outcome.NO_COMMITMENT, Outcome.NO_TIME, Outcome.NO_ANSWER,
                                                       Outcome.REPLIED, Outcome.STOP)]
    histories += [History(last, "scheduled", "interview", dt.datetime(2026, 11, 30, 14, 0)),
                  History(last, "scheduled", "info", dt.date(2026, 11, 23), 2)]
    return [plan(h, today) for h in histories]


@pytest.mark.parametrize("cls", ["History", "Plan"])
def test_they_stay_frozen_dataclasses_that_compare_hash_copy_and_pickle(cls):
    objects = ([History(dt.date(2026, 11, 20), "no-answer", "info", None, 3),
                History(dt.date(2026, 11, 20), "scheduled", scheduled_for=dt.datetime(2026, 11, 30, 9, 30))]
               if cls == "History" else _plans())
    reference = _generated(type(objects[0]))
    for obj in objects:
        values = dataclasses.asdict(obj)
        assert list(values) == [f.name for f in dataclasses.fields(obj)]
        twin = type(obj)(**values)
        assert twin == obj and hash(twin) == hash(obj) and twin is not obj
        assert repr(obj) == repr(reference(**values)).replace(reference.__qualname__, type(obj).__qualname__, 1)
        assert hash(obj) == hash(reference(**values))  # the same fields hashed, in the same order
        assert dataclasses.replace(obj) == obj
        assert copy.copy(obj) == obj and copy.deepcopy(obj) == obj
        assert pickle.loads(pickle.dumps(obj)) == obj
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.attempts = 9  # type: ignore[misc]
        first = dataclasses.fields(obj)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, first, None)
    assert len(set(objects)) == len(objects)


def test_replace_runs_historys_checks_again():
    history = History(dt.date(2026, 11, 20), "no-commitment")
    assert dataclasses.replace(history, outcome="no-answer").outcome is Outcome.NO_ANSWER
    with pytest.raises(InputError, match="negative"):
        dataclasses.replace(history, attempts=-1)
    moved = dataclasses.replace(_plans()[0], due=None, reason="moved")
    assert (moved.due, moved.reason, moved.stage) == (None, "moved", Stage.THREE_DAY_CHECK)


def _old_plan_to_dict(self: Plan) -> dict:
    return {
        "stage": self.stage.value,
        "due": self.due.isoformat() if self.due else None,
        "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
        "attempt": self.attempt,
        "overdue_days": self.overdue_days,
        "reason": self.reason,
        "situation": self.situation.value,
        "last_contact": self.last_contact.isoformat(),
        "agreed": moment_words(self.agreed) if self.agreed is not None else None,
        "confirm_on": self.confirm_on.isoformat() if self.confirm_on else None,
        "remind_on": self.remind_on.isoformat() if self.remind_on else None,
    }


def _old_message_to_dict(self: Message) -> dict:
    out = _old_plan_to_dict(self.plan)
    out.update(reason=self.reason, due_said=self.due_said, channel=self.channel, kind=self.kind,
               subject=self.subject, script=self.text, words=self.metrics.get("words"),
               estimated_seconds=self.metrics.get("estimated_seconds"), warnings=list(self.warnings))
    for key, value in self.metrics.items():
        out.setdefault(key, value)
    if self.html is not None:
        out["html"] = self.html
    return out


def test_the_rows_json_is_the_same_key_for_key_and_in_order():
    metrics = [{}, {"words": 40, "estimated_seconds": 24.8, "budget_seconds": 30, "phone_numbers": 2},
               {"segments": 2, "characters": 200, "stage": "a metric named like a plan key", "zzz": [1]}]
    for p in _plans():
        assert type(p.to_dict()["stage"]) is str and type(p.to_dict()["situation"]) is str
        assert list(p.to_dict().items()) == list(_old_plan_to_dict(p).items())
        for n, m in enumerate(metrics):
            message = Message("outbox", "email" if n else "voicemail", p, "Hi." if p.active else None,
                              {"name": "Ana"}, {"name": "Dana"}, subject="Re: x" if n else None,
                              html="<p>Hi.</p>" if n == 2 else None, metrics=dict(m), warnings=["w"] * n,
                              agreed_said="Monday 30 November 2026 at 2 pm" if n else None)
            new, old = message.to_dict(), _old_message_to_dict(message)
            assert list(new.items()) == list(old.items())
            new["warnings"].append("x")
            assert message.warnings == ["w"] * n  # a copy, as before


def test_a_dataclass_made_from_history_checks_as_history_does():
    @dataclasses.dataclass(frozen=True)
    class Tagged(History):
        tag: str = ""

    tagged = Tagged(dt.datetime(2026, 11, 20, 9, 0), "No_Answer", "info", None, 2, tag="x")
    assert (tagged.last_contact, tagged.outcome, tagged.situation, tagged.attempts, tagged.tag) == (
        dt.date(2026, 11, 20), Outcome.NO_ANSWER, Situation.INFO, 2, "x")
    with pytest.raises(InputError, match="negative"):
        Tagged(dt.date(2026, 11, 20), "no-answer", attempts=-1)

import datetime as dt

import pytest

from followup_script import History, InputError, Stage
from followup_script.engine.stages import next_business_day, plan, simulate

D = dt.date
WED = D(2026, 11, 25)


def p(last, outcome, today=WED, **kw):
    return plan(History(last, outcome, **kw), today)


def test_scheduled_is_due_at_the_agreed_time():
    result = p(D(2026, 11, 20), "scheduled", scheduled_for=dt.datetime(2026, 11, 28, 10, 30))
    assert result.stage is Stage.SCHEDULED_CALL
    assert result.due == D(2026, 11, 28)  # a Saturday, but agreed: not moved
    assert result.due_time == dt.time(10, 30)
    assert result.attempt == 1
    assert "agreed" in result.reason


def test_scheduled_without_a_time_is_an_error():
    with pytest.raises(InputError, match="needs the agreed time") as error:
        History(D(2026, 11, 20), "scheduled")
    assert error.value.field == "scheduled_for"  # the front end words it (--scheduled-for)
    assert "--" not in str(error.value)
    assert error.value.sentence("--scheduled-for").startswith("--scheduled-for is missing")


def test_scheduled_before_the_conversation_is_an_error():
    with pytest.raises(InputError, match="before the last contact"):
        History(D(2026, 11, 20), "scheduled", scheduled_for=D(2026, 11, 19))


def test_no_time_asks_the_same_day():
    result = p(D(2026, 11, 21), "no-time", today=D(2026, 11, 21))  # a Saturday
    assert result.stage is Stage.ASK_FOR_TIME
    assert result.due == D(2026, 11, 21)
    assert result.overdue_days == 0


def test_no_commitment_checks_three_days_later():
    result = p(D(2026, 11, 16), "no-commitment", today=D(2026, 11, 16))  # Monday
    assert result.stage is Stage.THREE_DAY_CHECK
    assert result.due == D(2026, 11, 19)
    assert result.attempt == 1


@pytest.mark.parametrize("last,due", [
    (D(2026, 11, 18), D(2026, 11, 23)),  # Wed + 3 = Sat -> Mon
    (D(2026, 11, 19), D(2026, 11, 23)),  # Thu + 3 = Sun -> Mon
    (D(2026, 11, 20), D(2026, 11, 23)),  # Fri + 3 = Mon
    (D(2026, 11, 17), D(2026, 11, 20)),  # Tue + 3 = Fri
])
def test_weekend_due_dates_move_to_monday(last, due):
    assert p(last, "no-commitment", today=last).due == due


def test_calendar_days_keeps_weekend_dates():
    result = plan(History(D(2026, 11, 18), "no-commitment"), D(2026, 11, 18), business_days=False)
    assert result.due == D(2026, 11, 21)


def test_weekly_nudge_after_no_answer():
    result = p(D(2026, 11, 16), "no-answer", today=D(2026, 11, 16), attempts=1)
    assert result.stage is Stage.WEEKLY_NUDGE
    assert result.due == D(2026, 11, 23)
    assert result.attempt == 2


@pytest.mark.parametrize("outcome", ["no-time", "no-commitment"])
def test_no_time_or_commitment_with_attempts_becomes_weekly(outcome):
    result = p(D(2026, 11, 16), outcome, attempts=2)
    assert result.stage is Stage.WEEKLY_NUDGE
    assert result.attempt == 3


@pytest.mark.parametrize("attempts", [1, 15, 51, 200])
def test_weekly_nudges_have_no_cap(attempts):
    result = p(D(2026, 11, 16), "no-answer", today=D(2026, 11, 16), attempts=attempts)
    assert result.stage is Stage.WEEKLY_NUDGE
    assert result.attempt == attempts + 1
    assert result.due == D(2026, 11, 23)


def test_replied_is_done_and_stop_is_stopped():
    done = p(D(2026, 11, 20), "replied")
    assert done.stage is Stage.DONE and done.due is None and not done.active
    stopped = p(D(2026, 11, 20), "stop", attempts=4)
    assert stopped.stage is Stage.STOPPED and stopped.due is None and stopped.attempt is None


def test_overdue_is_still_a_plan():
    result = p(D(2026, 11, 2), "no-commitment", today=WED)
    assert result.due == D(2026, 11, 5)
    assert result.overdue_days == 20
    assert "20 days overdue" in result.reason


def test_not_overdue_before_due():
    assert p(D(2026, 11, 24), "no-commitment").overdue_days == 0


@pytest.mark.parametrize("bad,match", [
    ({"attempts": -1}, "negative"),
    ({"attempts": "3"}, "whole number"),
    ({"situation": "party"}, "application, interview, networking, info"),
])
def test_bad_history_values(bad, match):
    with pytest.raises(InputError, match=match):
        History(D(2026, 11, 20), "no-commitment", **bad)


def test_unknown_outcome_lists_valid_ones():
    with pytest.raises(InputError, match="scheduled, no-time, no-commitment, no-answer, replied, stop"):
        History(D(2026, 11, 20), "ghosted")


def test_next_business_day():
    assert next_business_day(D(2026, 11, 28)) == D(2026, 11, 30)
    assert next_business_day(D(2026, 11, 29)) == D(2026, 11, 30)
    assert next_business_day(D(2026, 11, 30)) == D(2026, 11, 30)


def test_simulation_is_a_weekly_series():
    steps = list(simulate(History(D(2026, 11, 16), "no-commitment"), D(2026, 11, 16), weeks=8))
    assert steps[0].plan.stage is Stage.THREE_DAY_CHECK
    assert all(s.plan.stage is Stage.WEEKLY_NUDGE for s in steps[1:])
    assert [s.plan.attempt for s in steps] == list(range(1, len(steps) + 1))
    assert all(s.on == s.plan.due for s in steps)  # nothing is overdue
    gaps = {(b.on - a.on).days for a, b in zip(steps[1:], steps[2:])}
    assert gaps == {7}
    assert len(steps) == 8


def test_simulation_does_an_overdue_step_today_and_plans_on_from_today():
    # a three-day check due Monday 23 November, seen on Wednesday 25: done today, then weekly
    steps = list(simulate(History(D(2026, 11, 20), "no-commitment"), WED, weeks=3))
    assert [(s.on, s.plan.due, s.plan.overdue_days) for s in steps] == [
        (WED, D(2026, 11, 23), 2),
        (D(2026, 12, 2), D(2026, 12, 2), 0),
        (D(2026, 12, 9), D(2026, 12, 9), 0),
    ]  # 3 weeks: 3 steps (16 December is 3 weeks on, the first day after them)
    assert [s.plan.attempt for s in steps] == [1, 2, 3]


def test_simulation_without_an_end_goes_on():
    steps = simulate(History(D(2026, 11, 16), "no-answer"), D(2026, 11, 16), weeks=None)
    taken = [next(steps) for _ in range(100)]
    assert taken[-1].on == D(2026, 11, 23) + dt.timedelta(weeks=99)


def test_calendar_days_keep_the_simulated_weekend():
    # last contact Wednesday 18 November: + 3 days is a Saturday
    business = next(simulate(History(D(2026, 11, 18), "no-commitment"), D(2026, 11, 18)))
    calendar = next(simulate(History(D(2026, 11, 18), "no-commitment"), D(2026, 11, 18), business_days=False))
    assert (business.on, calendar.on) == (D(2026, 11, 23), D(2026, 11, 21))


def test_simulation_of_a_stopped_contact_is_empty():
    assert list(simulate(History(D(2026, 11, 16), "stop"), WED)) == []
    assert list(simulate(History(D(2026, 11, 16), "replied"), WED, weeks=None)) == []


def test_help_words_cover_exactly_the_enum_values():
    from followup_script.engine.stages import OUTCOME_HELP, SITUATION_HELP, Outcome, Situation

    assert list(OUTCOME_HELP) == [o.value for o in Outcome]
    assert list(SITUATION_HELP) == [s.value for s in Situation]
    assert OUTCOME_HELP[Outcome.STOP] == OUTCOME_HELP["stop"]



def test_a_date_near_the_end_of_the_calendar_plans_without_crashing():
    """A tracker file from before dates were limited may hold a touch in year 9999:
    planning and forecasting stop at the last date there is instead of overflowing."""
    import datetime as dt

    from followup_script.engine.stages import Outcome, plan, simulate

    for outcome in (Outcome.NO_ANSWER, Outcome.NO_COMMITMENT):
        history = History(dt.date(9999, 12, 29), outcome)
        found = plan(history, dt.date(2026, 11, 30))
        assert found.due == dt.date.max
        steps = list(simulate(history, dt.date(2026, 11, 30), weeks=None))
        assert [s.plan.due for s in steps] == [dt.date.max]

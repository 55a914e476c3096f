"""A plan in words: when it is due, how late, one line and one sentence."""

from __future__ import annotations

import datetime as dt

from followup_script.engine.stages import Plan, human_date, overdue_words

__all__ = ["due_words", "overdue_words", "plan_line", "plan_sentence", "status_words"]


def due_words(plan: Plan) -> str:
    """``Monday 23 November 2026``, with the agreed time when there is one (``at 10:30``);
    ``""`` for a plan with nothing due (done or stopped)."""
    if plan.due is None:
        return ""
    return human_date(plan.due) + (f" at {plan.due_time:%H:%M}" if plan.due_time else "")


def plan_line(plan: Plan | None) -> str:
    """One line for a list or a confirmation: ``three-day-check (attempt 1) on Monday 23
    November 2026, 2 days overdue``; a finished plan is its stage (``done``, ``stopped``)."""
    if plan is None:
        return "no plan: no touches logged"
    if not plan.active:
        return plan.stage.value
    late = f", {overdue_words(plan.overdue_days)}" if plan.overdue_days else ""
    return f"{plan.stage.value} (attempt {plan.attempt}) on {due_words(plan)}{late}"


def plan_sentence(plan: Plan) -> str:
    """The plan in one sentence: stage, due date and why."""
    if plan.stage.value == "stopped":
        return f"Stopped: {plan.reason}"
    if plan.stage.value == "done":
        return f"Done: {plan.reason}"
    late = f", {overdue_words(plan.overdue_days)}" if plan.overdue_days else ""
    return f"Next: {plan.stage.value} (attempt {plan.attempt}), due {due_words(plan)}{late}. Why: {plan.reason}"


def status_words(plan: Plan | None, today: dt.date, stopped: bool = False) -> str:
    """A contact's status in a few words: due today, 2 days overdue, due Wed 2 Dec, stopped."""
    if stopped or (plan is not None and plan.stage.value == "stopped"):
        return "stopped"
    if plan is None:
        return "no touches yet"
    if not plan.active:
        return "done"
    if plan.overdue_days:
        return overdue_words(plan.overdue_days)
    if plan.due == today:
        return "due today"
    assert plan.due is not None  # an active plan has a due day
    return f"due {plan.due:%a} {plan.due.day} {plan.due:%b}"

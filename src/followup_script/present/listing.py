"""The lists people read every day, as tables with headers and units: ``due``,
``contact list``, ``touch list`` and ``templates list`` (see :mod:`.table`).

Contacts, touches and template files are taken as they come (anything with the
tracker's ``name``, ``company``... attributes), so this module imports no tracker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from followup_script.engine.stages import Plan, moment_words, overdue_words
from followup_script.present.plan import status_words
from followup_script.present.table import Column, render, terminal_width

__all__ = ["due_table", "contact_table", "lateness", "template_table", "touch_table"]


def lateness(plan: Plan, today: dt.date) -> str:
    """``2 days overdue``, ``due today``, ``in 1 day``, ``in 3 days``."""
    if plan.overdue_days:
        return overdue_words(plan.overdue_days)
    ahead = (plan.due - today).days if plan.due else 0
    if ahead <= 0:
        return "due today"
    return f"in {ahead} day{'s' if ahead != 1 else ''}"


def _when(plan: Plan | None) -> str:
    if plan is None or not plan.active or plan.due is None:
        return ""
    return plan.due.isoformat() + (f" {plan.due_time:%H:%M}" if plan.due_time else "")


class _Named(Protocol):
    """A contact as a table shows it (the tracker's Contact, which present does not import)."""

    @property
    def name(self) -> str: ...
    @property
    def company(self) -> str | None: ...


class _Listed(_Named, Protocol):
    @property
    def stopped(self) -> bool: ...


def due_table(rows: Iterable[tuple], today: dt.date, width: int | None = -1) -> str:
    """``due``: who, their company, the stage, the due date and how late, most overdue first.
    A row is ``(contact, plan)``, or ``(contact, plan, task, day)`` for what an agreed call asks
    before it ("confirm the call by email", "remind them"), shown in the stage's place.
    ``width`` -1: the terminal's (see :func:`terminal_width`)."""
    columns = [Column("NAME", shrink=True, least=10), Column("COMPANY", shrink=True, optional=True),
               Column("STAGE"), Column("DUE"), Column("STATUS", least=14)]
    table = []
    for contact, plan, *task in rows:
        if task and task[0]:
            ahead = (task[1] - today).days
            table.append((contact.name, contact.company or "", task[0], task[1].isoformat(),
                          "due today" if ahead <= 0 else f"in {ahead} day{'s' if ahead != 1 else ''}"))
        else:
            table.append((contact.name, contact.company or "", plan.stage.value, _when(plan), lateness(plan, today)))
    return render(columns, table, terminal_width() if width == -1 else width)


def contact_table(rows: Iterable[tuple[_Listed, Plan | None]], today: dt.date, width: int | None = -1) -> str:
    """``contact list``: every contact, their stage, when it is due and its status."""
    columns = [Column("NAME", shrink=True, least=10), Column("COMPANY", shrink=True, optional=True),
               Column("STAGE"), Column("DUE"), Column("STATUS", least=14)]
    table = []
    for contact, plan in rows:
        stage = plan.stage.value if plan is not None else "no touches"
        status = status_words(plan, today, contact.stopped)
        snoozed = getattr(contact, "snoozed_until", None)
        if snoozed and status not in ("stopped", "done"):
            status += f", snoozed until {snoozed}"
        table.append((contact.name, contact.company or "", stage, _when(plan), status))
    return render(columns, table, terminal_width() if width == -1 else width)


def touch_table(touches: Iterable, width: int | None = -1) -> str:
    """``touch list``: each touch with the id ``touch edit`` takes."""
    columns = [Column("ID", align=">"), Column("DATE"), Column("VIA"), Column("OUTCOME"),
               Column("AGREED"), Column("NOTE", shrink=True)]
    table = [(str(t.id), str(t.at), t.via, t.outcome, moment_words(t.next_at) if t.next_at else "",
              " ".join((t.note or "").split())) for t in touches]
    return render(columns, table, terminal_width() if width == -1 else width)


def template_table(files: Iterable, width: int | None = -1) -> str:
    """``templates list``: each template file, its channels, stage, situation and origin."""
    # the name is what templates show/copy take: never cut; its stage and situation, which
    # the name also says, give way first on a narrow terminal
    columns = [Column("TEMPLATE"), Column("CHANNELS", shrink=True),
               Column("STAGE", optional=True), Column("SITUATION", optional=True), Column("ORIGIN", shrink=True)]
    table = []
    for f in files:
        origin = f.origin + (f" (overridden by {f.overridden_by})" if f.overridden_by else "")
        stage = "(partial)" if f.partial else f.stage or "-"
        table.append((f.name, ",".join(f.channels) or "-", stage,
                      (f.situation or "any") if f.stage else "-", origin))
    return render(columns, table, terminal_width() if width == -1 else width)

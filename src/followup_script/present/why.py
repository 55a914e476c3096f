"""``followup-script why`` in words: the stage, the rule, the facts and the weeks ahead."""

from __future__ import annotations

import datetime as dt

from followup_script.engine.stages import human_date, overdue_words
from followup_script.present.shell import shell_quote

__all__ = ["why_text"]


def _touch_words(touch: dict) -> str:
    words = f"{human_date(dt.date.fromisoformat(touch['at']))}, {touch['via']}, {touch['outcome']}"
    if touch.get("next"):
        words += f", agreed {touch['next'].replace('T', ' ')}"
    return words + (f" ({touch['note']})" if touch.get("note") else "")


def why_text(found: dict, today: dt.date) -> str:
    """What ``Tracker.why`` found (``contact``, ``plan``, ``rule``, ``facts``, ``weeks``,
    ``simulation``), as the lines ``followup-script why`` prints."""
    contact = found["contact"]
    current = found["plan"]
    facts = found["facts"]
    lines = [contact.label()]
    if current is None:
        lines.append("No plan yet: no touches are logged. Log the last one, e.g.")
        lines.append(f"  followup-script log {shell_quote(contact.name)} --outcome no-commitment --date {today}")
        return "\n".join(lines) + "\n"
    stage = current.stage.value + (f" (attempt {current.attempt})" if current.attempt else "")
    lines.append(f"Stage:  {stage}")
    lines.append(f"Rule:   {found['rule']}")
    lines.append(f"Why:    {current.reason}")
    lines.append("Facts:")
    stopped = facts["stopped"]
    rows = [
        ("last touch", _touch_words(facts["last_touch"]) if facts["last_touch"] else "none"),
        ("last conversation",
         _touch_words(facts["last_conversation"]) if facts["last_conversation"] else "none logged"),
        ("attempts since", str(facts["attempts_since_conversation"])),
        ("situation", facts["situation"]),
        ("stop flag", (f"set on {stopped['on']}" + (f" ({stopped['note']})" if stopped["note"] else ""))
         if stopped else "not set"),
        ("weekends", "move to Monday" if facts["business_days"] else "kept (calendar days)"),
        ("touches logged", str(facts["touches"])),
    ]
    for label, value in rows:
        lines.append(f"  {label:<18} {value}")
    weeks = found["weeks"]
    steps = found["simulation"]
    if not steps:
        lines.append(f"Next {weeks} weeks: nothing to send.")
        return "\n".join(lines) + "\n"
    lines.append(f"Next {weeks} weeks if nobody replies:")
    for number, (day, step) in enumerate(steps, 1):
        when = human_date(day)
        if step.due_time and day == step.due:
            when += f" at {step.due_time:%H:%M}"
        late = (f" (due {human_date(step.due)}, {overdue_words(step.overdue_days)}: do it today)"
                if day != step.due else "")
        lines.append(f"  {number:>2}. {when}: {step.stage.value} (attempt {step.attempt}){late}")
    return "\n".join(lines) + "\n"

"""Speed tricks (followup_script._speedups) give exactly what the plain path gives,
and what replaced the tricks that went gives exactly what they gave."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

TODAY = dt.date(2026, 11, 25)
LAST = dt.date(2026, 11, 20)
SITUATIONS = ("application", "interview", "networking", "info")
PROFILES = {
    "plain": {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana.lima@example.com",
              "callback_window": "any weekday between 9 and 5"},
    "marked": {"name": "Ana *Lima* <i>", "phone": "+1 (555) 123-4567", "email": "ana_lima@example.com"},
}
CONTACTS = {
    "plain": {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
              "email": "dana@acme.example"},
    "marked": {"name": "QfsvTOKEN0Z <b>Q</b> & \"Co\"", "company": "1. [x](y) # ---",
               "role": "C++ / C# ~dev~ |pipe| *x* _y_ `z`", "email": "dana@acme.example"},
    "accented": {"name": "Zoë Müller-Lüdenscheidt", "company": "Société Générale", "role": "Analyste"},
    "empty": {},
}
EMAIL_OUTPUT = Path(__file__).parent / "data" / "email_output.json"


def email_cases():
    """(id, history, profile, contact) for every built-in email template and variant."""
    from followup_script import History

    plans = [("scheduled-call", dict(outcome="scheduled", scheduled_for=dt.datetime(2026, 11, 27, 10, 0))),
             ("ask-for-time", dict(outcome="no-time")), ("three-day-check", dict(outcome="no-commitment"))]
    plans += [(f"weekly-nudge-{n}", dict(outcome="no-answer", attempts=n)) for n in (1, 2, 3, 4)]
    for (stage, kw), situation in ((p, s) for p in plans for s in SITUATIONS):
        history = History(LAST, situation=situation, **kw)
        for contact in CONTACTS:
            yield f"{stage}/{situation}/plain/{contact}", history, PROFILES["plain"], CONTACTS[contact]
        yield f"{stage}/{situation}/marked/plain", history, PROFILES["marked"], CONTACTS["plain"]


def email_output(writer) -> dict:
    """Subject, text and HTML of every case, as ``writer`` writes them."""
    out = {}
    for case, history, profile, contact in email_cases():
        message = writer.write("email", writer.plan(history, TODAY), contact, profile, today=TODAY)
        out[case] = {"template": message.template, "subject": message.subject, "text": message.text,
                     "html": message.html}
    return out


def test_email_subject_text_and_html_are_what_they_were(writer):
    """Captured from the token-and-shape HTML of commit 24b3d03, before it was replaced:
    every built-in email template, with plain, Markdown-laden, accented and no values."""
    expected = json.loads(EMAIL_OUTPUT.read_text(encoding="utf-8"))
    assert email_output(writer) == expected

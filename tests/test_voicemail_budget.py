"""Every weekly-nudge voicemail fits 30 s in EVERY week, not only the first eight (#15,
finding 4; verification). Each of the template's slots (opening, reason, ask, close) moves on
by one a week from a point set by the contact, so over the years a contact hears every
combination of wordings. A voicemail's time is the sum of its slots' (words at 0.4 s, digits
at 0.5 s), so the longest possible nudge is the longest wording of each slot together: that
one is rendered and timed, for each situation, with a 12-digit UK number said abroad and a
long contact name. (tests/test_phones.py checks weeks 1-8; with the wordings of 809a1f1,
weeks 14, 38 and 50 to this contact ran 30.4 s.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from followup_script import History, Outcome, Situation
from followup_script.writing.context import build_context
from followup_script.writing.phones import phone_forms
from followup_script.writing.speech import measure_speech

ME = {"name": "Ana Lima", "phone": "+44 20 7946 0958", "email": "ana@example.com"}
CONTACTS = {
    "long": {"name": "María José López García", "first_name": "María José", "company": "Compañía Grande S.A.",
             "role": "Senior Data Engineer", "phone": "+1 555 123 4567"},
    "titled": {"name": "Dr. Priya Natarajan", "company": "Compañía Grande S.A.", "role": "Senior Data Engineer",
               "phone": "+1 555 123 4567"},
}
SLOT = re.compile(r"nudge\.(\w+) % (\d+)")


@pytest.mark.parametrize("who", sorted(CONTACTS))
@pytest.mark.parametrize("situation", [s.value for s in Situation])
def test_the_longest_combination_of_weekly_nudge_wordings_fits_30_seconds(writer, situation, who):
    contact = CONTACTS[who]
    plan = writer.plan(History(dt.date(2026, 11, 16), Outcome.NO_ANSWER, Situation(situation), None, 1),
                       dt.date(2026, 11, 19))
    context = build_context(plan, ME, contact, plan.due)
    template = writer.renderer.template("voicemail", "weekly-nudge", situation)
    sizes = {slot: int(n) for slot, n in SLOT.findall(template.environment.loader.get_source(
        template.environment, template.name)[0])}
    assert {"opening", "reason", "ask", "close"} <= set(sizes), sizes
    phones = phone_forms(ME["phone"], contact["phone"])

    def seconds(choice: dict) -> tuple[float, str]:
        text = writer.renderer.render(template, {**context, "nudge": choice})
        return measure_speech(text, phones)["estimated_seconds"], text

    base = dict.fromkeys(sizes, 0)
    longest = {slot: max(range(n), key=lambda i, slot=slot: seconds({**base, slot: i})[0])
               for slot, n in sizes.items()}
    said, text = seconds(longest)
    assert "plus four four, two zero, seven nine four six, zero nine five eight" in text
    assert 20 < said <= 30, (longest, said, text)

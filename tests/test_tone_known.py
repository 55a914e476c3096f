"""The guard told some values ahead (``guard.Known``: a batch's profile, its forms worked out
once) gives exactly what it gives for all the values in one list: the same values masked in
the same order, the same verdict."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_script.writing import guard

# values as users and contacts give them: plain, one-word rule words ("Chance"), curly quotes
# and an ellipsis (a plain form too), look-alikes and hidden characters (normalised), a NUL,
# one character, nothing, a value inside another
VALUES = ["Ana Lima", "Ana", "Chance", "chance", "Final", "Urgent Care", "urgent", "ASAP", "АSAP",
          "O’Brien", "O'Brien", "Zoë", "Dana…", "A\u200bSAP", "ﬁnal", "x", "", "Dana", "Dana Reyes",
          "five five five", "a\x00b", "NASA", "Last Chance", "notice"]
GLUE = ["Hi ", "final ", "notice", ", ", "last ", "ASAP", "urgent", " ", "\n", "Thank you. ", "\x00",
        "you haven't ", "replied", "!!", "’s", "…", "Ａ"]

values = st.lists(st.sampled_from(VALUES) | st.text(alphabet="aAns’-. \x00Ё", max_size=5), max_size=6)


def _asked(monkeypatch, text, data, known=None):
    """The verdict, and every masked text the guard asked a verdict about."""
    asked: list[str] = []
    verdict = guard._verdict
    monkeypatch.setattr(guard, "_check_masked", lambda masked: asked.append(masked) or verdict(masked))
    return guard.check(text, data, known), asked


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values, values, st.lists(st.sampled_from(GLUE + VALUES), max_size=14), st.randoms(use_true_random=False))
def test_known_values_give_what_one_list_gives(monkeypatch, data, profile, glue, rnd):
    pieces = glue + data + profile
    rnd.shuffle(pieces)
    text = "".join(pieces)
    known = guard.Known(profile)
    assert _asked(monkeypatch, text, data, known) == _asked(monkeypatch, text, [*data, *profile])
    assert known.values == profile
    if "\x00" not in text:  # the values masked, in their order: the contact's and the profile's merged
        forms = guard._forms(data) | known.forms
        assert guard._ordered(forms) == guard._values([*data, *profile], text)
        assert guard._risky(forms) == guard._risky(guard._values([*data, *profile], text))


def test_a_value_the_rules_spell_is_judged_alike_when_known(monkeypatch):
    """A profile named Chance: "Last Chance" in the template's words is refused, the name alone
    is not, whether the profile's values come known or in the list."""
    known = guard.Known(["Chance"])
    for text, rule in [("This is your Last Chance. Thank you.", "pressure"), ("Hi, Chance here. Thank you.", None)]:
        found = guard.check(text, ["Dana"], known)
        assert found == guard.check(text, ["Dana", "Chance"])
        assert [v.rule for v in found] == ([rule] if rule else [])


def test_a_batch_guards_with_the_profile_known_as_a_message_alone_is_guarded(writer):
    """Every row of a prepared writer gets the warnings a guard reading all its values in one
    list gives (allow_tone: the problems are kept as warnings, not raised)."""
    from followup_script import History

    writer.allow_tone = True
    today = dt.date(2026, 11, 25)
    plan = writer.plan(History(dt.date(2026, 11, 20), "no-commitment"), today)
    profile = {"name": "Chance Urgent", "phone": "+1 555 123 4567", "email": "ana@example.com"}
    prepared = writer.prepare("voicemail", profile, today)
    for contact in ({"name": "Dana Reyes", "company": "ASAP Labs", "role": "Final Notice Analyst"},
                    {"name": "Zoë O’Brien", "company": "Last Chance", "role": "urgent care"},
                    {"name": "Chance", "company": "NASA"}):
        message = prepared.write(plan, contact)
        warned = list(message.warnings)
        message.warnings.clear()
        writer.guard(message)  # message.data_values(): one list
        assert message.warnings == [w for w in warned if w.startswith("courtesy guard")]

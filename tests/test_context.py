"""The template context and its documentation (docs/templates.md, the variables table)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from followup_script import History, Outcome, Situation
from followup_script.engine.stages import plan
from followup_script.writing.context import build_context

TABLE = (Path(__file__).parent.parent / "docs" / "templates.md").read_text(encoding="utf-8")


def test_every_variable_a_template_gets_is_in_the_table():
    history = History(dt.date(2026, 11, 26), Outcome.SCHEDULED, Situation.INFO, dt.datetime(2026, 11, 30, 15, 0))
    context = build_context(plan(history, dt.date(2026, 11, 26)),
                            {"name": "Ana Lima", "phone": "+44 20 7946 0958", "email": "a@example.com",
                             "timezone": "Europe/London"},
                            {"name": "Dr. Priya Natarajan", "company": "Initech", "role": "Data Engineer",
                             "phone": "+1 555 123 4567", "email": "p@example.com", "timezone": "America/Chicago",
                             "call_window": "09:30-11:00", "topic": "the salary range", "greeting": "Dear Dr. N,",
                             "update": "I finished a course"},
                            dt.date(2026, 11, 26))
    documented = set(re.findall(r"^\| `([a-z_.]+)`", TABLE, re.M)) | {
        name for row in re.findall(r"^\| (`[^|]*`) \|", TABLE, re.M) for name in re.findall(r"`([a-z_.]+)`", row)}
    names = {k for k in context if k not in ("me", "contact")}
    names |= {f"me.{k}" for k in context["me"]} | {f"contact.{k}" for k in context["contact"]}
    assert names - documented == set()
    assert context["update"] == "I finished a course." and context["topic"] == "the salary range"
    assert context["hello"] == context["dear"] == "Dear Dr. N"
    assert context["me"]["phone_spoken"].startswith("plus four four, two zero")
    assert [slot["day"] for slot in context["call_slots"]] == ["Tuesday", "Wednesday"]


def test_articles_and_sentence_ends_are_filters_every_template_has(tmp_path):
    """Finding 10: "a interview", "a email", "Compañía Grande S.A.." were the template's words."""
    from followup_script.writing.render import Renderer

    (tmp_path / "voicemail").mkdir()
    (tmp_path / "voicemail" / "three-day-check.txt.j2").write_text(
        'After {{ "interview"|a_an }} and {{ "email"|a_an }}, not {{ "user"|a_an }}: '
        "I wrote to {{ contact.company|sentence }} Then to {{ contact.role|sentence }} Done.\n", encoding="utf-8")
    renderer = Renderer(user_dir=tmp_path)
    history = History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT, Situation.APPLICATION)
    context = build_context(plan(history, dt.date(2026, 11, 23)), {"name": "Ana"},
                            {"company": "Compañía Grande S.A.", "role": "Data Engineer"}, dt.date(2026, 11, 23))
    text = renderer.render(renderer.template("voicemail", "three-day-check", "application"), context)
    assert text == ("After an interview and an email, not a user: I wrote to Compañía Grande S.A. "
                    "Then to Data Engineer. Done.\n")


def test_the_users_update_sentence_is_held_to_the_courtesy_guard(tmp_path, config, builtin_plugins):
    from followup_script.compose.scriptwriter import Scriptwriter
    from followup_script.errors import ToneError

    folder = tmp_path / "templates" / "voicemail"
    folder.mkdir(parents=True)
    (folder / "weekly-nudge.txt.j2").write_text(
        "Hi, it's {{ me.name }} at {{ me.phone_spoken }}. {{ update }} Thank you so much.\n")
    writer = Scriptwriter(config, builtin_plugins, templates_dir=tmp_path / "templates")
    nudge = writer.plan(History(dt.date(2026, 11, 16), Outcome.NO_ANSWER, Situation.APPLICATION, None, 1),
                        dt.date(2026, 11, 23))
    kind = writer.write("voicemail", nudge, {"name": "Dana", "update": "I just shipped a new data pipeline"},
                        today=dt.date(2026, 11, 23))
    assert "I just shipped a new data pipeline. Thank you" in kind.text
    with pytest.raises(ToneError, match="ASAP"):
        writer.write("voicemail", nudge, {"name": "Dana", "update": "Please call me back ASAP"},
                     today=dt.date(2026, 11, 23))


def test_what_is_made_of_supplied_values_is_transformed_with_them():
    from followup_script.writing.context import transform_values

    history = History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT, Situation.INFO)
    context = build_context(plan(history, dt.date(2026, 11, 23)), {"name": "Ana"},
                            {"name": "Dr. <b>Lee</b>", "topic": "the *range*", "update": "I built a `tool`"},
                            dt.date(2026, 11, 23))
    shouted = transform_values(context, str.upper)
    assert (shouted["hello"], shouted["dear"]) == ("HI DR. <B>LEE</B>", "DEAR DR. <B>LEE</B>")
    assert (shouted["topic"], shouted["update"]) == ("THE *RANGE*", "I BUILT A `TOOL`.")
    assert shouted["contact"]["name"] == "DR. <B>LEE</B>" and shouted["call_offer"] == context["call_offer"]

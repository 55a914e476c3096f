"""Forgiving names (issue 14, problem 9): case, accents, apostrophe style, punctuation
and spaces aside, on the command line (``Tracker.find``), in import files and in the wizard."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from followup_script import Scriptwriter
from followup_script.errors import InputError
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager
from followup_script.tracker.names import closest, compact, fold, pick
from followup_script.tracker.service import Tracker
from followup_script.wizard import flow, questions
from followup_script.wizard.flow import Wizard
from tests.conftest import ok, one_error_line

from .conftest import PROFILE

T = ("--today", "2026-11-25")
TODAY = dt.date(2026, 11, 25)
ZOE = "Zoë O'Brien"
ENTER = "\r"




# -- the problem --------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["zoe", "obrien", "O’Brien", "O`Brien", "Oʼbrien", "zoe obrien",
                                   "ZOE O BRIEN", "Zoe O'Brien", " Zoë  O’Brien "])
def test_problem_9_names_are_found_whatever_the_case_accents_and_apostrophes(cli, typed):
    """`log zoe`, `log obrien`, `log "O’Brien"` all find "Zoë O'Brien", and nothing is
    added as a duplicate."""
    ok(cli, "contact", "add", ZOE, "--company", "Acme")
    done = ok(cli, "log", typed, "--outcome", "no-commitment", "--date", "2026-11-20", *T)
    assert done.stdout.startswith("logged Friday 20 November 2026: call, no-commitment with Zoë O'Brien (Acme)")
    listed = [json.loads(line)["name"] for line in ok(cli, "contact", "list", "--json", *T).stdout.splitlines()]
    assert listed == [ZOE]


def test_problem_9_no_match_suggests_the_closest_name_before_contact_add(cli):
    ok(cli, "contact", "add", ZOE)
    ok(cli, "contact", "add", "Sam Lee")
    line = one_error_line(cli("log", "zoey obrian", "--outcome", "no-answer", *T))
    assert line == ("followup-script: error: no contact matches 'zoey obrian'; did you mean Zoë O'Brien? If not, "
                    "see followup-script contact list, or add one with followup-script contact add 'zoey obrian'")
    assert "did you mean" not in one_error_line(cli("log", "Priya", "--outcome", "no-answer", *T))


# -- the command line and the library ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["o'brien", "zoë", "Zoë O'Brien"])
def test_the_name_as_it_is_written_still_finds_it(tracker, typed):
    tracker.add_contact({"name": ZOE})
    assert tracker.find(typed).name == ZOE


def test_several_partial_matches_are_listed_in_one_line(cli):
    for name in ("Sam Lee", "Sam Ortiz", "Samira Khan"):
        ok(cli, "contact", "add", name)
    line = one_error_line(cli("why", "sam", *T))
    assert line == ("followup-script: error: 'sam' matches 3 contacts: Sam Lee; Sam Ortiz; Samira Khan; "
                    "give more of the name")


@pytest.fixture
def tracker(tmp_path):
    with Tracker.open(tmp_path / "tracker.sqlite3") as opened:
        yield opened


def test_an_exact_match_wins_over_partial_ones(tracker):
    for name in ("Zoë Lee", "Zoe Leeds", "Ann Lee", "Ann Leeds"):
        tracker.add_contact({"name": name})
    assert tracker.find("ann lee").name == "Ann Lee"  # the same name, case aside
    assert tracker.find("zoe lee").name == "Zoë Lee"  # the same name, accents aside
    assert tracker.find("zoelee").name == "Zoë Lee"  # ... and spaces
    assert tracker.find("zoe leeds").name == "Zoe Leeds"
    with pytest.raises(InputError, match="'lee' matches 4 contacts"):
        tracker.find("lee")


def test_the_same_name_but_for_accents_is_not_added_twice(cli, tracker):
    ok(cli, "contact", "add", ZOE)
    line = one_error_line(cli("contact", "add", "Zoe OBrien"))
    assert line == ("followup-script: error: 'Zoe OBrien' is the name of \"Zoë O'Brien\" but for case, accents or "
                    "punctuation; edit that contact (followup-script contact edit \"Zoë O'Brien\") or use a fuller name")
    ok(cli, "contact", "add", "Sam Lee")
    assert "already exists; pick another name" in one_error_line(cli("contact", "edit", "sam", "--rename", "ZOE O'BRIEN"))
    ok(cli, "contact", "add", "Zoe O Brien")  # a different name (one more word), so another contact


def test_renaming_keeps_the_folded_name_in_step(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.edit_contact("dana", {"name": "Dána Réyes-Ortiz"})
    assert tracker.find("reyes ortiz").name == "Dána Réyes-Ortiz"
    assert tracker.find("dana reyes").name == "Dána Réyes-Ortiz"  # a part of the new name
    with pytest.raises(InputError, match="no contact matches 'dana reyez'; did you mean Dána Réyes-Ortiz?"):
        tracker.find("dana reyez")


def test_an_import_matches_a_contact_by_its_folded_name(cli, tmp_path):
    ok(cli, "contact", "add", ZOE, "--company", "Acme")
    path = tmp_path / "people.csv"
    path.write_text("name,role,date,outcome\nZoe OBrien,Analyst,2026-11-20,no-commitment\n", encoding="utf-8")
    assert "update contact Zoë O'Brien: role None -> 'Analyst'" in ok(cli, "import", path, *T).stdout
    [row] = [json.loads(line) for line in ok(cli, "contact", "list", "--json", *T).stdout.splitlines()]
    assert (row["name"], row["role"], row["touches"]) == (ZOE, "Analyst", 1)


def test_empty_or_punctuation_only_names(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    with pytest.raises(InputError, match="the contact's name is empty"):
        tracker.find("  ")
    with pytest.raises(InputError, match="no contact matches \"'\"; see followup-script contact list"):
        tracker.find("'")


def test_a_file_of_the_previous_schema_gets_folded_names(tmp_path):
    """A version-2 tracker file (before name_fold and snoozes) is migrated in place: the names
    it holds are found the forgiving way, and nobody is snoozed."""
    from followup_script.tracker.database import MIGRATIONS

    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:2]:
        step(conn)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO contacts (uid, name, name_key, created_at, updated_at) "
                 "VALUES ('u-1', ?, ?, 'x', 'x')", (ZOE, ZOE.casefold()))
    conn.execute("INSERT INTO touches (uid, contact_id, at, via, outcome, created_at) "
                 "VALUES ('t-1', 1, '2026-11-20', 'call', 'no-commitment', 'x')")
    conn.close()
    with Tracker.open(path) as tracker:
        zoe = tracker.find("obrien")
        assert (zoe.name, zoe.name_fold, zoe.snoozed_until) == (ZOE, "zoe obrien", None)
        assert tracker.plan_for(zoe, TODAY).due == dt.date(2026, 11, 23)
        snoozed = tracker.snooze("zoe", dt.date(2026, 12, 14), "on leave", today=TODAY)
        assert tracker.plan_for(snoozed, TODAY).due == dt.date(2026, 12, 14)


def test_finding_a_name_among_many_stays_quick(tracker):
    with tracker.store.write():
        for n in range(3000):
            tracker.store.add_contact({"name": f"Person Number {n:04d}"})
    tracker.add_contact({"name": ZOE})
    start = time.perf_counter()
    for _ in range(10):
        assert tracker.find("obrien").name == ZOE
    assert time.perf_counter() - start < 1.0


# -- fold, pick, closest ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, folded", [
    (ZOE, "zoe obrien"), ("O’Brien", "obrien"), ("Jean-Luc  Picard", "jean luc picard"),
    ("Søren Kierkegaard", "soren kierkegaard"), ("Straße", "strasse"), ("Ægir Łukasz", "aegir lukasz"),
    ("Ｚｏｅ", "zoe"), ("José María", "jose maria"), ("   ", ""), ("Dr. A. Smith", "dr a smith"),
])
def test_fold(name, folded):
    assert fold(name) == folded


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_ignores_case_and_apostrophe_style(text):
    assert fold(fold(text)) == fold(text)
    assert fold(text.replace("'", "’")) == fold(text.replace("’", "'"))
    assert compact(fold(text)) == compact(fold(" ".join(text.split())))


def test_pick_and_closest():
    class C:
        def __init__(self, name):
            self.name, self.name_fold = name, fold(name)

    zoe, zoe2, lee = C(ZOE), C("Zoe O'Briens"), C("Lee Park")
    assert pick("zoe obrien", [zoe, zoe2]).one is zoe
    assert pick("zoe", [zoe]).one is zoe
    assert pick("zoe", [zoe, zoe2]).several == [zoe, zoe2]
    names = [(c.name, c.name_fold) for c in (zoe, lee)]
    assert closest("zoey", names) == [ZOE]
    assert closest("park lee", names) == ["Lee Park"]
    assert closest("xyz", names) == []


# -- the wizard -------------------------------------------------------------------------------------


def test_which_contact_offers_the_matches_first_and_never_adds_by_default():
    q = questions.which_contact("zoe", [(ZOE, "due today"), ("Zoe Park", "stopped")])
    assert q.kind == "select" and q.default == ZOE
    assert q.values() == [ZOE, "Zoe Park", questions.ADD_NEW, questions.RETYPE]
    assert q.titles()[:3] == [f"{ZOE} (due today)", "Zoe Park (stopped)", "No: add zoe as a new contact"]
    assert "matches these tracked contacts" in q.message
    near = questions.which_contact("zoey", [(ZOE, "due today")], exact=False)
    assert near.default == ZOE and "Did you mean" in near.message


def drive(session, *keys):
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            return session.run()


def wizard_over(tmp_path):
    db = tmp_path / "t.sqlite3"
    with Tracker.open(db) as tracker:
        tracker.add_contact({"name": ZOE, "company": "Acme"})
        tracker.log(ZOE, "no-commitment", at=dt.date(2026, 11, 20), today=TODAY)
        tracker.stop(ZOE, dt.date(2026, 11, 21), "asked by email")  # the flow ends soon after the pick
    writer = Scriptwriter(Config(tmp_path / "c.toml", {"profile": dict(PROFILE)}),
                          build_plugin_manager(load_entrypoints=False))
    asked = []

    def ask(question):
        asked.append(question)
        return flow.ask(question)

    return Wizard(writer, TODAY, db, ask=ask, clipboard=None), db, asked


@pytest.mark.parametrize("typed", ["zoe", "obrien", "zoey"])
def test_problem_9_the_wizard_offers_the_tracked_contact_not_a_new_one(tmp_path, capsys, typed):
    """A partial (or near) name is offered as the tracked contact, first and by default:
    Enter picks her, and no duplicate is added."""
    session, db, asked = wizard_over(tmp_path)
    code = drive(session, typed, ENTER, ENTER, "q", ENTER)
    assert code == 0
    out = capsys.readouterr().out
    assert f"{ZOE} (Acme) is stopped" in out
    offered = asked[1]
    assert offered.default == ZOE and offered.values()[0] == ZOE and questions.ADD_NEW in offered.values()
    assert not [q for q in asked if q.kind == "confirm"]  # never "Add them as a new contact?"
    with Tracker.open(db) as tracker:
        assert [c.name for c in tracker.contacts()] == [ZOE]


def test_the_same_name_but_for_accents_is_picked_without_asking(tmp_path, capsys):
    session, db, asked = wizard_over(tmp_path)
    assert drive(session, "zoe o'brien", ENTER, "q", ENTER) == 0
    assert f"{ZOE} (Acme) is stopped" in capsys.readouterr().out
    assert [q.kind for q in asked] == ["autocomplete", "select"]  # the name, then "what now?"


def test_a_name_like_none_is_added_by_default(tmp_path):
    session, db, asked = wizard_over(tmp_path)
    code = drive(session, "Priya Nair", ENTER, ENTER,  # yes, add her
                 ENTER, ENTER, "a", ENTER, ENTER, ENTER, "r", ENTER, "y", ENTER, "q", ENTER, ENTER)
    assert code == 0
    assert asked[1].kind == "confirm" and asked[1].default is True
    with Tracker.open(db) as tracker:
        assert {c.name for c in tracker.contacts()} == {"Priya Nair", ZOE}


def test_the_wizard_adds_a_new_contact_when_asked(tmp_path, capsys):
    session, db, _ = wizard_over(tmp_path)
    code = drive(session, "zoe", ENTER, "a", ENTER,  # no: add "zoe" as a new contact
                 ENTER, ENTER, "a", ENTER, ENTER, ENTER,  # no company, no role, an application, no email/phone
                 "r", ENTER, "y", ENTER, "q", ENTER, ENTER)  # they replied on today, keep it
    assert code == 0
    with Tracker.open(db) as tracker:
        assert {c.name for c in tracker.contacts()} == {"zoe", ZOE}

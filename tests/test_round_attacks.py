"""Attacks on this round's speed changes (the root --help text kept, the writer prepared once,
the guard's profile values known ahead, the HTML the guard skips, sync reading less): each
test here failed before its fix."""

from __future__ import annotations

import datetime as dt
import os

import pytest

import followup_script
from followup_script import Channel, History, Scriptwriter
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

from .conftest import PROFILE, TODAY


def _broken_plugin(site):
    """An installed distribution whose followup_script entry point cannot load."""
    info = site / "broken_probe-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-probe\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[followup_script]\nbroken = no_such_module_probe\n")


def test_a_kept_root_help_never_hides_a_plugin_problem(cli, tmp_path, monkeypatch):
    """Every --help reports a broken plugin, the second and third too (the kept root text
    answered them without loading the plugins: the problem was said once, then never)."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("FOLLOWUP_SCRIPT_LOAD_PLUGINS")
    assert cli("--help").stderr == ""  # the listing and the text kept, no plugin installed
    before = site.stat()
    _broken_plugin(site)  # installed since: the listing's key changes (its folder's mtime)
    os.utime(site, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))  # (even on a coarse clock)
    for _ in range(3):
        ran = cli("--help")
        assert ran.returncode == 0
        assert "plugin 'broken-probe'" in ran.stderr and "no_such_module_probe" in ran.stderr


def test_an_inbox_plugin_can_copy_and_pickle_the_watch_it_is_handed():
    """Watch stopped being a dataclass (its numbers made on first read): copy, deepcopy and
    pickle raised FrozenInstanceError, where the frozen dataclass of 2dc6736 copied."""
    import copy
    import pickle

    from followup_script.inbox import Watch

    asked = []

    def numbers():
        asked.append(1)
        return ["+15551234567"]

    for phones in (frozenset({"+15551234567"}), numbers):
        watch = Watch(addresses={"dana@acme.example"}, phones=phones, message_ids={"<a@b>"}, extra={"k": [1]})
        for made in (copy.copy(watch), copy.deepcopy(watch), pickle.loads(pickle.dumps(watch))):
            assert made == watch and made.phones == frozenset({"+15551234567"})
            assert made.addresses == frozenset({"dana@acme.example"}) and made.extra == {"k": [1]}
    assert asked == [1], "the numbers are still made once"


def test_a_jsonl_row_whose_via_is_true_or_a_number_is_that_rows_error(cli, tmp_path):
    """"via": true (or 1.5, [1]) ended the whole batch with an internal error (check_via read
    it as a string: AttributeError), the rows after it unwritten. Now it is that row's error;
    a falsy one (0, false) still means nothing given, as before."""
    import json

    path = tmp_path / "rows.jsonl"
    rows = [{"name": "Dana Reyes", "last_contact": "2026-11-20", "via": via} for via in (0, True, 1.5, [1], "email")]
    path.write_text("\n".join(map(json.dumps, rows)) + "\n")
    result = cli("--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "batch", path, "--today", "2026-11-25")
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 2  # via 0 (a call) and via email
    for line, shown in [(2, "'True'"), (3, "'1.5'"), (4, "'[1]'")]:
        assert f"line {line}: via {shown} is not known" in result.stderr


@pytest.mark.parametrize("name", [
    "А\u200bSAP Lee",  # a zero-width space (the guard's look-alike attack, in a name)
    "Lee\u200f Park", "Zoë\ufeff Kim",  # other invisible characters
    "😀Dana Reyes",  # not a letter
    "Dana and Lee", "Dana of Acme", "Dana the Great", "Ana e Silva Costa",  # nameparser's conjunctions, not first
])
def test_a_name_is_greeted_alike_with_the_speed_tricks_on_and_off(name, monkeypatch):
    """The greeting's speed trick (a plain name's first word, without nameparser) said
    "Hi А\u200bSAP" where nameparser says "Hi А", "Dana" for "Dana and Lee": a script that
    changed with FOLLOWUP_SCRIPT_NO_SPEEDUPS=1."""
    from followup_script import _speedups
    from followup_script.writing import people

    greet = people.name_to_greet.__wrapped__  # (the lru_cache would answer the second call)
    monkeypatch.setattr(_speedups, "enabled", lambda: False)
    plain = greet(name)
    monkeypatch.setattr(_speedups, "enabled", lambda: True)
    assert greet(name) == plain
    assert greet("Dana Reyes") == "Dana" and greet("Jean-Luc Picard") == "Jean-Luc"


class Tagger:
    """A channel whose finish adds to a list and a table of its settings."""

    @followup_script.hookimpl
    def register_channels(self, register):
        def finish(message, job):
            message.metrics["tags"] = list(job.settings["tags"])
            job.settings["tags"].append(message.contact["name"])
            job.settings["seen"]["count"] = job.settings["seen"].get("count", 0) + 1
            message.metrics["seen"] = job.settings["seen"]["count"]

        register(Channel(name="tagger", description="adds to its settings", kind="voicemail", finish=finish))


def test_what_a_finish_adds_to_a_list_in_its_settings_stays_with_its_own_message(tmp_path):
    """The settings were one dict copied per message: a list or a table in them was shared,
    so a batch's second row saw what the first row's finish added (and so did the config)."""
    config = Config(tmp_path / "config.toml", {"profile": dict(PROFILE), "tagger": {"tags": ["a"], "seen": {}}})
    writer = Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=[Tagger()]))
    plan = writer.plan(History(dt.date(2026, 11, 20), "no-commitment"), TODAY)
    prepared = writer.prepare("tagger", today=TODAY)
    written = [prepared.write(plan, {"name": name}) for name in ("Dana Reyes", "Lee Park")]
    written.append(writer.write("tagger", plan, {"name": "Sam Ortiz"}, today=TODAY))
    assert [m.metrics["tags"] for m in written] == [["a"]] * 3
    assert [m.metrics["seen"] for m in written] == [1, 1, 1]
    assert config.data["tagger"] == {"tags": ["a"], "seen": {}}

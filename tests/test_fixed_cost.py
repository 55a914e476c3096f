"""What every batch pays once (#13, its fixed cost): a module or a look-up a run does not
use is not made, and what is made instead says exactly what the old way said."""

from __future__ import annotations

import ast
import csv
import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from followup_script.engine import zones
from followup_script.input import columns

#: Loaded by a voicemail batch before (about 1 ms each, or more), used by none of its steps.
NOT_FOR_A_BATCH = ("difflib", "importlib.resources", "tzdata", "followup_script_sms.delivery",
                   "followup_script_gmail.drafts", "followup_script_gmail.login")

PROBE = (
    "import sys\n"
    "from followup_script.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(repr([code, sorted(m for m in {names!r} if m in sys.modules)]), file=sys.stderr)\n"
)


def test_a_batch_with_the_first_party_plugins_loads_only_what_it_uses(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("name,company,role,email,last_contact,outcome\n"
                    "Dana Reyes,Acme,Data Engineer,dana@example.com,2026-11-20,no-commitment\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_SCRIPT_")}
    env.update(FOLLOWUP_SCRIPT_LOAD_PLUGINS="followup-script-gmail,followup-script-sms",
               FOLLOWUP_SCRIPT_CONFIG=str(tmp_path / "none.toml"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               HOME=str(tmp_path))
    for _ in range(2):  # the first run keeps the entry points (importlib.metadata loads then)
        done = subprocess.run(
            [sys.executable, "-c", PROBE.format(names=NOT_FOR_A_BATCH), "--from-name", "Ana Lima",
             "--from-phone", "+1 555 123 4567", "batch", "--today", "2026-11-25", str(rows)],
            capture_output=True, text=True, env=env, timeout=60)
    code, loaded = ast.literal_eval(done.stderr.strip().splitlines()[-1])
    assert code == 0 and 'Hi Dana' in done.stdout, done.stderr
    assert loaded == []


def test_the_plugins_channels_are_ready_or_say_why_through_their_light_wrappers(tmp_path, monkeypatch):
    """The gmail and sms channels deliver and check their settings through functions of the
    package (their modules load on use), which say what the modules' own functions say."""
    import followup_script_gmail
    import followup_script_sms
    from followup_script_gmail import drafts, login
    from followup_script_sms import delivery

    from followup_script.input.config import Config
    from followup_script.plugins.manager import build_plugin_manager

    channels = build_plugin_manager(load_entrypoints=False, extra=[followup_script_sms, followup_script_gmail]).channels
    assert channels["sms"].ready is followup_script_sms.ready and channels["sms"].deliver is followup_script_sms.deliver
    assert channels["gmail"].ready is followup_script_gmail.ready
    assert list(channels["gmail"].options) == list(login.OPTIONS) and list(channels["sms"].options) == list(delivery.OPTIONS)
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    bare = Config(tmp_path / "c.toml", {})
    for wrapper, real in ((followup_script_sms.ready, delivery.ready), (followup_script_gmail.ready, drafts.ready)):
        said = []
        for check in (wrapper, real):
            try:
                said.append(("returned", check(bare)))
            except Exception as exc:  # noqa: BLE001 - what each raises is compared
                said.append((type(exc), str(exc)))
        assert said[0] == said[1] and said[0][1]
    assert followup_script_sms.OPTIONS is delivery.OPTIONS and delivery.DEFAULT_REGION == "US"


def test_a_system_zone_tab_is_read_without_tzdata(tmp_path, monkeypatch):
    import importlib.resources
    import zoneinfo

    (tmp_path / "zone.tab").write_text("# a comment\nGB\t+513030-0000731\tEurope/London\n"
                                       "US\t+404251-0740023\tAmerica/New_York\tEastern\n"
                                       "US\t+415100-0873900\tAmerica/Chicago\tCentral\n", encoding="utf-8")

    def refused(*_args):
        raise AssertionError("tzdata was looked at though the system has a zone.tab")

    monkeypatch.setattr(importlib.resources, "files", refused)
    monkeypatch.setattr(zoneinfo, "TZPATH", (str(tmp_path / "missing"), str(tmp_path)))
    zones._zone_countries.cache_clear()
    zones._zones_by_country.cache_clear()
    try:
        assert zones._zone_countries() == {"Europe/London": "GB", "America/New_York": "US",
                                           "America/Chicago": "US"}
        assert zones.only_zone("GB") == "Europe/London" and zones.only_zone("US") is None
    finally:
        zones._zone_countries.cache_clear()
        zones._zones_by_country.cache_clear()


def test_without_a_system_zone_tab_tzdata_s_is_read(tmp_path, monkeypatch):
    import zoneinfo

    pytest_tzdata = __import__("pytest").importorskip("tzdata")
    from importlib.resources import files

    expected = {}
    for line in (files(pytest_tzdata.__name__ + ".zoneinfo") / "zone.tab").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line and not line.startswith("#") and len(parts) >= 3:
            expected[parts[2]] = parts[0]
    monkeypatch.setattr(zoneinfo, "TZPATH", (str(tmp_path),))  # no zone.tab there
    zones._zone_countries.cache_clear()
    try:
        assert zones._zone_countries() == expected and expected["Europe/London"] == "GB"
    finally:
        zones._zone_countries.cache_clear()


def sniffed_the_old_way(sample: list[str]) -> str:
    """``columns.sniff`` as it was: the Sniffer asked first, whatever the header holds."""
    header = sample[0] if sample else ""
    try:
        found = csv.Sniffer().sniff("".join(sample)[:columns._SAMPLE_CHARS], delimiters=columns._SEPARATORS).delimiter
    except csv.Error:
        found = None
    if found and found in header:
        return found
    counts = {sep: header.count(sep) for sep in columns._SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


LINES = st.lists(st.text(alphabet=',;\t" ab1:\'', max_size=24).map(lambda line: line + "\r\n"), max_size=6)


@settings(max_examples=400, deadline=None)
@given(LINES)
def test_the_separator_is_the_one_the_sniffer_would_have_chosen(sample):
    assert columns.sniff(sample) == sniffed_the_old_way(sample)


def test_a_header_of_one_separator_is_not_sniffed(monkeypatch):
    def refused(*_args, **_kwargs):
        raise AssertionError("the Sniffer was asked about a header that holds one separator")

    monkeypatch.setattr(csv, "Sniffer", refused)
    assert columns.sniff(["name;company\r\n", "Dana, Reyes;Acme\r\n"]) == ";"
    assert columns.sniff(["name\r\n", "Dana\r\n"]) == "," and columns.sniff([]) == ","
    assert columns.sniff(["name\tcompany\n"]) == "\t"


def test_registering_a_plugin_refuses_a_wrapper_and_leaves_no_trace():
    from followup_script import hookimpl
    from followup_script.plugins import hookspecs
    from followup_script.plugins.manager import PluginManager, WrapperRefused

    class Plain:
        @hookimpl
        def register_channels(self, register):
            pass

    class Wraps:
        @hookimpl(wrapper=True)
        def register_channels(self, register):
            yield

    pm = PluginManager("followup_script")
    pm.add_hookspecs(hookspecs)
    pm.register(Plain(), name="plain")
    assert pm.get_plugin("plain") is not None
    assert [impl.plugin_name for impl in pm.hook.register_channels.get_hookimpls()] == ["plain"]
    try:
        pm.register(Wraps(), name="wraps")
    except WrapperRefused as exc:
        assert exc.hook == "register_channels"
    else:
        raise AssertionError("a wrapper on a hook called per plugin was registered")
    assert pm.get_plugin("wraps") is None


CONSOLE = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print(repr([gc.isenabled(), gc.get_freeze_count()]), file=sys.stderr))\n"
    "sys.argv = ['followup-script', *sys.argv[1:]]\n"
    "from followup_script.cli import run\n"
    "run()\n"
)

# python -m followup_script: whether the command's modules were imported when the collector was held
MODULE = (
    "import atexit, gc, sys\n"
    "from followup_script import _speedups\n"
    "held, hold = [], _speedups.hold_collector\n"
    "_speedups.hold_collector = lambda: held.append('followup_script.cli.app' in sys.modules) or hold()\n"
    "atexit.register(lambda: print(repr([gc.isenabled(), gc.get_freeze_count(), held]), file=sys.stderr))\n"
    "sys.argv = ['followup-script', *sys.argv[1:]]\n"
    "import runpy\n"
    "runpy.run_module('followup_script', run_name='__main__')\n"
)

def test_the_console_script_freezes_what_start_up_made_and_collects_after_it(tmp_path):
    """``run``: the collector is off during start-up; once the writer (or the tracker) is
    ready, what start-up made is frozen and the collector is on for the command's work (a
    command with neither: at its end, so the exit's pass skips it too)."""
    rows = tmp_path / "rows.csv"
    rows.write_text("name,company,role,last_contact,outcome\nDana Reyes,Acme,Data Engineer,2026-11-20,no-commitment\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_SCRIPT_")}
    env.update(FOLLOWUP_SCRIPT_LOAD_PLUGINS="", FOLLOWUP_SCRIPT_CONFIG=str(tmp_path / "none.toml"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path))

    def console(*args: str) -> tuple[int, list]:
        done = subprocess.run([sys.executable, "-c", CONSOLE, *args], capture_output=True, text=True, env=env,
                              timeout=60)
        return done.returncode, ast.literal_eval(done.stderr.strip().splitlines()[-1])

    code, (enabled, frozen) = console("--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "batch",
                                      "--today", "2026-11-25", str(rows))
    assert code == 0 and enabled and frozen > 10_000
    code, (enabled, frozen) = console("due", "--db", str(tmp_path / "t.sqlite3"), "--today", "2026-11-25")
    assert code == 0 and enabled and frozen > 10_000
    code, (enabled, frozen) = console("--help")  # neither a writer nor a tracker: at its end
    assert code == 0 and enabled and frozen > 10_000
    # python -m followup_script holds it too: __main__ calls cli.run before the command's imports
    done = subprocess.run([sys.executable, "-c", MODULE, "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567",
                           "batch", "--today", "2026-11-25", str(rows)], capture_output=True, text=True, env=env,
                          timeout=60)
    enabled, frozen, held = ast.literal_eval(done.stderr.strip().splitlines()[-1])
    assert done.returncode == 0 and enabled and frozen > 10_000 and held == [False]
    env["FOLLOWUP_SCRIPT_NO_SPEEDUPS"] = "1"  # the trick's switch: the collector is left alone
    code, (enabled, frozen) = console("--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "batch",
                                      "--today", "2026-11-25", str(rows))
    assert code == 0 and enabled and frozen == 0


def test_the_command_line_as_a_library_leaves_the_collector_alone(tmp_path, capsys):
    import gc

    from followup_script.cli import main

    rows = tmp_path / "rows.csv"
    rows.write_text("name,company,role,last_contact,outcome\nDana Reyes,Acme,Data Engineer,2026-11-20,no-commitment\n")
    frozen = gc.get_freeze_count()
    assert main(["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "batch", "--today", "2026-11-25",
                 str(rows)]) == 0
    assert "Hi Dana" in capsys.readouterr().out
    assert gc.isenabled() and gc.get_freeze_count() == frozen

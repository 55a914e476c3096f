"""The complete email channel of docs/plugins.md, as a third party would ship it.

The code is taken from the page itself, installed as a temporary distribution with
its entry point (a dist-info folder on ``sys.path``), loaded the way installed plugins
are, and driven through the command line against a real HTTP server
(pytest-httpserver): subject, HTML, .eml, reply threading, the guard on every part,
exactly once, the stop rule and a dry run, with no private import.
"""

import base64
import datetime as dt
import email
import email.policy
import json
import re
import textwrap
from pathlib import Path

import pytest
from werkzeug import Response

from followup_script import ConfigError, History, Scriptwriter, Tracker
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

from .conftest import ok

DOC = Path(__file__).parent.parent / "docs" / "plugins.md"
PUBLIC = {"followup_script", "followup_script.channels.email"}


def example_code() -> str:
    match = re.search(r"<!-- plugin: followup_script_outbox\.py[^>]*-->\n```python\n(.*?)```",
                      DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/plugins.md lost its complete email channel"
    return match.group(1)


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    """The example installed as the distribution followup-script-outbox, with its entry point."""
    site = tmp_path / "site"
    info = site / "followup_script_outbox-0.1.0.dist-info"
    info.mkdir(parents=True)
    (site / "followup_script_outbox.py").write_text(example_code(), encoding="utf-8")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: followup-script-outbox\nVersion: 0.1.0\n"
                                   "Requires-Dist: followup-script>=0.2\n")
    (info / "entry_points.txt").write_text("[followup_script]\noutbox = followup_script_outbox\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_LOAD_PLUGINS", "followup-script-outbox")
    monkeypatch.setenv("OUTBOX_TOKEN", "t0k3n")
    yield site
    import sys

    sys.modules.pop("followup_script_outbox", None)


class Drafts:
    """The drafts service: records each draft and answers with its id and thread."""

    def __init__(self, server):
        self.made = []
        server.expect_request("/drafts", method="POST").respond_with_handler(self.create)
        server.expect_request("/drafts", method="GET").respond_with_handler(self.find)

    def create(self, request):
        assert request.headers["Authorization"] == "Bearer t0k3n"
        body = request.get_json()
        self.made.append(body)
        return Response(json.dumps({"id": f"d-{len(self.made)}", "thread": body.get("thread", "t-1")}),
                        content_type="application/json")

    def find(self, request):
        found = [{"id": f"d-{i + 1}"} for i, b in enumerate(self.made) if b["key"] == request.args["key"]]
        return Response(json.dumps({"drafts": found}), content_type="application/json")

    def email(self, index):
        return email.message_from_bytes(base64.b64decode(self.made[index]["raw"]), policy=email.policy.default)


def test_the_example_is_short_and_imports_only_the_public_api():
    code = example_code()
    assert len(code.strip().splitlines()) < 60
    imported = {f"{module}.{name}" if module == "followup_script.channels" else module
                for module, name in re.findall(r"^(?:from|import) (followup_script[\w.]*)(?: import (\w+))?",
                                               code, re.M)}
    assert imported <= PUBLIC, imported - PUBLIC


def test_the_example_plugin_end_to_end(cli, outbox, httpserver, tmp_path):
    drafts = Drafts(httpserver)
    config = tmp_path / "config.toml"
    config.write_text(textwrap.dedent(f"""
        [profile]
        name = "Ana Lima"
        phone = "+1 555 123 4567"
        email = "ana@example.com"
        [outbox]
        api_root = "{httpserver.url_for("/")}"
    """))
    base = ["--config", config]
    listed = json.loads(ok(cli, *base, "plugins").stdout)
    assert [p["channels"] for p in listed["plugins"] if p["name"] == "followup-script-outbox"] == [["outbox"]]
    ok(cli, *base, "contact", "add", "Dana O'Brien", "--company", "Acme <i>& Sons</i>", "--role", "Data Engineer",
       "--email", "dana@acme.example")
    ok(cli, *base, "log", "Dana O'Brien", "--outcome", "no-commitment", "--via", "call",
       "--date", "2026-11-09", "--today", "2026-11-12")
    deliver = [*base, "next", "Dana O'Brien", "--channel", "outbox", "--deliver", "--yes"]

    # the first email: subject, text and HTML (values escaped), a .eml the service takes
    ok(cli, *deliver, "--today", "2026-11-12")
    first = drafts.email(0)
    assert first.get_content_type() == "multipart/alternative"
    assert first["Subject"] and "Subject:" not in first.get_body(("plain",)).get_content()
    html = first.get_body(("html",)).get_content()
    assert "<i>" not in html and "Acme &lt;i&gt;&amp; Sons&lt;/i&gt;" in html
    assert first["In-Reply-To"] is None and "thread" not in drafts.made[0]

    # a week later, the nudge replies in the thread: Re:, In-Reply-To, References, the service's thread
    ok(cli, *deliver, "--today", "2026-11-19")
    second = drafts.email(1)
    assert second["Subject"] == f"Re: {first['Subject']}"
    assert second["In-Reply-To"] == first["Message-ID"] == second["References"]
    assert drafts.made[1]["thread"] == "t-1"

    # the .eml of the next one, without delivering
    eml = ok(cli, *base, "next", "Dana O'Brien", "--channel", "outbox", "--format", "eml",
             "--today", "2026-11-26")
    assert email.message_from_string(eml.stdout, policy=email.policy.default)["In-Reply-To"] == second["Message-ID"]

    # the guard reads what is delivered: a rude line in the user's template for this channel is refused
    mine = tmp_path / "templates" / "outbox"  # beside the config file: the user's own templates
    mine.mkdir(parents=True)
    (mine / "weekly-nudge.md.j2").write_text("Subject: Hello\n\nHi {{ contact.first_name }}, this is my "
                                             "**FINAL NOTICE**. Thank you for your time.\n")
    refused = cli(*deliver, "--today", "2026-11-26")
    assert refused.returncode == 4 and "FINAL NOTICE" in refused.stderr.upper(), refused.stderr
    (mine / "weekly-nudge.md.j2").unlink()

    # stop means stop: nothing reaches the service
    ok(cli, *base, "stop", "Dana O'Brien", "--today", "2026-11-26")
    stopped = cli(*deliver, "--today", "2026-11-26")
    assert stopped.returncode == 4, stopped.stderr
    assert len(drafts.made) == 2


def test_the_example_looks_before_a_second_draft_and_dry_runs(outbox, httpserver, tmp_path):
    drafts = Drafts(httpserver)
    plugins = build_plugin_manager()
    assert plugins.channels["outbox"].plugin == "followup-script-outbox"
    config = Config(tmp_path / "config.toml", {
        "profile": {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"},
        "outbox": {"api_root": httpserver.url_for("/")}})
    writer = Scriptwriter(config, plugins)
    today = dt.date(2026, 11, 25)
    plan = writer.plan(History(dt.date(2026, 11, 20), "no-commitment"), today)
    message = writer.write("outbox", plan, {"name": "Dana Reyes", "email": "dana@acme.example"}, today=today)
    assert "dry run" in writer.deliver(message, dry_run=True).detail and drafts.made == []
    with Tracker.open(tmp_path / "tracker.sqlite3") as tracker:  # exactly once: the key is kept
        assert tracker.deliver_once(writer, message).receipt.id == "d-1"
        assert tracker.deliver_once(writer, message).already is not None and len(drafts.made) == 1
    # an interrupted attempt may have made it: the channel finds it instead of making another
    found = writer.deliver(message, previous_attempt="interrupted")
    assert (found.id, len(drafts.made)) == ("d-1", 1)
    missing = Scriptwriter(Config(tmp_path / "config.toml", {"profile": config.profile}), plugins)
    with pytest.raises(ConfigError, match=r"needs outbox.api_root"):  # checked by the core
        missing.deliver(missing.write("outbox", plan, {"name": "Dana Reyes"}, today=today))


def test_the_testing_recipe_of_the_page_passes(outbox, httpserver, tmp_path, monkeypatch):
    """docs/plugins.md's 'Testing a plugin' example, run as written against the example plugin."""
    text = DOC.read_text(encoding="utf-8")
    recipe = re.search(r"```python\n(.*?)```", text[text.index("## Testing a plugin"):], re.S).group(1)
    scope: dict = {}
    exec(compile(recipe, "docs/plugins.md (Testing a plugin)", "exec"), scope)  # noqa: S102 - our own page
    scope["test_outbox"](tmp_path, httpserver, monkeypatch)

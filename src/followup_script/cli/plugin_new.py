"""``followup-script plugin new NAME``: a working channel plugin package to start from.

It writes ``followup-script-NAME/`` with a pyproject (the entry point, ``followup-script>=0.2``),
the module (an email channel that saves drafts through an HTTP API, on the public API only),
a README and tests against pytest-httpserver, the way ``llm-plugin`` starts an llm plugin.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from followup_script.errors import InputError

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
RESERVED = {"voicemail", "call", "email", "sms", "gmail"}

PYPROJECT = '''\
[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "followup-script-{name}"
version = "0.1.0"
description = "A followup-script channel: {name}"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["followup-script>=0.2"]

[project.optional-dependencies]
test = ["pytest", "pytest-httpserver"]

[project.entry-points.followup_script]
{name} = "{module}"

[tool.hatch.build.targets.wheel]
only-include = ["{module}.py"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
'''

MODULE = '''\
"""followup-script-{name}: each follow-up saved as an email draft through an HTTP API.

Replace the calls to the drafts service with yours; keep the rest. As an email channel
it gets the subject, the HTML, the .eml and reply threading from
followup_script.channels.email, and the courtesy guard, the stop rule and one delivery
per follow-up from the core (docs/plugins.md).
"""

import base64
import json
import os
import urllib.request

import followup_script
from followup_script import Channel, ConfigError, DeliveryError, Option, Receipt
from followup_script.channels import email


class {cls}(Channel):
    name, kind = "{name}", "email"
    description = "An email saved as a draft by {name} (never sent)"
    options = {{
        "api_root": Option("the API of the drafts service, ending in /", required=True),
        "token_env": Option("the variable that holds your API token", default="{token_env}"),
    }}

    def deliver(self, message, context):
        body = {{"raw": base64.b64encode(email.eml(message)).decode(), "key": context.key}}
        if message.thread and message.thread.thread_id:  # a weekly nudge answers the last email
            body["thread"] = message.thread.thread_id
        if context.dry_run:
            return Receipt(channel=self.name, detail="dry run: no draft was created")
        if context.previous_attempt == "interrupted":  # it may have been made: look first
            found = call(context.settings, f"drafts?key={{context.key}}")["drafts"]
            if found:
                return receipt(found[0], "draft made by the interrupted attempt")
        return receipt(call(context.settings, "drafts", body), "draft created, not sent")


def receipt(draft, detail):
    return Receipt(channel="{name}", id=draft["id"], thread_id=draft.get("thread"), detail=detail)


def call(settings, path, body=None):
    token = os.environ.get(settings["token_env"])
    if not token:
        raise ConfigError(f"set {{settings['token_env']}} to your API token")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(settings["api_root"] + path, data=data, headers={{
        "Authorization": f"Bearer {{token}}", "Content-Type": "application/json"}})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)
    except OSError as exc:
        raise DeliveryError(f"the drafts service did not take the draft ({{exc}}); try again later") from None


@followup_script.hookimpl
def register_channels(register):
    register({cls}())
'''

TEST = '''\
"""{module} against a real local HTTP server (pytest-httpserver), through the real library."""

import base64
import datetime as dt
import email
import email.policy

import followup_script
import pytest
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

import {module}

TODAY = dt.date(2026, 11, 25)
CONTACT = {{"name": "Dana Reyes", "email": "dana@acme.example", "role": "Data Engineer"}}


@pytest.fixture
def writer(tmp_path, httpserver, monkeypatch):
    monkeypatch.setenv("{token_env}", "t0k3n")
    plugins = build_plugin_manager(load_entrypoints=False, extra=[{module}])
    config = Config(tmp_path / "config.toml", {{
        "profile": {{"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}},
        "{name}": {{"api_root": httpserver.url_for("/")}}}})
    return followup_script.Scriptwriter(config, plugins)


def write(writer, attempts=0, thread=None):
    plan = writer.plan(followup_script.History(dt.date(2026, 11, 20), "no-commitment", attempts=attempts), TODAY)
    return writer.write("{name}", plan, CONTACT, today=TODAY, thread=thread)


def test_a_draft_is_created_with_the_email(writer, httpserver):
    httpserver.expect_oneshot_request("/drafts", method="POST").respond_with_json({{"id": "d-1", "thread": "t-1"}})
    message = write(writer)
    receipt = writer.deliver(message)
    httpserver.check_assertions()
    assert (receipt.id, receipt.thread_id) == ("d-1", "t-1")
    (request, _), = httpserver.log
    assert request.headers["Authorization"] == "Bearer t0k3n"
    sent = email.message_from_bytes(base64.b64decode(request.get_json()["raw"]), policy=email.policy.default)
    assert sent["Subject"] == message.subject and sent.get_content_type() == "multipart/alternative"


def test_a_weekly_nudge_goes_in_the_thread(writer, httpserver):
    httpserver.expect_oneshot_request("/drafts", method="POST").respond_with_json({{"id": "d-2"}})
    thread = {{"subject": "Hello", "message_id": "<first@example.com>", "thread_id": "t-1"}}
    writer.deliver(write(writer, attempts=1, thread=thread))
    (request, _), = httpserver.log
    assert request.get_json()["thread"] == "t-1"


def test_a_dry_run_calls_nothing(writer, httpserver):
    assert "dry run" in writer.deliver(write(writer), dry_run=True).detail
    assert httpserver.log == []


def test_an_interrupted_attempt_looks_before_making_a_second(writer, httpserver):
    httpserver.expect_request("/drafts", method="GET").respond_with_json({{"drafts": [{{"id": "d-1"}}]}})
    receipt = writer.deliver(write(writer), previous_attempt="interrupted")
    assert receipt.id == "d-1" and [r.method for r, _ in httpserver.log] == ["GET"]


def test_a_refusal_is_a_delivery_error(writer, httpserver):
    httpserver.expect_request("/drafts", method="POST").respond_with_data("no", status=503)
    with pytest.raises(followup_script.DeliveryError, match="did not take the draft"):
        writer.deliver(write(writer))
'''

README = '''\
# followup-script-{name}

A [followup-script](https://github.com/followup-script/followup-script) channel that saves
each follow-up as an email draft through an HTTP API. Started with
`followup-script plugin new {name}`; see docs/plugins.md of followup-script.

    pip install -e '.[test]'    # in a venv of your own, to run its tests
    pytest
    followup-script install -e .    # into the followup-script you run (pipx, uv tool or a venv)
    followup-script config set {name}.api_root https://drafts.example/api/
    export {token_env}=...
    followup-script next "Dana Reyes" --channel {name} --deliver
'''


def scaffold(name: str, where: Path) -> Path:
    """Write the package ``followup-script-NAME`` into ``where``; returns its folder."""
    if not NAME.match(name):
        raise InputError(f"plugin name {name!r} is not one; use lowercase letters, digits and single "
                         "hyphens, starting with a letter (e.g. outbox)")
    if name in RESERVED:
        raise InputError(f"plugin name {name!r} is a channel followup-script or its own plugins "
                         "already have; pick another name")
    folder = where / f"followup-script-{name}"
    if folder.exists():
        raise InputError(f"{str(folder)!r} exists already; remove it, or pick another name or --dir")
    module = f"followup_script_{name.replace('-', '_')}"
    values = {"name": name, "module": module, "token_env": f"{name.replace('-', '_').upper()}_TOKEN",
              "cls": "".join(part.capitalize() for part in name.split("-"))}
    files = {"pyproject.toml": PYPROJECT, f"{module}.py": MODULE, "README.md": README,
             f"tests/test_{module.removeprefix('followup_script_')}.py": TEST}
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.format(**values), encoding="utf-8")
    return folder


@click.group()
def plugin():
    """Start a plugin of your own.

    \b
      followup-script plugin new outbox
    """


@plugin.command("new")
@click.argument("name")
@click.option("--dir", "where", default=".", show_default=True, metavar="DIR",
              help="The folder to create the package in.")
def new(name, where):
    """Write followup-script-NAME/: a working email-draft channel plugin with its tests.

    \b
      followup-script plugin new outbox
      cd followup-script-outbox && pip install -e '.[test]' && pytest
    """
    folder = scaffold(name, Path(where))
    click.echo(f"wrote {folder}/ (pyproject.toml, the module, README.md, tests/)")
    click.echo(f"next: cd {folder} && pip install -e '.[test]' && pytest")

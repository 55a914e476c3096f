"""Helpers for the sms plugin tests: a Scriptwriter with the plugin and Twilio's answers.

(Named uniquely, not conftest, so it cannot clash with other plugins' test helpers.)
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import subprocess
import sys
import traceback
import warnings

from followup_script import History, Scriptwriter
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

import followup_script_sms

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "tok-7f3e9a1c5b2d4e6f"
SENDER = "+14155550100"
MESSAGES_PATH = f"/2010-04-01/Accounts/{SID}/Messages.json"
PROFILE = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}
CONTACT = {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
           "phone": "+1 212 555 0123"}
CONTACT_E164 = "+12125550123"
LAST = dt.date(2026, 11, 20)  # a Friday


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def created(sid="SM" + "a" * 32, status="queued", segments="1", body="..."):
    """What Twilio answers (201) when it accepts a message."""
    return {"sid": sid, "status": status, "num_segments": segments, "body": body,
            "account_sid": SID, "to": CONTACT_E164, "from": SENDER, "error_code": None}


def twilio_error(code: int, message: str, status: int) -> dict:
    return {"code": code, "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


def make_writer(tmp_path, sms: dict | None = None) -> Scriptwriter:
    data = {"profile": dict(PROFILE)}
    if sms is not None:
        data["sms"] = dict(sms)
    plugins = build_plugin_manager(load_entrypoints=False, extra=[followup_script_sms])
    return Scriptwriter(Config(path=tmp_path / "c.toml", data=data), plugins)


def sms_settings(httpserver, **extra) -> dict:
    settings = {"account_sid": SID, "auth_token": TOKEN, "from": SENDER,
                "base_url": httpserver.url_for("/").rstrip("/"), "retry_backoff": 0.01}
    settings.update(extra)
    return settings


def three_day_message(writer, contact=None, situation="application"):
    history = History(LAST, "no-commitment", situation)
    plan = writer.plan(history, dt.date(2026, 11, 23))
    return writer.write("sms", plan, dict(CONTACT if contact is None else contact),
                        today=dt.date(2026, 11, 23))


@contextlib.contextmanager
def interpreter_warnings():
    """Warnings as a fresh ``python`` shows them: its default filters, each printed to
    (the captured) stderr when it is raised, instead of being collected by pytest."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", category)
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: sys.stderr.write(
            warnings.formatwarning(message, category, filename, lineno, line))
        yield


def run_in_process(args, env: dict) -> subprocess.CompletedProcess:
    """``followup-script ARGS`` run in this process, as the installed command runs it.

    It calls ``followup_script.cli.main`` (what the entry point calls) inside click's
    ``CliRunner`` isolation: ``env`` is laid over the environment (None removes a
    variable), stdin is empty, stdout and stderr are captured apart, the help is 80
    columns wide as for a pipe. Plugins, plugin commands and ``--plugins-dir`` start
    afresh, as in a new process.
    """
    from click import formatting
    from click.testing import CliRunner
    from followup_script.cli import cli, main
    from followup_script.plugins import manager

    argv = [str(a) for a in args]
    group_state, commands = dict(vars(cli)), dict(cli.commands)
    manager.set_plugins_dir(None)
    manager.reset()
    try:
        with CliRunner().isolation(env={"COLUMNS": "80", **env}) as (out, err, _):
            formatting.FORCED_WIDTH = None  # the width comes from COLUMNS, as in a real run
            with interpreter_warnings():  # shown on stderr, as a new interpreter shows them
                try:
                    code = main(argv)
                except SystemExit as exc:
                    code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
                except Exception:  # what the interpreter does with an uncaught error
                    traceback.print_exc()
                    code = 1
                sys.stdout.flush()
                sys.stderr.flush()
    finally:
        vars(cli).clear()
        vars(cli).update(group_state)
        cli.commands = commands
        manager.set_plugins_dir(None)
        manager.reset()
    text = [stream.getvalue().decode().replace("\r\n", "\n") for stream in (out, err)]
    return subprocess.CompletedProcess(argv, code, *text)

"""Constants and plain helpers shared by the gmail tests (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import subprocess
import sys
import traceback
import warnings
from pathlib import Path

import followup_script
import pytest

SCOPE = "https://www.googleapis.com/auth/gmail.compose"
DRAFTS = "/gmail/v1/users/me/drafts"
OLD_TOKEN = "ya29.old-access-token-4f1c9e"
NEW_TOKEN = "ya29.new-access-token-77ab20"
REFRESH_TOKEN = "1//refresh-token-secret-9d3e"
CLIENT_SECRET = "GOCSPX-client-secret-51aa"
PROFILE = {
    "name": "Ana Lima",
    "phone": "+1 555 123 4567",
    "email": "ana.lima@example.com",
    "callback_window": "any weekday between 9 and 5",
}
TODAY = dt.date(2026, 11, 25)


def draft_answer(draft_id="r-5551234", message_id="18c0ffee0ddba11"):
    return {"id": draft_id, "message": {"id": message_id, "threadId": message_id, "labelIds": ["DRAFT"]}}


def google_error(code: int, reason: str, message: str, status: str) -> dict:
    return {"error": {"code": code, "message": message, "status": status,
                      "errors": [{"message": message, "domain": "global", "reason": reason}]}}


def token_data(expiry: dt.datetime | None = None) -> dict:
    """A saved login as ``Credentials.to_json()`` writes it; token_uri is Google's real one."""
    expiry = expiry or dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
    return {
        "token": OLD_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "token_uri": "https://oauth2.googleapis.com/token",
        "client_id": "1234-desktop.apps.googleusercontent.com",
        "client_secret": CLIENT_SECRET,
        "scopes": [SCOPE],
        "universe_domain": "googleapis.com",
        "account": "",
        "expiry": expiry.replace(microsecond=0).isoformat() + "Z",
    }


def write_message(writer, contact=None, outcome="no-commitment", last=dt.date(2026, 11, 20)):
    contact = contact if contact is not None else {
        "name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
        "email": "dana@example.com",
    }
    plan = writer.plan(followup_script.History(last, outcome), TODAY)
    return writer.write("gmail", plan, contact, today=TODAY)


def command() -> str:
    beside = Path(sys.executable).parent / "followup-script"
    found = str(beside) if beside.exists() else shutil.which("followup-script")
    if not found:
        pytest.fail("the followup-script command is not installed in this environment")
    return found


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

"""Hostile sweep (issue 16): two real processes at once (docs/security.md "Writes are
whole or not at all": two commands running at once wait for each other instead of
losing a write)."""

from __future__ import annotations

import os
import subprocess

from tests.conftest import COMMAND


def together(*commands):
    """Start every command at the same moment; their CompletedProcess-like results."""
    procs = [subprocess.Popen([COMMAND, *map(str, c)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ)) for c in commands]
    return [(p.wait(timeout=60), *p.communicate()) for p in procs]


def clean(results):
    for _code, _out, err in results:
        assert "Traceback" not in err and "internal error" not in err and "locked" not in err, err


def test_sweep_two_processes_add_the_same_contact(installed_cli):
    # the tracker file exists (made by a first command): two commands that both create a
    # new file at the very same moment can fail once (docs/security.md says so)
    assert installed_cli("contact", "add", "Sam Lee").returncode == 0
    results = together(["contact", "add", "Dana Reyes"], ["contact", "add", "Dana Reyes"])
    clean(results)
    assert sorted(code for code, _, _ in results) == [0, 2], results
    listed = installed_cli("contact", "list")
    assert listed.stdout.count("Dana Reyes") == 1, listed.stdout


def test_sweep_a_stop_racing_a_log_is_kept(installed_cli):
    assert installed_cli("contact", "add", "Dana Reyes").returncode == 0
    results = together(["stop", "Dana Reyes"],
                       ["log", "Dana Reyes", "--via", "call", "--outcome", "no-answer", "--date", "2026-11-20"])
    clean(results)
    assert [code for code, _, _ in results] == [0, 0], results
    why = installed_cli("next", "Dana Reyes", "--today", "2026-11-25")
    assert "stop" in (why.stdout + why.stderr).lower(), why

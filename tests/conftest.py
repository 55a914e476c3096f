"""Shared fixtures: an isolated home, a writer with only the built-in channels,
and a runner for the installed ``followup-script`` command."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from followup_script import Scriptwriter
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

PROFILE = {
    "name": "Ana Lima",
    "phone": "+1 555 123 4567",
    "email": "ana.lima@example.com",
    "callback_window": "any weekday between 9 and 5",
}
CONTACT = {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
           "email": "dana@acme.example"}
TODAY = dt.date(2026, 11, 25)  # a Wednesday

COMMAND = shutil.which("followup-script", path=str(Path(sys.executable).parent)) or "followup-script"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Never read or write the real user's config, data or plugins."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_DB", str(home / "tracker.sqlite3"))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_LOAD_PLUGINS", "")
    monkeypatch.delenv("FOLLOWUP_SCRIPT_DEBUG", raising=False)
    from followup_script.plugins import manager as plugins

    plugins.reset()
    yield home
    plugins.reset()


@pytest.fixture
def config(tmp_path):
    return Config(tmp_path / "config.toml", {"profile": dict(PROFILE)})


@pytest.fixture
def builtin_plugins():
    return build_plugin_manager(load_entrypoints=False)


@pytest.fixture
def writer(config, builtin_plugins):
    return Scriptwriter(config, builtin_plugins)


def run_cli(*args, env=None, input=None, timeout=60, cwd=None):
    """Run the installed command; returns CompletedProcess with text output."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [COMMAND, *map(str, args)], capture_output=True, text=True, env=full_env,
        input=input, timeout=timeout, cwd=cwd,
    )


@pytest.fixture
def cli():
    return run_cli

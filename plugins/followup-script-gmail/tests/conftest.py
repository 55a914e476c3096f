"""Fixtures: a real local HTTP server stands in for Gmail and Google's token endpoint."""

from __future__ import annotations

import json
import os
from pathlib import Path

import followup_script
import pytest
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager
from gmail_helpers import PROFILE, run_in_process, token_data

import followup_script_gmail


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)


@pytest.fixture
def token_file(tmp_path) -> Path:
    path = tmp_path / "gmail-token.json"
    path.write_text(json.dumps(token_data()), encoding="utf-8")
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def gmail_settings(httpserver, tmp_path) -> dict:
    """``[gmail]`` pointing at the local server for both the API and the token endpoint."""
    return {
        "token_file": str(tmp_path / "gmail-token.json"),
        "api_root": httpserver.url_for("/"),
        "token_uri": httpserver.url_for("/token"),
        "retry_backoff": 0.0,
        "retries": 2,
    }


@pytest.fixture
def writer(tmp_path, gmail_settings):
    config = Config(path=tmp_path / "c.toml", data={"profile": dict(PROFILE), "gmail": gmail_settings})
    plugins = build_plugin_manager(load_entrypoints=False, extra=[followup_script_gmail])
    return followup_script.Scriptwriter(config, plugins)


def private_env(home: Path, config: Path) -> dict:
    """A private HOME and config file, the gmail plugin loaded; no other XDG_ or
    FOLLOWUP_SCRIPT_ setting (None: removed)."""
    env = {k: None for k in os.environ if k.startswith(("XDG_", "FOLLOWUP_SCRIPT_"))}
    env.update(HOME=str(home), FOLLOWUP_SCRIPT_CONFIG=str(config),
               FOLLOWUP_SCRIPT_LOAD_PLUGINS="followup-script-gmail")
    return env


@pytest.fixture
def run(tmp_path):
    """Run ``followup-script`` (in process) with a private HOME and config file."""
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "config.toml"

    def run_command(*args, config_text: str | None = None):
        if config_text is not None:
            config.write_text(config_text, encoding="utf-8")
        return run_in_process(args, private_env(home, config))

    run_command.home = home
    run_command.config = config
    return run_command


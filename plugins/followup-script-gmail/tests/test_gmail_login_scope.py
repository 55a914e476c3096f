"""#18: ``gmail login`` asks Google for the drafts scope only; ``gmail login --inbox`` adds the
read-only scope sync needs, and nothing else. The installed command runs the real sign-in
flow (``--no-browser``) up to the link it prints; the link's scope is read, then the sign-in
is refused through the flow's own local redirect, as a user pressing Cancel does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

DRAFTS_SCOPE = "https://www.googleapis.com/auth/gmail.compose"
READ_SCOPE = "https://www.googleapis.com/auth/gmail.readonly"


def sign_in_link(tmp_path: Path, *extra: str) -> dict:
    tmp_path.mkdir()
    secrets = tmp_path / "client_secret.json"
    secrets.write_text(json.dumps({"installed": {
        "client_id": "1234-abc.apps.googleusercontent.com", "client_secret": "GOCSPX-not-a-real-one",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
        "redirect_uris": ["http://localhost"]}}))
    config = tmp_path / "config.toml"
    config.write_text(f'[gmail]\ntoken_file = "{tmp_path / "token.json"}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "FOLLOWUP_SCRIPT_"))}
    env.update(HOME=str(tmp_path), FOLLOWUP_SCRIPT_CONFIG=str(config),
               FOLLOWUP_SCRIPT_LOAD_PLUGINS="followup-script-gmail", PYTHONUNBUFFERED="1")
    command = str(Path(sys.executable).parent / "followup-script")
    proc = subprocess.Popen([command, "gmail", "login", "--no-browser", "--client-secrets", str(secrets), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        for line in proc.stdout:
            if "https://accounts.google.com/" in line:
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(line.split("here: ", 1)[1].strip()).query)
                break
        else:
            pytest.fail(f"no sign-in link: {proc.stderr.read()}")
        refused = f"{query['redirect_uri'][0]}?error=access_denied&state={query['state'][0]}"
        try:
            urllib.request.urlopen(refused, timeout=10).read()
        except OSError:
            pass  # the flow may close before it answers: what matters is how the command ends
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 2, err
    assert "Google sign-in failed" in err and "Traceback" not in err
    assert not (tmp_path / "token.json").exists()
    assert ("and read your mail (for sync)" in err) == ("--inbox" in extra)  # the user is told what is asked
    return query


def test_login_asks_for_drafts_only_and_login_inbox_adds_read_only(tmp_path):
    assert sign_in_link(tmp_path / "drafts")["scope"][0].split() == [DRAFTS_SCOPE]
    assert sorted(sign_in_link(tmp_path / "inbox", "--inbox")["scope"][0].split()) == [DRAFTS_SCOPE, READ_SCOPE]

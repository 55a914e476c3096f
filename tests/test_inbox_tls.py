"""The IMAP inbox requires TLS: ``security = "none"`` is for a server on this machine only (#18)."""

from __future__ import annotations

import pytest

from followup_script.errors import ConfigError
from followup_script.inbox.imap import checked
from tests.conftest import one_error_line
from tests.test_sync import add

PASSWORD = "app-pass-never-shown-9q"


def test_security_none_to_another_machine_is_refused_before_anything_is_sent(isolated_home, cli):
    (isolated_home / "config.toml").write_text(
        '[profile]\nname = "Ana Lima"\n\n[imap]\nhost = "imap.example.invalid"\nuser = "ana@example.com"\n'
        'password_env = "IMAP_PASSWORD"\nsecurity = "none"\n')
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    result = cli("sync", "--today", "2026-11-27", env={"IMAP_PASSWORD": PASSWORD})
    line = one_error_line(result, "imap.security 'none'", "unencrypted to imap.example.invalid",
                          "use ssl (port 993) or starttls", code=2)
    assert PASSWORD not in line


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_security_none_is_allowed_on_this_machine(host):
    assert checked({"host": host, "user": "u", "security": "none"})["port"] == 143


def test_tls_settings_are_taken_for_any_host():
    assert checked({"host": "imap.fastmail.com", "user": "u"})["security"] == "ssl"
    assert checked({"host": "imap.fastmail.com", "user": "u", "security": "starttls"})["port"] == 143
    with pytest.raises(ConfigError, match="unencrypted to outlook.office365.com"):
        checked({"host": "outlook.office365.com", "user": "u", "security": "NONE"})

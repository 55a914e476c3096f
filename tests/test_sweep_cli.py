"""Hostile sweep (issue 16), through the command line: encodings, sizes, paths, secrets,
stop, the courtesy guard and plugins, against the promises of docs/security.md and
docs/reliability.md. Every case: the documented exit code, one stderr line naming the
value, no traceback."""

from __future__ import annotations

import os
import socket
import stat

import pytest

FROM = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]
ONE = [*FROM, "--name", "Dana Reyes", "--company", "Acme", "--role", "Data Engineer", "--today", "2026-11-25"]
LAST = ["--last-contact", "2026-11-20"]
CSV_HEAD = "name,company,role,last_contact,outcome\n"
ROW = "Dana Reyes,Acme,Analyst,2026-11-20,no-commitment\n"


def one_line(ran, code, *needles):
    assert ran.returncode == code, (ran.returncode, ran.stdout[-500:], ran.stderr[-2000:])
    assert "Traceback" not in ran.stderr and "internal error" not in ran.stderr, ran.stderr
    lines = ran.stderr.strip().splitlines()
    assert lines and all(line.startswith("followup-script") for line in lines), ran.stderr
    for needle in needles:
        assert needle in ran.stderr, ran.stderr


# -- encodings: batch files ---------------------------------------------------------------------

ENCODED_BATCHES = {
    "utf8-bom": ((CSV_HEAD + ROW).encode("utf-8-sig"), 0),
    "crlf": ((CSV_HEAD + ROW).replace("\n", "\r\n").encode(), 0),
    "cr-only": ((CSV_HEAD + ROW).replace("\n", "\r").encode(), None),
    "utf16": ((CSV_HEAD + ROW).encode("utf-16"), 2),
    "latin1-row": (CSV_HEAD.encode() + "Dána Reyes,Acme,Analyst,2026-11-20,no-commitment\n".encode("latin-1"), 2),
    "nul-in-row": (CSV_HEAD.encode() + b"Dana\x00Reyes,Acme,Analyst,2026-11-20,no-commitment\n", None),
    "only-header": (CSV_HEAD.encode(), 0),
    "empty-file": (b"", None),
    "binary-junk": (bytes(range(256)) * 4, 2),
    "quote-unclosed": (CSV_HEAD.encode() + b'"Dana Reyes,Acme,Analyst,2026-11-20,no-commitment\n', None),
    "jsonl-bom": ('\ufeff{"name": "Dana", "last_contact": "2026-11-20"}\n'.encode(), None),
    "jsonl-utf16": ('{"name": "Dana", "last_contact": "2026-11-20"}\n'.encode("utf-16"), 2),
}


@pytest.mark.parametrize("data,code", ENCODED_BATCHES.values(), ids=ENCODED_BATCHES.keys())
def test_sweep_batch_files_in_any_encoding(cli, tmp_path, request, data, code):
    """reliability.md (bad-input matrix): a batch file is read or refused on one line per
    row (and a summary), with a documented exit code and no traceback."""
    suffix = ".jsonl" if "jsonl" in request.node.callspec.id else ".csv"
    rows = tmp_path / f"rows{suffix}"
    rows.write_bytes(data)
    ran = cli(*FROM, "batch", rows, "--today", "2026-11-25", "--out-dir", tmp_path / "out")
    assert "Traceback" not in ran.stderr and "internal error" not in ran.stderr, ran.stderr
    if code is None:
        assert ran.returncode in (0, 2), (ran.returncode, ran.stderr)
    else:
        assert ran.returncode == code, (ran.returncode, ran.stderr)
    if ran.returncode:
        assert ran.stderr.strip() and all(line.startswith("followup-script") for line in ran.stderr.splitlines())
    out = tmp_path / "out"
    if out.exists():
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


CONFIGS = {
    "latin1": ('[profile]\nname = "Ána"\n'.encode("latin-1"), 2),
    "utf16": ('[profile]\nname = "Ana"\n'.encode("utf-16"), 2),
    "bom": ('\ufeff[profile]\nname = "Ana Lima"\n'.encode(), None),
    "nul": (b'[profile]\nname = "Ana\x00"\n', 2),
    "not-toml": (b"{{ 7*7 }}", 2),
    "huge-int": (b"[delivery]\ntimeout_seconds = 99999999999999999999999\n", None),  # read when delivering
    "nested-deep": (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", 2),
}


@pytest.mark.parametrize("data,code", CONFIGS.values(), ids=CONFIGS.keys())
def test_sweep_a_broken_config_file_is_one_line(cli, isolated_home, data, code):
    """security.md/reliability.md: bad input is one line with a documented exit code."""
    (isolated_home / "config.toml").write_bytes(data)
    ran = cli(*ONE, *LAST)
    if code is None:
        assert ran.returncode in (0, 2) and "Traceback" not in ran.stderr, ran.stderr
    else:
        one_line(ran, code, "config")


# -- sizes -----------------------------------------------------------------------------------

SIZES = {
    "attempts-huge": ([*ONE, *LAST, "--outcome", "no-answer", "--attempts", "9" * 40], None, None),
    "attempts-negative": ([*ONE, *LAST, "--outcome", "no-answer", "--attempts", "-5"], 2, "-5"),
    "date-10k": ([*ONE, "--last-contact", "2" * 10_000], 2, "--last-contact"),
    "date-nul": ([*ONE, "--last-contact", "2026-11-20\x00"], 2, "--last-contact"),
    "date-fullwidth": ([*ONE, "--last-contact", "２０２６-１１-２０"], None, None),
    "today-huge": ([*ONE[:-2], *LAST, "--today", "99999999-01-01"], 2, "--today"),
    "company-200k": ([*FROM, "--name", "Dana Reyes", "--company", "A" * 200_000, "--today", "2026-11-25",
                      *LAST], None, None),
    "name-only-spaces": ([*FROM, "--name", "   ", "--today", "2026-11-25", *LAST], None, None),
}


@pytest.mark.parametrize("args,code,needle", SIZES.values(), ids=SIZES.keys())
def test_sweep_sizes_and_odd_values_on_the_command_line(cli, args, code, needle):
    ran = cli(*args)
    if code is None:
        assert ran.returncode in (0, 2) and "Traceback" not in ran.stderr and "internal error" not in ran.stderr
        if ran.returncode:
            assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    else:
        one_line(ran, code, needle)
        assert len(ran.stderr.strip().splitlines()) == 1


def test_sweep_a_batch_of_one_huge_row_and_many_columns(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(CSV_HEAD + "Dana Reyes," + "A" * 300_000 + ",Analyst,2026-11-20,no-commitment\n", encoding="utf-8")
    ran = cli(*FROM, "batch", rows, "--today", "2026-11-25")
    assert ran.returncode in (0, 2) and "Traceback" not in ran.stderr
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"col{i}" for i in range(5000)) + "\n" + ",".join("x" * 5000) + "\n", encoding="utf-8")
    one_line(cli(*FROM, "batch", wide, "--today", "2026-11-25"), 2)


# -- paths --------------------------------------------------------------------------------------

def _paths(tmp_path):
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("x")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    return {
        "a-directory": (tmp_path / "adir", 2),
        "parent-is-file": (tmp_path / "afile" / "x.txt", 2),
        "missing-parent": (tmp_path / "no" / "such" / "x.txt", 2),
        "newline-in-name": (tmp_path / "two\nlines.txt", 0),
        "unicode-name": (tmp_path / "ｓｃｒｉｐｔ ✓.txt", 0),
        "dangling-link": (tmp_path / "dangling", None),
    }


@pytest.mark.parametrize("which", ["a-directory", "parent-is-file", "missing-parent", "newline-in-name",
                                   "unicode-name", "dangling-link"])
def test_sweep_output_paths(cli, tmp_path, which):
    """security.md (writes are whole or not at all): --output writes the whole script or
    refuses on one line; no temporary file is left behind."""
    target, code = _paths(tmp_path)[which]
    ran = cli(*ONE, *LAST, "--output", target)
    if code == 0:
        assert ran.returncode == 0, ran.stderr
        assert "Thank" in target.read_text(encoding="utf-8")
    elif code is None:
        assert ran.returncode in (0, 2) and "Traceback" not in ran.stderr, ran.stderr
    else:
        one_line(ran, code)
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_sweep_output_is_private_to_nobody_else_when_umask_is_open(cli, tmp_path):
    """A script written with --output replaces the old file whole; a file that was there keeps
    no stale tail when the new one is shorter."""
    target = tmp_path / "script.txt"
    target.write_text("x" * 100_000)
    assert cli(*ONE, *LAST, "--output", target).returncode == 0
    text = target.read_text(encoding="utf-8")
    assert "xxxx" not in text and text.strip().endswith(".")


# -- secrets --------------------------------------------------------------------------------

SECRET_VALUE = "S3cr3t-Value-0042"


@pytest.mark.parametrize("table,key", [("sms", "auth_token"), ("gmail", "client_secret"), ("email", "password_env"),
                                       ("myplugin", "api_key"), ("myplugin", "AUTH_HEADER"),
                                       ("myplugin", "webhook_secret"), ("myplugin", "Token")])
@pytest.mark.parametrize("debug", [False, True])
def test_sweep_secret_looking_keys_are_never_printed(cli, isolated_home, table, key, debug):
    """security.md: values whose key looks secret are never printed by `config`."""
    (isolated_home / "config.toml").write_text(f'[profile]\nname = "Ana Lima"\n[{table}]\n{key} = "{SECRET_VALUE}"\n',
                                               encoding="utf-8")
    os.chmod(isolated_home / "config.toml", 0o600)
    ran = cli(*(["--debug"] if debug else []), "config")
    assert SECRET_VALUE not in ran.stdout + ran.stderr
    assert ran.returncode in (0, 2)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
@pytest.mark.parametrize("before", [None, 0o644, 0o666])
def test_sweep_config_set_leaves_the_file_0600(cli, isolated_home, umask, before):
    """security.md: the config file is written with mode 0600, whatever the umask and
    whatever mode the file had."""
    config = isolated_home / "config.toml"
    if before is not None:
        config.write_text('[profile]\nname = "Ana Lima"\n', encoding="utf-8")
        os.chmod(config, before)
    old = os.umask(umask)
    try:
        ran = cli("config", "set", "profile.name", "Ana Lima")
    finally:
        os.umask(old)
    assert ran.returncode == 0, ran.stderr
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600


# -- nothing leaves your machine without --deliver ------------------------------------------------

@pytest.mark.parametrize("channel", ["email", "voicemail", "call"])
def test_sweep_nothing_is_sent_without_deliver(cli, isolated_home, channel):
    """security.md: nothing leaves your machine unless you pass --deliver: with an SMTP
    server configured on 127.0.0.1, writing a script opens no connection to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)  # a connection would wait in the backlog until accepted below
    port = server.getsockname()[1]
    (isolated_home / "config.toml").write_text(
        f'[email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n', encoding="utf-8")
    try:
        ran = cli(*ONE, *LAST, "--email", "dana@acme.example", "--channel", channel)
        server.settimeout(0.05)
        try:
            connection, _ = server.accept()
            connection.close()
            connected = True
        except TimeoutError:
            connected = False
    finally:
        server.close()
    assert ran.returncode == 0, ran.stderr
    assert not connected, "a connection was opened without --deliver"


# -- the courtesy guard ---------------------------------------------------------------------------

RUDE = {
    "asap": "Please call me back ASAP.", "final-notice": "This is my final notice.",
    "blame": "You never called me back.", "counting": "This is my third voicemail.",
    "bangs": "Call me back!!", "shouting": "This is VERY important.", "ignored": "I feel ignored.",
    "or-else": "Reply by Friday or else.", "lookalike-cyrillic": "Please call me back \u0410SAP.",
    "lookalike-fullwidth": "Please call me back ＡＳＡＰ.", "soft-hyphen": "This is my fin\u00adal notice.",
    "zero-width": "Please call me back A\u200bSAP.",
}


@pytest.mark.parametrize("phrase", RUDE.values(), ids=RUDE.keys())
def test_sweep_the_courtesy_guard_refuses_a_rude_template(cli, isolated_home, phrase):
    """security.md: a message that fails the guard is refused with the phrase and the rule
    (exit 4); --allow-tone lets it through with a warning."""
    folder = isolated_home / "templates" / "voicemail"
    folder.mkdir(parents=True)
    (folder / "three-day-check.txt.j2").write_text(f"Hi {{{{ contact.first_name }}}}. {phrase} Thank you.\n",
                                                  encoding="utf-8")
    one_line(cli(*ONE, *LAST, "--channel", "voicemail"), 4)
    allowed = cli(*ONE, *LAST, "--channel", "voicemail", "--allow-tone")
    assert allowed.returncode == 0 and allowed.stderr.strip(), allowed.stderr


# -- stop ---------------------------------------------------------------------------------------

PLUGIN = '''
import os
import followup_script
from followup_script import Channel, Receipt

def deliver(message, context):
    open(os.environ["SWEEP_MARKER"], "a").write("delivered\\n")
    return Receipt(channel=message.channel, id="x")

@followup_script.hookimpl
def register_channels(register):
    register(Channel("marker", "writes a marker", "voicemail", deliver=deliver))
'''


@pytest.mark.parametrize("how", ["stop-command", "logged-stop"])
def test_sweep_a_stopped_contact_gets_nothing_from_a_plugin(cli, tmp_path, monkeypatch, how):
    """security.md: --deliver to a stopped contact is refused with exit 4 before any plugin
    code runs, on every channel."""
    plug = tmp_path / "plug"
    plug.mkdir(mode=0o700)
    (plug / "p.py").write_text(PLUGIN, encoding="utf-8")
    os.chmod(plug / "p.py", 0o600)
    marker = tmp_path / "marker"
    monkeypatch.setenv("SWEEP_MARKER", str(marker))
    assert cli("contact", "add", "Dana Reyes").returncode == 0
    assert cli("log", "Dana Reyes", "--via", "call", "--outcome", "no-answer", "--date", "2026-11-20").returncode == 0
    if how == "stop-command":
        assert cli("stop", "Dana Reyes").returncode == 0
    else:
        assert cli("log", "Dana Reyes", "--via", "email", "--outcome", "stop", "--date", "2026-11-21").returncode == 0
    ran = cli(*FROM, "--plugins-dir", plug, "next", "Dana Reyes", "--channel", "marker", "--deliver", "--yes",
              "--today", "2026-11-25")
    assert ran.returncode == 4, (ran.returncode, ran.stderr)
    assert not marker.exists()


# -- plugins are isolated ---------------------------------------------------------------------

BROKEN_PLUGINS = {
    "import-error": "raise ImportError('no such thing')\n",
    "syntax-error": "def (:\n",
    "raises-at-import": "raise RuntimeError('boom at import')\n",
    "bad-hook-name": "import followup_script\n@followup_script.hookimpl\ndef no_such_hook():\n    pass\n",
    "register-junk": "import followup_script\n@followup_script.hookimpl\ndef register_channels(register):\n"
                     "    register(42)\n",
    "prepare-raises": "import followup_script\n@followup_script.hookimpl\ndef prepare_jinja2_environment(env):\n"
                      "    raise ValueError('prepare failed')\n",
}


@pytest.mark.parametrize("source", BROKEN_PLUGINS.values(), ids=BROKEN_PLUGINS.keys())
def test_sweep_a_broken_plugin_is_named_and_strict_makes_it_exit_5(cli, tmp_path, source):
    """security.md: a plugin that fails to import or raises in a hook is reported by name
    and the rest keeps working; --strict-plugins makes it exit 5."""
    plug = tmp_path / "plug"
    plug.mkdir(mode=0o700)
    (plug / "broken_one.py").write_text(source, encoding="utf-8")
    os.chmod(plug / "broken_one.py", 0o600)
    ran = cli(*ONE, *LAST, "--plugins-dir", plug)
    assert "Traceback" not in ran.stderr, ran.stderr
    assert ran.returncode in (0, 5), (ran.returncode, ran.stderr)
    if ran.returncode == 0:
        assert "Thank" in ran.stdout, "the rest keeps working"
    # a command that asks every plugin: the templates (prepare) or the channels (register)
    command = ["templates", "list"] if "prepare" in source else ["channels"]
    listed = cli("--plugins-dir", plug, *command)
    assert listed.returncode == 0 and "broken_one" in listed.stderr and "voicemail" in listed.stdout, listed.stderr
    one_line(cli("--plugins-dir", plug, "--strict-plugins", *command), 5, "broken_one")

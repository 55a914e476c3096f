"""Issue 16, email defects 7, 10, 19 and 25, against real aiosmtpd servers on 127.0.0.1.

7: a non-ASCII SMTP password (UTF-8 AUTH PLAIN/LOGIN), never quoted in an error.
10: an unknown outcome after DATA is kept 'pending' (refused until --resend); 421 to QUIT
    after a 250 is success; the SMTP timeout is not shorter than the delivery limit.
19: wrong types in [email] are config errors (exit 2) naming the key.
25: internationalised domains in IDNA form in the .eml headers and the SMTP envelope.
"""

import asyncio
import base64
import email
import email.policy
import socket
import sqlite3
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

ARGS = ["--name", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
        "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com",
        "--last-contact", "2026-11-20", "--today", "2026-11-25", "--situation", "interview",
        "--outcome", "no-commitment", "--channel", "email"]
TO = ["--email", "dana@acme.example"]
PASSWORD = "pä$$wörd-ü€"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """Stores every message; ``data_delay``: seconds to wait before the 250 to the first
    message (it is stored already); ``quit_reply``: what to answer QUIT."""

    def __init__(self, data_delay=0.0, rcpt_delay=0.0, quit_reply=None):
        self.messages, self.logins = [], []
        self.data_delay, self.rcpt_delay, self.quit_reply = data_delay, rcpt_delay, quit_reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        if len(self.messages) == 1:
            await asyncio.sleep(self.data_delay)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        return self.quit_reply or "221 Bye"


def start(inbox, **smtp_kwargs):
    def check(server, session, envelope, mechanism, auth_data):
        inbox.logins.append((mechanism, auth_data.login, auth_data.password))
        ok = auth_data.login == b"ana" and auth_data.password == PASSWORD.encode("utf-8")
        return AuthResult(success=ok, handled=False)

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=check,
                            auth_require_tls=False, **smtp_kwargs)
    controller.start()
    inbox.port = controller.port
    return controller


@pytest.fixture
def servers():
    started = []

    def serve(inbox=None, **smtp_kwargs):
        inbox = inbox or Inbox()
        started.append(start(inbox, **smtp_kwargs))
        return inbox

    yield serve
    for controller in started:
        controller.stop()


def config_file(tmp_path, port, extra="", delivery=""):
    path = tmp_path / "config.toml"
    path.write_text(f'[email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n{extra}'
                    + (f"[delivery]\n{delivery}" if delivery else ""))
    return path


def deliveries(home):
    with sqlite3.connect(home / "tracker.sqlite3") as conn:
        return conn.execute("SELECT status, error FROM deliveries").fetchall()


# -- 7: a non-ASCII password -------------------------------------------------------------------


def forms_of(password):
    """The ways a password (or a piece of it) could leak into a message."""
    raw = password.encode("utf-8")
    forms = [password, repr(password)[1:-1], str(raw)[2:-1], base64.b64encode(raw).decode(),
             base64.b64encode(b"\0ana\0" + raw).decode()]
    forms += [ch for ch in password if not ch.isascii()]
    forms += [repr(ch)[1:-1] for ch in password if not ch.isascii()]
    return forms


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_defect_7_a_non_ascii_smtp_password_logs_in_as_utf8(cli, servers, tmp_path, isolated_home,
                                                           mechanism):
    other = "LOGIN" if mechanism == "PLAIN" else "PLAIN"
    inbox = servers(auth_exclude_mechanism=[other])
    config = config_file(tmp_path, inbox.port, 'user = "ana"\npassword_env = "FOLLOWUP_TEST_PW"\n')
    sent = cli("--config", config, *ARGS, *TO, "--deliver", "--yes", env={"FOLLOWUP_TEST_PW": PASSWORD})
    assert sent.returncode == 0, sent.stderr
    assert len(inbox.messages) == 1
    assert inbox.logins == [(mechanism, b"ana", PASSWORD.encode("utf-8"))]
    assert deliveries(isolated_home) == [("done", None)]


def test_defect_7_no_part_of_a_secret_in_any_error_or_stored_error(cli, servers, tmp_path, isolated_home):
    inbox = servers()
    config = config_file(tmp_path, inbox.port, 'user = "ana"\npassword_env = "FOLLOWUP_TEST_PW"\n')
    wrong = "wrönğ-pässwörd"
    refused = cli("--config", config, *ARGS, *TO, "--deliver", "--yes", env={"FOLLOWUP_TEST_PW": wrong})
    assert refused.returncode == 3, refused.stderr
    assert "refused the login" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    ((status, error),) = deliveries(isolated_home)
    assert status == "failed" and "refused the login" in error
    for text in (refused.stdout, refused.stderr, error):
        for form in forms_of(wrong):
            assert form not in text, (form, text)
    assert inbox.messages == []


def test_defect_7_errors_are_scrubbed_of_every_form_of_the_password():
    """An error raised anywhere in the send (a server echoing the AUTH line, a codec error)
    is worded without the password, its escapes, its bytes or its base64."""
    from followup_script.channels.smtp import _why, secret_forms

    secrets = secret_forms("ana", PASSWORD)
    blob = base64.b64encode(b"\0ana\0" + PASSWORD.encode()).decode()
    echoed = _why(Exception(f"535 5.7.8 bad credentials for AUTH PLAIN {blob} ({PASSWORD!r})"), secrets)
    assert "535 5.7.8 bad credentials" in echoed
    try:
        PASSWORD.encode("ascii")
    except UnicodeError as exc:
        codec = _why(exc, secrets)
    for text in (echoed, codec):
        for form in forms_of(PASSWORD):
            assert form not in text, (form, text)


# -- 10: an unknown outcome is not a failure ---------------------------------------------------


def test_defect_10_a_late_250_is_unknown_and_refused_until_resend(cli, servers, tmp_path, isolated_home):
    inbox = servers(Inbox(data_delay=1.5))
    config = config_file(tmp_path, inbox.port, "timeout = 0.5\n")
    args = ["--config", config, *ARGS, *TO, "--deliver", "--yes"]
    first = cli(*args)  # the server stored it, but its 250 came after our 0.5 s timeout
    assert first.returncode == 3, first.stderr
    assert "may have been sent" in first.stderr and "--resend" in first.stderr
    assert len(first.stderr.strip().splitlines()) == 1
    assert [status for status, _ in deliveries(isolated_home)] == ["pending"]
    again = cli(*args)  # a plain rerun does not send it twice
    assert again.returncode == 4 and "Sent folder" in again.stderr, again.stderr
    assert len(inbox.messages) == 1
    resent = cli(*args, "--resend")
    assert resent.returncode == 0, resent.stderr
    assert len(inbox.messages) == 2 and [s for s, _ in deliveries(isolated_home)] == ["done"]


def test_defect_10_the_delivery_limit_after_data_is_unknown_before_it_nothing_was_sent(
        cli, servers, tmp_path, isolated_home):
    slow_reply = servers(Inbox(data_delay=1.5))
    config = config_file(tmp_path, slow_reply.port, "timeout = 30\n", "timeout_seconds = 0.5\n")
    late = cli("--config", config, *ARGS, *TO, "--deliver", "--yes")
    assert late.returncode == 3 and "--resend" in late.stderr, late.stderr
    assert [s for s, _ in deliveries(isolated_home)] == ["pending"]

    slow_rcpt = servers(Inbox(rcpt_delay=1.5))  # the limit runs out before the message went
    config = config_file(tmp_path, slow_rcpt.port, "timeout = 30\n", "timeout_seconds = 0.5\n")
    early = cli("--config", config, *ARGS, "--email", "eve@acme.example", "--deliver", "--yes")
    assert early.returncode == 3 and "nothing was sent" in early.stderr, early.stderr
    assert sorted(s for s, _ in deliveries(isolated_home)) == ["failed", "pending"]
    assert slow_rcpt.messages == []


def test_defect_10_a_421_to_quit_after_250_is_success(cli, servers, tmp_path, isolated_home):
    inbox = servers(Inbox(quit_reply="421 4.3.2 shutting down"))
    config = config_file(tmp_path, inbox.port)
    args = ["--config", config, *ARGS, *TO, "--deliver", "--yes"]
    sent = cli(*args)
    assert sent.returncode == 0, sent.stderr
    assert [s for s, _ in deliveries(isolated_home)] == ["done"]
    again = cli(*args)
    assert again.returncode == 0 and "already delivered" in again.stderr
    assert len(inbox.messages) == 1


def test_defect_10_the_smtp_timeout_defaults_to_the_delivery_limit(cli, servers, tmp_path, monkeypatch):
    import smtplib

    seen = []
    connect = smtplib.SMTP.__init__

    def spy(self, host="", port=0, local_hostname=None, timeout=None, *args, **kwargs):
        seen.append(timeout)
        connect(self, host, port, local_hostname, timeout, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "__init__", spy)
    inbox = servers()
    config = config_file(tmp_path, inbox.port, delivery="timeout_seconds = 200\n")
    sent = cli("--config", config, *ARGS, *TO, "--deliver", "--yes")
    assert sent.returncode == 0, sent.stderr
    assert seen == [200]
    seen.clear()
    config.write_text(config.read_text().replace("[delivery]\ntimeout_seconds = 200\n", ""))
    assert cli("--config", config, *ARGS, *TO, "--deliver", "--yes", "--resend").returncode == 0
    assert seen == [120]  # [delivery] timeout_seconds' own default


# -- 19: wrong types in [email] ----------------------------------------------------------------


@pytest.mark.parametrize("line,key", [
    ('timeout = "abc"', "email.timeout"),
    ("timeout = -1", "email.timeout"),
    ("timeout = true", "email.timeout"),
    ('port = "smtp"', "email.port"),
    ("port = 70000", "email.port"),
    ("port = 25.5", "email.port"),
    ("user = [\"ana\"]", "email.user"),
    ("password_command = 5", "email.password_command"),
    ("password_command = \"pass 'unclosed\"", "email.password_command"),
    ("password_env = 5", "email.password_env"),
    ("security = 1", "email.security"),
])
def test_defect_19_wrong_email_settings_are_config_errors_naming_the_key(cli, servers, tmp_path,
                                                                          line, key):
    inbox = servers()
    config = config_file(tmp_path, inbox.port)
    text = config.read_text()
    name = line.split(" =")[0]
    kept = [row for row in text.splitlines() if not row.startswith(f"{name} =")]
    config.write_text("\n".join(kept[:1] + [line] + kept[1:]) + "\n")
    result = cli("--config", config, *ARGS, *TO, "--deliver", "--yes")
    assert result.returncode == 2, result.stderr
    assert key in result.stderr and "plugin" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert inbox.messages == []


def test_defect_19_a_list_as_host_is_a_config_error(cli, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[email]\nhost = ["a"]\nsecurity = "none"\n')
    result = cli("--config", config, *ARGS, *TO, "--deliver", "--yes")
    assert result.returncode == 2, result.stderr
    assert "email.host" in result.stderr and "plugin" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- 25: internationalised domains -------------------------------------------------------------


def test_defect_25_an_idn_domain_is_punycode_in_the_eml(cli, tmp_path):
    target = tmp_path / "followup.eml"
    result = cli(*ARGS, "--email", "dana@acmé.example", "--from-email", "ana@bücher.example",
                 "--format", "eml", "--output", target)
    assert result.returncode == 0, result.stderr
    raw = target.read_bytes()
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n")[0].decode("ascii")
    addresses = [row for row in head.splitlines() if row.startswith(("To:", "From:", "Message-ID:"))]
    assert len(addresses) == 3 and not [row for row in addresses if "=?" in row], head
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == "dana@xn--acm-dma.example"
    assert msg["To"].addresses[0].display_name == "Dana Reyes"
    assert msg["From"].addresses[0].addr_spec == "ana@xn--bcher-kva.example"
    assert msg["Message-ID"].endswith("@xn--bcher-kva.example>")


def test_defect_25_an_idn_domain_is_delivered_over_smtp(cli, servers, tmp_path):
    inbox = servers()
    config = config_file(tmp_path, inbox.port)
    result = cli("--config", config, *ARGS, "--email", "dana@acmé.example",
                 "--from-email", "ana@bücher.example", "--deliver", "--yes")
    assert result.returncode == 0, result.stderr
    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == ["dana@xn--acm-dma.example"]
    assert envelope.mail_from == "ana@xn--bcher-kva.example"
    msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == "dana@xn--acm-dma.example"


@pytest.mark.parametrize("address,words", [
    ("dana@" + "é" * 70 + ".example", "IDNA"),
    ("danä@acme.example", "ASCII"),
])
def test_defect_25_addresses_email_cannot_carry_are_refused_clearly(cli, tmp_path, address, words):
    started = time.monotonic()
    result = cli(*ARGS, "--email", address, "--format", "eml", "--output", tmp_path / "x.eml")
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.eml").exists()
    assert time.monotonic() - started < 5

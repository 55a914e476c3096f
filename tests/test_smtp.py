"""Email delivery over SMTP, against a real aiosmtpd server on 127.0.0.1."""

import email
import email.policy
import json
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

ARGS = ["--name", "José Müller", "--company", "Acme Analytics", "--role", "Data Engineer",
        "--email", "jose@acme.example", "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567",
        "--from-email", "ana@example.com", "--last-contact", "2026-11-20", "--today", "2026-11-25",
        "--situation", "interview", "--outcome", "no-commitment", "--channel", "email"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"ana" and auth_data.password == b"right-password"
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=check_login, auth_require_tls=False)
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


def config_file(tmp_path, port, **extra):
    settings = {"host": "127.0.0.1", "security": "none", **extra}
    lines = ["[email]", f"port = {port}", "timeout = 10"]
    lines += [f'{k} = "{v}"' for k, v in settings.items()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_send_over_smtp(cli, smtp, tmp_path):
    config = config_file(tmp_path, smtp.port)
    result = cli("--config", config, *ARGS, "--deliver", "--yes", "--format", "json")
    assert result.returncode == 0, result.stderr
    (envelope,) = smtp.messages
    assert envelope.mail_from == "ana@example.com"
    assert envelope.rcpt_tos == ["jose@acme.example"]
    msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["To"].addresses[0].display_name == "José Müller"
    assert msg["Subject"] == "Thank you for the Data Engineer interview at Acme Analytics"
    assert msg["X-Unsent"] is None, "a sent message is not a draft"
    assert "José" in msg.get_body(("plain",)).get_content()
    receipt = json.loads(result.stdout)["receipt"]
    assert receipt["id"] == msg["Message-ID"]


def test_login_with_password_from_env(cli, smtp, tmp_path):
    config = config_file(tmp_path, smtp.port, user="ana", password_env="FOLLOWUP_TEST_SMTP_PW")
    ok = cli("--config", config, *ARGS, "--deliver", "--yes",
             env={"FOLLOWUP_TEST_SMTP_PW": "right-password"})
    assert ok.returncode == 0, ok.stderr
    assert len(smtp.messages) == 1
    again = cli("--config", config, *ARGS, "--deliver", "--yes",
                env={"FOLLOWUP_TEST_SMTP_PW": "right-password"})
    assert again.returncode == 0 and "already delivered" in again.stderr  # exactly once
    assert len(smtp.messages) == 1
    bad = cli("--config", config, *ARGS, "--deliver", "--yes", "--resend",
              env={"FOLLOWUP_TEST_SMTP_PW": "wrong-password"})
    assert bad.returncode == 3 and "refused the login" in bad.stderr
    assert "wrong-password" not in bad.stderr + bad.stdout
    assert len(smtp.messages) == 1


def test_password_from_command(cli, smtp, tmp_path):
    config = config_file(tmp_path, smtp.port, user="ana", password_command="echo right-password")
    result = cli("--config", config, *ARGS, "--deliver", "--yes")
    assert result.returncode == 0, result.stderr
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("extra,code,needle", [
    ({"password": "plain"}, 2, "password_env"),
    ({"user": "ana", "password_env": "FOLLOWUP_UNSET_VAR"}, 2, "FOLLOWUP_UNSET_VAR"),
    ({"security": "starttls"}, 3, "does not support"),
    ({"security": "carrier-pigeon"}, 2, "carrier-pigeon"),
])
def test_smtp_configuration_errors(cli, smtp, tmp_path, extra, code, needle):
    config = config_file(tmp_path, smtp.port, **extra)
    result = cli("--config", config, *ARGS, "--deliver", "--yes")
    assert result.returncode == code, result.stderr
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert smtp.messages == []


def test_no_server_is_a_delivery_error(cli, tmp_path):
    config = config_file(tmp_path, free_port())
    result = cli("--config", config, *ARGS, "--deliver", "--yes")
    assert result.returncode == 3 and "could not send" in result.stderr


def test_missing_host_says_how_to_set_it(cli, tmp_path):
    result = cli("--config", tmp_path / "none.toml", *ARGS, "--deliver", "--yes")
    assert result.returncode == 2 and "config set email.host" in result.stderr


def test_stopped_contact_sends_nothing(cli, smtp, tmp_path):
    config = config_file(tmp_path, smtp.port)
    args = [a if a != "no-commitment" else "stop" for a in ARGS]
    result = cli("--config", config, *args, "--deliver", "--yes")
    assert result.returncode == 4
    assert smtp.messages == []

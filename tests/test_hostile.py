"""Hostile data: contact values are data, never template code, HTML or headers; user
templates run sandboxed and known template-injection payloads are stopped."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest

from followup_script import History, InputError, Scriptwriter, TemplateError
from followup_script.config import Config
from followup_script.plugins import build_plugin_manager

TODAY = dt.date(2026, 11, 25)
PROFILE = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}

PAYLOADS = {
    "jinja-expression": "{{ 7*7 }}",
    "jinja-statement": "{% for x in range(3) %}X{% endfor %}",
    "jinja-dunder": "{{ ''.__class__.__mro__ }}",
    "script-tag": "<script>alert('x')</script>",
    "html-entity": "Tom &amp; Jerry <b>bold</b>",
    "markdown": "**bold** [link](http://evil.example) `code` # heading",
    "rtl": "\u202eمرحبا بالعالم",
    "emoji": "Acme 🚀🎉 Labs",
    "shouting-data": "URGENT ASAP Care",
    "ten-kb": "Ω" + "x" * 10_240,
}


def writer_with(tmp_path, sms: bool = False) -> Scriptwriter:
    extra = []
    if sms:
        extra.append(pytest.importorskip("followup_script_sms"))
    return Scriptwriter(Config(tmp_path / "config.toml", {"profile": dict(PROFILE)}),
                        build_plugin_manager(load_entrypoints=False, extra=extra))


def write(writer, channel, contact):
    plan = writer.plan(History(dt.date(2026, 11, 20), "no-commitment"), TODAY)
    return writer.write(channel, plan, contact, today=TODAY)


@pytest.mark.parametrize("value", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("channel", ["voicemail", "call", "email", "sms"])
def test_values_render_literally(tmp_path, value, channel):
    writer = writer_with(tmp_path, sms=channel == "sms")
    contact = {"name": "Dana Reyes", "company": value, "role": value, "email": "dana@acme.example",
               "phone": "+1 212 555 0123"}
    message = write(writer, channel, contact)
    text = message.text + (message.subject or "")
    shown = value
    if channel == "sms":
        from followup_script_sms.segments import plain_punctuation

        shown = plain_punctuation(value)
    assert shown in text, "the value must appear exactly as given"
    assert "49" not in text.replace(value, "")  # {{ 7*7 }} was not evaluated
    assert "XXX" not in text and "<class" not in text
    if message.html is not None:
        assert "<script>" not in message.html and "<b>" not in message.html
        assert 'href="http://evil.example"' not in message.html
        raw = bytes(message.to_email())
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        html = parsed.get_body(("html",)).get_content()
        assert "<script>" not in html


@pytest.mark.parametrize("field", ["name", "company", "role"])
def test_line_breaks_are_collapsed_in_scripts(tmp_path, field):
    writer = writer_with(tmp_path)
    contact = {"name": "Dana Reyes", field: "Acme\r\nBcc: evil@example.com\n\nInjected paragraph"}
    message = write(writer, "voicemail", contact)
    assert "\r" not in message.text
    assert "Acme Bcc: evil@example.com Injected paragraph" in message.text or field == "name"


@pytest.mark.parametrize("name", ["Dana\r\nBcc: evil@example.com", "Dana\nX-Injected: 1", "Dana\rReyes"])
def test_no_header_injection_in_email(tmp_path, name):
    writer = writer_with(tmp_path)
    message = write(writer, "email", {"name": name, "email": "dana@acme.example", "role": "Data Engineer"})
    try:
        raw = bytes(message.to_email())
    except InputError as exc:  # refusing (one line) would be safe too
        assert "\n" not in str(exc)
        return
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert [k for k in parsed.keys() if k.lower() in ("bcc", "x-injected")] == []
    assert parsed["To"].addresses[0].addr_spec == "dana@acme.example"


def test_header_injection_in_subject_via_role(tmp_path):
    writer = writer_with(tmp_path)
    message = write(writer, "email", {"name": "Dana Reyes", "email": "dana@acme.example",
                                      "role": "Engineer\r\nBcc: evil@example.com"})
    parsed = email.message_from_bytes(bytes(message.to_email()), policy=email.policy.default)
    assert parsed["Bcc"] is None and "\n" not in parsed["Subject"]


INJECTIONS = {
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "lipsum": "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "joiner": "{{ joiner.__init__.__globals__ }}",
    "namespace": "{{ namespace.__init__.__globals__ }}",
    "attr-filter": "{{ contact|attr('__class__')|attr('__mro__') }}",
    "format": "{{ '{0.__class__}'.format(contact) }}",
    "config-globals": "{{ self._TemplateReference__context }}",
    "mutate": "{% set x = contact.update({'name': 'owned'}) %}{{ contact.name }}",
}


@pytest.mark.parametrize("payload", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_template_injection_payloads_are_stopped(tmp_path, payload):
    templates = tmp_path / "templates" / "voicemail"
    templates.mkdir(parents=True)
    (templates / "three-day-check.txt.j2").write_text("Thanks. " + payload, encoding="utf-8")
    writer = writer_with(tmp_path)
    with pytest.raises((TemplateError, InputError)) as caught:
        write(writer, "voicemail", {"name": "Dana Reyes"})
    message = str(caught.value)
    assert "\n" not in message and "three-day-check.txt.j2" in message
    assert "uid=" not in message


def test_plugin_templates_run_in_the_same_sandbox(tmp_path):
    from jinja2.sandbox import SandboxedEnvironment

    writer = writer_with(tmp_path)
    assert isinstance(writer.renderer.env, SandboxedEnvironment)

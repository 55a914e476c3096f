"""Hostile sweep (issue 16): values, encodings and template payloads against the
promises of docs/security.md ("Emails cannot be hijacked by a value", "Templates
cannot reach outside themselves")."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest

from followup_script import History, InputError, Scriptwriter, TemplateError
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

TODAY = dt.date(2026, 11, 25)
PROFILE = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}

# Every character Python's str.splitlines() (and so a mail reader or a terminal) may treat
# as a line break, and a few more that look like one.
LINE_BREAKS = {"lf": "\n", "cr": "\r", "crlf": "\r\n", "vt": "\x0b", "ff": "\x0c", "fs": "\x1c", "gs": "\x1d",
               "rs": "\x1e", "nel": "\x85", "line-sep": "\u2028", "para-sep": "\u2029"}


def writer_with(tmp_path) -> Scriptwriter:
    return Scriptwriter(Config(tmp_path / "config.toml", {"profile": dict(PROFILE)}),
                        build_plugin_manager(load_entrypoints=False))


def write(writer, channel, contact):
    plan = writer.plan(History(dt.date(2026, 11, 20), "no-commitment"), TODAY)
    return writer.write(channel, plan, contact, today=TODAY)


def contact_with(field, value):
    contact = {"name": "Dana Reyes", "company": "Acme", "role": "Data Engineer", "email": "dana@acme.example"}
    contact[field] = value
    return contact


@pytest.mark.parametrize("field", ["name", "company", "role"])
@pytest.mark.parametrize("brk", LINE_BREAKS.values(), ids=LINE_BREAKS.keys())
def test_sweep_no_value_adds_a_line_to_a_script(tmp_path, field, brk):
    """security.md: line breaks in names, roles and companies are folded into spaces,
    so a value cannot add a line to a script (every Unicode line break, not only CR/LF)."""
    value = f"Acme{brk}INJECTED LINE"
    for channel in ("voicemail", "email"):
        message = write(writer_with(tmp_path), channel, contact_with(field, value))
        for text in (message.text, message.subject or ""):
            assert not any(line.startswith("INJECTED") for line in text.splitlines()), (channel, text)
            assert brk == "\n" or brk not in text


@pytest.mark.parametrize("brk", LINE_BREAKS.values(), ids=LINE_BREAKS.keys())
def test_sweep_no_value_adds_an_email_header(tmp_path, brk):
    """security.md: a value can neither add a Bcc: nor any other header."""
    message = write(writer_with(tmp_path), "email",
                    contact_with("name", f"Dana{brk}Bcc: evil@example.com") | {
                        "role": f"Engineer{brk}X-Injected: 1"})
    try:
        raw = bytes(message.to_email())
    except InputError as exc:  # refused on one line: also safe
        assert "\n" not in str(exc)
        return
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert parsed["To"].addresses[0].addr_spec == "dana@acme.example"
    assert "\n" not in parsed["Subject"]


HOSTILE_TEXT = {
    "nul": "Acme\x00Corp", "lone-surrogate": "Acme\ud800Corp", "bidi-override": "\u202eemcA", "bom": "\ufeffAcme",
    "combining-flood": "A" + "\u0301" * 500, "zalgo": "A\u0336c\u0336m\u0336e\u0336", "tab": "Acme\tCorp",
    "jinja-comment": "{# x #}Acme", "jinja-raw": "{% raw %}Acme{% endraw %}", "percent-format": "%s %(x)s {0}",
    "html-comment": "<!-- Acme -->", "markdown-image": "![x](javascript:alert(1))",
    "autolink": "<javascript:alert(1)>", "ansi-escape": "\x1b[31mAcme\x1b[0m", "long-word": "A" * 20_000,
}


@pytest.mark.parametrize("value", HOSTILE_TEXT.values(), ids=HOSTILE_TEXT.keys())
def test_sweep_hostile_text_is_printed_as_data_or_refused_on_one_line(tmp_path, value):
    """security.md: values are passed as values and never compiled; the HTML part escapes
    every value. A value is printed as it is (folded) or refused with a one-line error."""
    try:
        message = write(writer_with(tmp_path), "email", contact_with("company", value))
    except (InputError, TemplateError) as exc:
        assert "\n" not in str(exc) and "Traceback" not in str(exc)
        return
    html = message.html.lower()
    assert "<script" not in html and 'href="javascript:' not in html and 'src="javascript:' not in html
    assert "<!--" not in html
    if "{" in value:
        assert value.split("}")[0] in message.text  # the template syntax is printed, not run


SANDBOX_PAYLOADS = {
    "range-self": "{{ range.__self__ }}",
    "range-globals": "{{ range.__func__.__globals__ }}",
    "self-dict": "{{ self.__dict__ }}",
    "loop-class": "{% for x in [1] %}{{ loop.__class__.__mro__ }}{% endfor %}",
    "int-base": "{{ (1).__class__.__base__.__subclasses__() }}",
    "join-self": "{{ ''.join.__self__.__class__ }}",
    "dict-class": "{{ dict(a=1).__class__ }}",
    "list-append": "{% set x = [1] %}{{ x.append(2) }}",
    "list-pop": "{{ [1].pop() }}",
    "setdefault": "{{ {}.setdefault('a', 1) }}",
    "format-attr": "{{ '{0.__class__.__init__.__globals__}'.format(contact) }}",
    "format-filter": "{{ '%s'|format(contact.__class__) }}",
    "module-dict": '{% import "default:_common.j2" as c %}{{ c.__dict__ }}',
    "get-self": "{{ contact.get.__self__.__class__ }}",
    "map-attr": "{{ [contact]|map(attribute='__class__')|list }}",
    "attr-mro": "{{ ()|attr('__class__')|attr('__base__') }}",
    "namespace-private": "{{ namespace()._Namespace__attrs }}",
    "cycler-func": "{{ cycler(1).next.__func__.__globals__ }}",
    "me-pop": "{{ me.pop('name') }}",
    "contact-clear": "{{ contact.clear() }}",
}


@pytest.mark.parametrize("speedups", ["on", "off"])
@pytest.mark.parametrize("payload", SANDBOX_PAYLOADS.values(), ids=SANDBOX_PAYLOADS.keys())
def test_sweep_a_template_cannot_reach_outside_itself(tmp_path, monkeypatch, payload, speedups):
    """security.md: reaching for __class__, __globals__ and the like, or changing a value,
    is refused with a one-line error naming the template."""
    if speedups == "off":
        monkeypatch.setenv("FOLLOWUP_SCRIPT_NO_SPEEDUPS", "1")
    folder = tmp_path / "templates" / "voicemail"
    folder.mkdir(parents=True)
    (folder / "three-day-check.txt.j2").write_text("Thank you for your time. " + payload + "\n", encoding="utf-8")
    with pytest.raises((TemplateError, InputError)) as caught:
        write(writer_with(tmp_path), "voicemail", contact_with("name", "Dana Reyes"))
    message = str(caught.value)
    assert "\n" not in message and "three-day-check.txt.j2" in message
    assert "<class" not in message and "function" not in message.split(":")[0]


MISSING = {
    "plain": "{{ contact.nickname }}", "in-a-list": "{{ [contact.nickname] }}",
    "in-a-dict": "{{ {'a': contact.nickname} }}", "filtered": "{{ contact.nickname | upper }}",
    "in-an-if": "{% if contact.nickname %}x{% endif %}", "joined": "{{ contact.nickname ~ '!' }}",
    "formatted": "{{ '%s' | format(contact.nickname) }}", "length": "{{ contact.nickname | length }}",
    "looped": "{% for c in contact.nickname %}{{ c }}{% endfor %}",
    "macro-arg": "{% macro m(x) %}{{ x }}{% endmacro %}{{ m(contact.nickname) }}",
}


@pytest.mark.parametrize("speedups", ["on", "off"])
@pytest.mark.parametrize("body", MISSING.values(), ids=MISSING.keys())
def test_sweep_a_missing_value_is_an_error_never_a_gap(tmp_path, monkeypatch, body, speedups):
    """security.md: a value that is not set is an error naming the value and the template,
    never a blank gap (or an 'Undefined') in a message, wherever the template uses it."""
    if speedups == "off":
        monkeypatch.setenv("FOLLOWUP_SCRIPT_NO_SPEEDUPS", "1")
    folder = tmp_path / "templates" / "voicemail"
    folder.mkdir(parents=True)
    (folder / "three-day-check.txt.j2").write_text("Thank you for your time. " + body + "\n", encoding="utf-8")
    with pytest.raises((TemplateError, InputError)) as caught:
        write(writer_with(tmp_path), "voicemail", contact_with("name", "Dana Reyes"))
    message = str(caught.value)
    assert "\n" not in message and "three-day-check.txt.j2" in message and "nickname" in message, message

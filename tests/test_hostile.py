"""Hostile data: contact values are data, never template code, HTML or headers; user
templates run sandboxed and known template-injection payloads are stopped."""

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


# The sandbox has short paths for Fields lookups, imported macros and macro calls
# (render._ShortPathSandbox, a speed trick); these make sure they open nothing the
# full checks close. Every payload runs with the speed tricks on and off.
SHORT_PATH_PAYLOADS = {
    "fields-dunder": "{{ contact.__class__ }}",
    "fields-method": "{% set x = contact.clear() %}{{ contact.name }}",
    "module-dunder": '{% import "default:_common.j2" as c %}{{ c.__class__.__mro__ }}',
    "module-private": '{% import "default:_common.j2" as c %}{{ c._body_stream }}',
    "macro-globals": '{% import "default:_common.j2" as c %}{{ c.hello.__globals__ }}',
    "macro-func": '{% import "default:_common.j2" as c %}{{ c.hello._func.__globals__ }}',
}


@pytest.fixture(params=["speedups on", "speedups off"])
def speedups(request, monkeypatch):
    if request.param == "speedups off":
        monkeypatch.setenv("FOLLOWUP_SCRIPT_NO_SPEEDUPS", "1")
    return request.param


@pytest.mark.parametrize("payload", [*INJECTIONS.values(), *SHORT_PATH_PAYLOADS.values()],
                         ids=[*INJECTIONS, *SHORT_PATH_PAYLOADS])
def test_template_injection_payloads_are_stopped(tmp_path, payload, speedups):
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


def test_sandbox_short_paths_keep_jinja_semantics(tmp_path):
    # macros called in a loop (Jinja passes _loop_vars), a missing field, an
    # imported module's unknown name, and a global a plugin adds in prepare
    templates = tmp_path / "templates" / "voicemail"
    templates.mkdir(parents=True)
    (templates / "three-day-check.txt.j2").write_text(
        '{% import "default:_common.j2" as c %}'
        "{% for n in [1, 2] %}{{ c.hello(contact) }} {{ n }}. {% endfor %}"
        "{{ contact.role is defined }} {{ c.nothing is defined }} {{ contact.items is defined }} "
        "{{ me.name }}. {{ sign_off }}, thank you.", encoding="utf-8")
    writer = writer_with(tmp_path)
    writer.renderer.env.globals["sign_off"] = "Best"
    message = write(writer, "voicemail", {"name": "Dana Reyes"})
    assert message.text == "Hi Dana 1. Hi Dana 2. False False True Ana Lima. Best, thank you."


def test_builtin_templates_render_as_in_stock_jinja_sandbox(tmp_path):
    """Every built-in template gives exactly what Jinja's own sandbox gives."""
    import itertools

    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from followup_script.writing.render import build_context

    writer = writer_with(tmp_path)
    ours = writer.renderer.env
    stock = ImmutableSandboxedEnvironment(loader=ours.loader, undefined=ours.undefined,
                                          keep_trailing_newline=True, trim_blocks=True,
                                          lstrip_blocks=True)
    stock.filters.update(ours.filters)
    histories = [History(dt.date(2026, 11, 20), "scheduled", situation,
                         dt.datetime(2026, 11, 27, 10, 0)) for situation in
                 ("application", "interview", "networking", "info")]
    histories += [History(dt.date(2026, 11, 20), outcome, situation, None, attempts)
                  for outcome, situation, attempts in itertools.product(
                      ("no-time", "no-commitment", "no-answer"),
                      ("application", "interview", "networking", "info"), (0, 1, 2, 3, 4))]
    contacts = [{"name": "Dana Reyes", "company": "Acme", "role": "Data Engineer",
                 "email": "dana@acme.example", "phone": "+1 555 987 6543"}, {}]
    compared = 0
    for history, contact, kind in itertools.product(histories, contacts, ("voicemail", "call", "email")):
        plan = writer.plan(history, TODAY)
        context = build_context(plan, PROFILE, contact, TODAY)
        template = writer.renderer.template(kind, plan.stage.value, plan.situation.value)
        expected = stock.get_template(template.name).render(context)
        assert writer.renderer.render(template, context) == expected, template.name
        assert type(ours).getattr is not jinja2.sandbox.SandboxedEnvironment.getattr
        compared += 1
    assert compared == len(histories) * 6


# -- email HTML: values are text, and only web and mail links survive -------------------------


def email_writer(tmp_path, body: str) -> Scriptwriter:
    templates = tmp_path / "templates" / "email"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "three-day-check.md.j2").write_text(
        "Subject: About {{ contact.role }}\n\n" + body + "\n\nThank you for your time.\n", encoding="utf-8")
    return writer_with(tmp_path)


HOSTILE_LINKS = ["javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4=",
                 "vbscript:msgbox(1)", "file:///etc/passwd", " javascript:alert(1)", "java\tscript:alert(1)"]


@pytest.mark.parametrize("link", HOSTILE_LINKS)
@pytest.mark.parametrize("body", [
    "[our page]({{ contact.company }})", "![logo]({{ contact.company }})", "<{{ contact.company }}>",
    "[our page][ref]\n\n[ref]: {{ contact.company }}", "[{{ contact.company }}](https://example.com)",
])
def test_a_value_in_a_link_cannot_make_a_script_link(tmp_path, speedups, body, link):
    """The javascript: hole of the old token-and-shape HTML: a value put where a
    link's address goes became the href as it was given."""
    message = write(email_writer(tmp_path, body), "email", {"name": "Dana Reyes", "company": link,
                                                           "role": "Analyst"})
    html = message.html.lower()
    for scheme in ("javascript:", "vbscript:", "data:", "file:"):
        assert f'href="{scheme}' not in html and f'src="{scheme}' not in html
        assert f'href=" {scheme}' not in html
    assert "<script" not in html


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                  "data:image/png;base64,iVBORw0KGgo=", "vbscript:x", "file:///etc/passwd",
                                  "relative/page", "#top", "//evil.example/x"])
def test_only_web_and_mail_links_of_a_template_survive(tmp_path, speedups, link):
    body = f"[here]({link}) ![pic]({link}) <{link}> [web](https://example.com/a?b=c) <mailto:ana@example.com>"
    html = write(email_writer(tmp_path, body), "email", {"name": "Dana Reyes", "role": "Analyst"}).html
    assert 'href="https://example.com/a?b=c"' in html and 'href="mailto:ana@example.com"' in html
    assert html.count("<a ") == 2 and "<img" not in html
    assert "<script" not in html


MARKDOWN_VALUES = {
    "emphasis": ("*bold* _it_ **x**", ("<em>", "<strong>")),
    "code": ("`code` ```", ("<code>", "<pre>")),
    "link": ("[click](https://evil.example) <https://evil.example>", ("<a ",)),
    "image": ("![x](https://evil.example/p.png)", ("<img",)),
    "html": ("<b>bold</b> <script>alert(1)</script> <img src=x onerror=alert(1)>", ("<b>", "<script", "<img")),
    "heading": ("# Heading", ("<h1",)),
    "underline": ("===", ("<h1", "<h2")),
    "list": ("1. one", ("<ol", "<li")),
    "bullet": ("- one", ("<ul", "<li")),
    "quote": ("> quoted", ("<blockquote",)),
    "rule": ("***", ("<hr",)),
    "entity": ("&amp; &#60;b&#62;", ("<b>",)),
    "break": ("line\\", ("<br",)),
}


@pytest.mark.parametrize("value,forbidden", MARKDOWN_VALUES.values(), ids=MARKDOWN_VALUES.keys())
@pytest.mark.parametrize("filtered", ["", "|safe", "|e", "|lower", "|trim", "[0:200]"])
def test_markdown_and_html_in_values_are_shown_as_written(tmp_path, speedups, value, forbidden, filtered):
    """Whatever a template does with a value (a filter, |safe, a slice), and wherever
    it stands (alone on a line, where block syntax counts), the HTML shows it as text."""
    body = (f"{{{{ contact.company{filtered} }}}}\n{{{{ contact.role{filtered} }}}}\n\n"
            f"Hi {{{{ contact.first_name }}}}, about {{{{ contact.company{filtered} }}}}.")
    message = write(email_writer(tmp_path, body), "email", {"name": "Dana Reyes", "company": value,
                                                           "role": value})
    for tag in forbidden:
        assert tag not in message.html.lower(), (tag, message.html)
    assert message.html.startswith("<p>") and message.html.count("<p>") == 3
    if filtered in ("", "|safe", "[0:200]"):
        from markdown_it.common.utils import escapeHtml

        assert escapeHtml(value) in message.html  # exactly as given, as text


def test_the_text_is_untouched_by_the_markdown_render(tmp_path, speedups):
    message = write(email_writer(tmp_path, "Hi {{ contact.company }}, {{ contact.role|safe }}"), "email",
                    {"name": "Dana", "company": "*A* & <b>", "role": "[x](javascript:y)"})
    assert message.text.startswith("Hi *A* & <b>, [x](javascript:y)\n")

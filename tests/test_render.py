"""Every built-in template for every channel x stage x situation, and the guard."""

import datetime as dt
import email
import email.policy
import itertools
import re

import pytest

from followup_script import History, InputError, Stage, ToneError
from followup_script.writing.guard import check, warmth
from followup_script.writing.render import build_context, measure_speech, phone_groups, speak_phone

from .conftest import CONTACT, PROFILE, TODAY

CHANNELS = ["voicemail", "call", "email"]
SITUATIONS = ["application", "interview", "networking", "info"]
HISTORIES = {
    "scheduled-call": dict(outcome="scheduled", scheduled_for=dt.datetime(2026, 11, 27, 10, 0)),
    "ask-for-time": dict(outcome="no-time"),
    "three-day-check": dict(outcome="no-commitment"),
    "weekly-nudge": dict(outcome="no-answer", attempts=1),
}
LAST = dt.date(2026, 11, 20)


def write(writer, channel, stage, situation, contact=CONTACT, **extra):
    kw = dict(HISTORIES[stage])
    kw.update(extra)
    plan = writer.plan(History(LAST, situation=situation, **kw), TODAY)
    assert plan.stage.value == stage
    return writer.write(channel, plan, contact, today=TODAY)


@pytest.mark.parametrize("channel,stage,situation",
                         list(itertools.product(CHANNELS, HISTORIES, SITUATIONS)))
def test_every_template_renders_politely(writer, channel, stage, situation):
    message = write(writer, channel, stage, situation)
    text = message.text
    assert text and "{{" not in text and "{%" not in text and "}}" not in text
    assert "Ana Lima" in text or channel == "call"
    assert check("\n".join(filter(None, [message.subject, text])), message.data_values()) == []
    assert "  \n\n\n" not in text
    if channel == "voicemail":
        me = build_context(message.plan, message.profile, message.contact, TODAY)["me"]
        assert text.count(me["phone_spoken"]) == 1 and text.count(me["phone_slow"]) == 1, \
            "number said early, and again slowly at the end"
        assert text.index(me["phone_spoken"]) < text.index(me["phone_slow"])
        assert message.metrics["estimated_seconds"] <= 30, message.metrics
        assert message.warnings == []
    if channel == "email":
        assert message.subject and message.subject.lower() != "following up"
        assert 50 <= message.metrics["words"] <= 150  # channels.email.WORDS
        assert message.html.startswith("<p>")
    if channel == "call":
        assert "good time or day" in text, "the fallback ask is always there"


@pytest.mark.parametrize("channel,stage", list(itertools.product(CHANNELS, HISTORIES)))
def test_situations_change_the_wording(writer, channel, stage):
    texts = {s: write(writer, channel, stage, s).text for s in SITUATIONS}
    assert len(set(texts.values())) == len(SITUATIONS)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_sixteenth_is_as_gracious_as_the_first(writer, channel, situation):
    first = write(writer, channel, "three-day-check", situation)
    nudges = [write(writer, channel, "weekly-nudge", situation, attempts=n) for n in range(1, 52)]
    first_warmth = warmth(first.text)
    for attempt, message in enumerate(nudges, start=2):
        whole = "\n".join(filter(None, [message.subject, message.text]))
        assert check(whole, message.data_values()) == [], attempt
        assert warmth(message.text) >= first_warmth, (attempt, message.text)
        own_words = message.text
        context = build_context(message.plan, message.profile, message.contact, TODAY)
        offers = [context["call_offer"], *(slot["said"] for slot in context["call_slots"])]
        supplied = [*message.data_values(), *(v for v in message.profile.values() if isinstance(v, str)),
                    *offers]  # the callback window's hours and the times a call script offers
        for value in sorted(supplied, key=len, reverse=True):  # the callback window's hours too
            own_words = own_words.replace(value, " ")
        assert not re.search(rf"\b{attempt}\b", own_words), "never counts attempts"
        assert not re.search(r"\b(again|another)\b", own_words, re.I)
    sixteenth = nudges[14]
    assert sixteenth.plan.attempt == 16
    assert warmth(sixteenth.text) >= first_warmth
    assert len(sixteenth.text.split()) >= 0.7 * len(first.text.split())


def test_weekly_nudges_vary_by_week_deterministically(writer):
    """#15: eight nudges in a row are eight texts (they used to come back round after
    four), the same on every run, and another contact gets other words the same week."""
    texts = [write(writer, "email", "weekly-nudge", "application", attempts=n).text for n in range(1, 17)]
    assert all(len(set(texts[i:i + 8])) == 8 for i in range(len(texts) - 7))
    again = [write(writer, "email", "weekly-nudge", "application", attempts=n).text for n in range(1, 5)]
    assert again == texts[:4]
    other = write(writer, "email", "weekly-nudge", "application", attempts=1,
                  contact=dict(CONTACT, name="Lee Park")).text
    assert other.replace("Lee", "Dana") != texts[0]


@pytest.mark.parametrize("stage", ["done", "stopped"])
def test_done_and_stopped_have_no_script(writer, stage):
    outcome = "replied" if stage == "done" else "stop"
    plan = writer.plan(History(LAST, outcome), TODAY)
    for channel in CHANNELS:
        message = writer.write(channel, plan, CONTACT, today=TODAY)
        assert message.text is None and message.plan.stage == Stage(stage)


def test_missing_profile_value_names_it(writer, config):
    config.data["profile"].pop("phone")
    plan = writer.plan(History(LAST, "no-commitment"), TODAY)
    with pytest.raises(InputError) as info:
        writer.write("voicemail", plan, CONTACT, today=TODAY)
    assert "profile.phone" in str(info.value) and "--from-phone" in str(info.value)


def test_contact_fields_are_optional(writer):
    message = write(writer, "email", "three-day-check", "application", contact={})
    assert message.text.startswith("Hello,")
    assert "my application" in message.text and "role" not in message.text  # no role was given


def test_contact_values_are_data_not_templates(writer):
    hostile = {"name": "Dana", "company": "<script>alert(1)</script> {{ 7*7 }} {% for x in y %}",
               "role": "[click](javascript:alert(1)) *bold*", "email": "dana@acme.example"}
    message = write(writer, "email", "three-day-check", "interview", contact=hostile)
    assert "{{ 7*7 }}" in message.text and "49" not in message.text
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "javascript:" not in message.html.replace("[click](javascript:alert(1))", "")
    assert "<a " not in message.html and "<em>" not in message.html and "<strong>" not in message.html


def test_line_breaks_in_values_are_collapsed(writer):
    message = write(writer, "voicemail", "three-day-check", "application",
                    contact={"name": "Dana\r\nBcc: x@evil.example", "role": "Data\nEngineer"})
    assert "\r" not in message.text and "Data Engineer" in message.text


def test_voicemail_over_budget_is_a_warning(writer, config):
    long_role = {"name": "Dana", "role": " ".join(["Principal Distributed Systems"] * 6),
                 "company": "The Very Long Name Company International"}
    message = write(writer, "voicemail", "three-day-check", "application", contact=long_role)
    assert message.metrics["estimated_seconds"] > 30
    assert any("over the 30 s budget" in w for w in message.warnings)
    config.data["voicemail"] = {"budget_seconds": 120}
    message = write(writer, "voicemail", "three-day-check", "application", contact=long_role)
    assert message.warnings == []


def test_speech_timing():
    phone = "+1 555 123 4567"
    text = f"this is Ana at {speak_phone(phone)}. Thanks."
    measured = measure_speech(text, [speak_phone(phone)])
    assert measured["words"] == 5 and measured["phone_numbers"] == 1
    assert measured["estimated_seconds"] == pytest.approx(5 * 60 / 150 + 10 * 0.5)  # digits: 2 a second
    assert speak_phone("555-123-4567") == "five five five, one two three, four five six seven"
    assert phone_groups("+44 20 7946 0958") == ["44", "20", "7946", "0958"]


def test_eml_is_multipart_alternative(writer):
    message = write(writer, "email", "three-day-check", "interview",
                    contact={"name": "José Müller", "role": "Data Engineer", "email": "jose@acme.example"})
    raw = bytes(message.to_email())
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["Subject"] == message.subject
    assert parsed["To"].addresses[0].display_name == "José Müller"
    assert parsed["From"].addresses[0].addr_spec == PROFILE["email"]
    assert parsed["X-Unsent"] == "1"
    assert parsed["Message-ID"]
    assert "José" in parsed.get_body(("plain",)).get_content()
    assert "<p>" in parsed.get_body(("html",)).get_content()


def test_header_injection_is_impossible(writer):
    message = write(writer, "email", "three-day-check", "application",
                    contact={"name": "Dana", "email": "dana@acme.example"})
    message.subject = "Hello\r\nBcc: victim@example.com"
    with pytest.raises(InputError, match="line breaks"):
        message.to_email()


def test_guard_refuses_an_impolite_user_template(writer, config):
    user_dir = config.templates_dir / "voicemail"
    user_dir.mkdir(parents=True)
    (user_dir / "three-day-check.txt.j2").write_text(
        "Hi, {{ me.name }} here AGAIN. Call me back ASAP.\n")
    with pytest.raises(ToneError, match="ASAP|AGAIN"):
        write(writer, "voicemail", "three-day-check", "application")


def test_user_template_overrides_and_extends_the_builtin(config, builtin_plugins):
    from followup_script import Scriptwriter

    user_dir = config.templates_dir / "email"
    user_dir.mkdir(parents=True)
    (user_dir / "three-day-check.md.j2").write_text(
        '{% extends "default:email/three-day-check.md.j2" %}\n')
    (user_dir / "weekly-nudge.interview.md.j2").write_text(
        "Subject: About {{ contact.role }}\n\nHi {{ contact.first_name }}, thank you for your time.\n")
    writer = Scriptwriter(config, builtin_plugins)
    assert write(writer, "email", "three-day-check", "application").template == "email/three-day-check.md.j2"
    nudge = write(writer, "email", "weekly-nudge", "interview")
    assert nudge.subject == "About Data Engineer"
    assert write(writer, "email", "weekly-nudge", "application").subject != "About Data Engineer"


@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
])
def test_user_templates_are_sandboxed(writer, config, payload):
    from followup_script import TemplateError

    user_dir = config.templates_dir / "call"
    user_dir.mkdir(parents=True)
    (user_dir / "three-day-check.txt.j2").write_text(payload + " Thanks.\n")
    with pytest.raises(TemplateError):
        write(writer, "call", "three-day-check", "application")


def test_template_syntax_error_is_one_line(writer, config):
    from followup_script import TemplateError

    user_dir = config.templates_dir / "call"
    user_dir.mkdir(parents=True)
    (user_dir / "three-day-check.txt.j2").write_text("{% if %}\n")
    with pytest.raises(TemplateError, match=r"three-day-check.txt.j2 line 1"):
        write(writer, "call", "three-day-check", "application")


def test_templates_ship_inside_the_wheel(tmp_path):
    """The top-level templates/ folder is packaged and found via importlib.resources. The
    wheel is built by the project's build backend (hatchling) as tests/test_packaging.py
    builds it: a tenth of the time `pip wheel` took to set up its frontend."""
    import zipfile

    from followup_script.writing.render import builtin_templates
    from tests.test_packaging import ROOT, build

    assert (builtin_templates() / "email" / "weekly-nudge.md.j2").is_file()
    wheel = build(ROOT, tmp_path)
    assert wheel.name.startswith("followup_script-") and wheel.suffix == ".whl"
    names = zipfile.ZipFile(wheel).namelist()
    for channel in ("voicemail", "call", "email"):
        for stage in ("scheduled-call", "ask-for-time", "three-day-check", "weekly-nudge"):
            ext = "md" if channel == "email" else "txt"
            assert f"followup_script/templates/{channel}/{stage}.{ext}.j2" in names


def test_html_escapes_what_a_template_prints_as_escaping_the_values_would(writer):
    """Escaping every printed value (Jinja's finalize, in the Markdown render) gives
    the HTML that rendering with every supplied value escaped gives."""
    from followup_script.channels.email import split_subject
    from followup_script.writing.render import (
        build_context,
        escape_markdown,
        markdown_to_html,
        transform_values,
    )

    tricky = {"name": "QfsvTOKEN0Z <b>Q</b> & \"Co\"", "company": "1. [x](y) # ---",
              "role": "C++ / C# ~dev~ |pipe| === `x`", "email": "dana@acme.example"}
    for stage in HISTORIES:
        for situation in SITUATIONS:
            message = write(writer, "email", stage, situation, contact=tricky)
            context = build_context(message.plan, message.profile, message.contact, TODAY)
            template = writer.renderer.template("email", stage, situation)
            escaped = writer.renderer.render(template, transform_values(context, escape_markdown))
            assert message.html == markdown_to_html(split_subject(escaped, template.name)[1])
            assert "QfsvTOKEN0Z" in message.html


# -- no stale compiled code: an edited template, a plugin's change to the environment -----


def _render_voicemail(config, plugins, contact=CONTACT):
    from followup_script import Scriptwriter

    writer = Scriptwriter(config, plugins)
    plan = writer.plan(History(LAST, "no-commitment"), TODAY)
    return writer, writer.write("voicemail", plan, contact, today=TODAY).text


def test_an_edited_template_is_compiled_again(isolated_home, tmp_path, builtin_plugins):
    from followup_script.input.config import Config

    folder = tmp_path / "mine" / "templates" / "voicemail"
    folder.mkdir(parents=True)
    template = folder / "three-day-check.txt.j2"
    config = Config(tmp_path / "mine" / "config.toml", {"profile": dict(PROFILE)})
    template.write_text("Hi {{ contact.first_name }}, thank you. One.\n", encoding="utf-8")
    assert _render_voicemail(config, builtin_plugins)[1] == "Hi Dana, thank you. One.\n"
    template.write_text("Hi {{ contact.first_name }}, thank you. Two.\n", encoding="utf-8")
    assert _render_voicemail(config, builtin_plugins)[1] == "Hi Dana, thank you. Two.\n"


def test_html_shows_values_a_user_template_filters(config, builtin_plugins, tmp_path):
    """A template may change a value (|lower, |title, |truncate): the HTML shows what
    the text shows, never a stand-in."""
    from followup_script import Scriptwriter
    from followup_script.input.config import Config

    folder = tmp_path / "mine" / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "three-day-check.md.j2").write_text(
        "Subject: Following up on the {{ contact.role }} role\n\n"
        "Hi {{ contact.first_name }}, about {{ contact.company|lower }}, the "
        "{{ contact.role|title }} role ({{ contact.role|length }} letters) and "
        "{{ me.name|replace('Ana', 'A.') }}. Thank you for your time.\n", encoding="utf-8")
    writer = Scriptwriter(Config(tmp_path / "mine" / "config.toml", {"profile": dict(PROFILE)}),
                          builtin_plugins)
    plan = writer.plan(History(LAST, "no-commitment"), TODAY)
    message = writer.write("email", plan, {"name": "Dana Reyes", "company": "Acme <Labs>",
                                           "role": "data engineer"}, today=TODAY)
    assert "about acme <labs>, the Data Engineer role (13 letters) and A. Lima." in message.text
    assert "about acme &lt;labs&gt;, the Data Engineer role (13 letters) and A. Lima." in message.html
    assert "oken" not in message.html.lower()


def _user_renderer(tmp_path, text, prepare=None):
    from followup_script.writing.render import Renderer

    folder = tmp_path / "user" / "voicemail"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "three-day-check.txt.j2").write_text(text, encoding="utf-8")
    renderer = Renderer(user_dir=tmp_path / "user", prepare=prepare)
    return renderer, renderer.template("voicemail", "three-day-check", "application")


def test_a_plugin_that_intercepts_operators_is_not_served_older_code(isolated_home, tmp_path):
    """Jinja's sandbox only intercepts an operator in code compiled while it was
    intercepted: no code compiled before a plugin prepared the environment is reused."""
    from jinja2.sandbox import SecurityError

    from followup_script.errors import TemplateError

    text = "{{ attempt ** attempt }}"
    renderer, template = _user_renderer(tmp_path, text)
    assert renderer.render(template, {"attempt": 3}) == "27"

    def no_power(env):
        env.intercepted_binops = frozenset({"**"})

        def call_binop(context, operator, left, right):
            if operator == "**":
                raise SecurityError("** is not allowed")
            return env.binop_table[operator](left, right)

        env.call_binop = call_binop

    renderer, template = _user_renderer(tmp_path, text, prepare=no_power)
    with pytest.raises(TemplateError, match="not allowed"):
        renderer.render(template, {"attempt": 3})


def test_a_filter_replaced_under_the_same_name_is_compiled_again(isolated_home, tmp_path):
    from jinja2 import pass_context

    text = "{{ 'abc'|capitalize_first }} {{ contact.name|capitalize_first }}"
    renderer, template = _user_renderer(tmp_path, text)
    from followup_script.writing.render import Fields

    context = {"contact": Fields("contact", {"name": "dana"})}
    assert renderer.render(template, context) == "Abc Dana"

    def replace(env):
        @pass_context
        def shout(ctx, value):
            return "CTX:" + value.upper()

        env.filters["capitalize_first"] = shout

    renderer, template = _user_renderer(tmp_path, text, prepare=replace)
    assert renderer.render(template, context) == "CTX:ABC CTX:DANA"

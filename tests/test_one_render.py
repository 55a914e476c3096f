"""An email is rendered once (#19): its text, and the HTML made from the same render,
in which only the template's own words are Markdown and every value is escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_script import History, Scriptwriter, _speedups, hookimpl
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager
from followup_script.writing.markdown import Captured, TemplateText, markdown_of, markdown_to_html

TODAY = dt.date(2026, 11, 25)
LAST = dt.date(2026, 11, 20)
PROFILE = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}
CONTACT = {"name": "Dana Reyes", "company": "Acme", "role": "Data Engineer", "email": "dana@acme.example"}


def email_writer(tmp_path, template: str, plugins=(), files=None) -> Scriptwriter:
    folder = tmp_path / "mine" / "templates" / "email"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "three-day-check.md.j2").write_text(template, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder.parent / name).write_text(text, encoding="utf-8")
    config = Config(tmp_path / "mine" / "config.toml", {"profile": dict(PROFILE)})
    return Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=list(plugins)))


def write(writer, contact=CONTACT, channel="email"):
    plan = writer.plan(History(LAST, "no-commitment"), TODAY)
    return writer.write(channel, plan, contact, today=TODAY)


class Counter:
    """A plugin whose template global counts the renders it is called in."""

    def __init__(self):
        self.calls = 0

    @hookimpl
    def prepare_jinja2_environment(self, env):
        env.globals["tick"] = self.tick

    def tick(self) -> str:
        self.calls += 1
        return ""


def test_an_email_is_rendered_once(tmp_path, speedups):
    """The HTML came from a second render (fails before #19: 2 renders per email): a
    template global with an effect, or a slow one, ran twice for every email."""
    counter = Counter()
    writer = email_writer(tmp_path, "Subject: About {{ contact.role }}{{ tick() }}\n\nHi {{ contact.first_name }}, "
                                    "**thank you** for your time.\n", plugins=[counter])
    message = write(writer)
    assert counter.calls == 1
    assert message.html == "<p>Hi Dana, <strong>thank you</strong> for your time.</p>\n"


# -- only the template's own words are Markdown ----------------------------------------------------

HOSTILE = {"name": "Zoë *O'Neil* <b>x</b>", "company": "[Acme](javascript:alert(1)) & Co. #1",
           "role": "`Data` _Engineer_ ~~ | === 1. - + <img src=x onerror=alert(1)>",
           "email": "zoe@acme.example"}

PLACES = {
    "printed": "{{ contact.company }}",
    "filtered": "{{ contact.company|lower }} {{ contact.company|safe }} {{ contact.company|e }}",
    "joined": "{{ 'about ' ~ contact.company }} {{ [contact.company, contact.role]|join(', ') }}",
    "macro": "{% macro em(x) %}*{{ x }}*{% endmacro %}{{ em(contact.company) }}",
    "set block": "{% set who %}**{{ contact.company }}**{% endset %}{{ who }}",
    "filter block": "{% filter lower %}{{ contact.company }}{% endfilter %}",
    "call block": "{% macro box() %}[{{ caller() }}]{% endmacro %}{% call box() %}{{ contact.company }}{% endcall %}",
    "link text": "[{{ contact.company }}](https://example.com)",
    "link address": "[our page]({{ contact.company }}) ![logo]({{ contact.company }}) <{{ contact.company }}>",
    "line start": "\n{{ contact.company }}\n{{ contact.role }}\n\n{{ contact.name }}",
    "constant": "{{ '**not bold** [x](javascript:alert(1))' }}",
}


@pytest.mark.parametrize("place", PLACES.values(), ids=PLACES.keys())
def test_values_are_text_wherever_a_template_puts_them(tmp_path, speedups, place):
    body = f"Hi {{{{ contact.first_name }}}}, {place}.\n\nThank you for your time.\n"
    message = write(email_writer(tmp_path, "Subject: About {{ contact.role }}\n\n" + body), HOSTILE)
    html = message.html.lower()
    if place == PLACES["link text"]:  # the template's own link, its text a value
        assert '<a href="https://example.com">[acme](javascript:alert(1)) &amp; co. #1</a>' in html
        html = html.replace('<a href="https://example.com">', "").replace("</a>", "")
    for tag in ("<a ", "<img", "<code", "<h1", "<h2", "<ol", "<ul", "<li", "<blockquote", "<hr", "<b>",
                "<script", "href=", 'src="'):
        assert tag not in html, (tag, message.html)
    assert "javascript:alert(1)" in html  # shown as text
    if place in (PLACES["macro"], PLACES["set block"]):  # the template's own Markdown around the value
        assert "<em>" in html or "<strong>" in html


def test_the_template_s_own_markdown_is_markdown_and_only_web_links_are_links(tmp_path, speedups):
    template = ("Subject: About {{ contact.role }}\n\n"
                "Hi {{ contact.first_name }}, **thank you** for your time. See [our page](https://example.com/a)\n"
                "or [this](javascript:alert(1)) or ![pic](data:image/png;base64,iVBORw0KGgo=) or "
                "<mailto:ana@example.com>.\n\n- {{ contact.company }}\n- {{ contact.role }}\n")
    message = write(email_writer(tmp_path, template), HOSTILE)
    html = message.html
    assert "<strong>thank you</strong>" in html and html.count("<li>") == 2
    assert 'href="https://example.com/a"' in html and 'href="mailto:ana@example.com"' in html
    assert html.count("<a ") == 2 and "<img" not in html
    assert "javascript:" not in html.replace("[this](javascript:alert(1))", "").replace(
        "[Acme](javascript:alert(1))", "")
    assert "<li>[Acme](javascript:alert(1)) &amp; Co. #1</li>" in html


def test_the_text_is_what_the_template_says(tmp_path, speedups):
    """Captured output (a macro's, a set block's) is a string like any other to the template."""
    template = ("Subject: About {{ contact.role }}\n\n"
                "{% macro who(c) %}{{ c.first_name }}{% endmacro %}{% set me_ %}{{ me.name }}{% endset %}"
                "Hi {{ who(contact) }} ({{ who(contact)|length }}, {{ who(contact) == 'Dana' }}, "
                "{{ who(contact)|lower }}, {{ me_|replace('Ana', 'A.') }}). Thank you for your time.\n")
    message = write(email_writer(tmp_path, template))
    assert message.text == "Hi Dana (4, True, dana, A. Lima). Thank you for your time.\n"
    assert message.html == "<p>Hi Dana (4, True, dana, A. Lima). Thank you for your time.</p>\n"


def test_an_extended_template_keeps_its_markdown(tmp_path, speedups):
    base = "Subject: About {{ contact.role }}\n\n{% block body %}**Hello** {{ contact.name }}{% endblock %}\n"
    child = ('{% extends "base.md.j2" %}{% block body %}{{ super() }}, *thank you* for your time, '
             '{{ contact.company }}.{% endblock %}')
    message = write(email_writer(tmp_path, child, files={"base.md.j2": base}), HOSTILE)
    assert message.html.startswith("<p><strong>Hello</strong> Zoë *O'Neil* &lt;b&gt;x&lt;/b&gt;, "
                                   "<em>thank you</em> for your time, [Acme](javascript:alert(1)) &amp; Co. #1.")


# -- every built-in email: what the two renders gave ---------------------------------------------


def _two_render_env(renderer):
    """The environment of the HTML's second render before #19 (Renderer.render_markdown at
    24b3967): an overlay with autoescape on, a finalize escaping every printed value as
    Markdown, and |safe and |e giving what the text shows. Made once for all the cases, so
    each template is compiled once, not once a case."""
    from markupsafe import Markup
    from markupsafe import escape as html_escape

    from followup_script.writing.markdown import escape_markdown

    def literal(value):
        return value if isinstance(value, Markup) else Markup(escape_markdown(str(value)))

    env = renderer.env.overlay(autoescape=True, finalize=literal, bytecode_cache=None, cache_size=50)
    env.filters = {**renderer.env.filters, "safe": str, "e": lambda v: str(html_escape(v)),
                   "escape": lambda v: str(html_escape(v)), "forceescape": lambda v: str(html_escape(v))}
    return env


def _two_render_markdown(renderer, env, template, context) -> str:
    """The Markdown as the HTML's second render made it before #19, in ``env``
    (:func:`_two_render_env`)."""
    return renderer.render(env.get_template(template.name), context)


def test_every_builtin_email_is_what_two_renders_gave(config, builtin_plugins, monkeypatch):
    """Subject, text and HTML of every built-in email template, with plain, Markdown-laden,
    hostile and no values, as the two renders made them (their HTML by markdown-it)."""
    from followup_script.channels.email import split_subject
    from followup_script.writing.render import Renderer
    from tests.test_speedups import email_cases

    seen = []
    real = Renderer.render_parts

    def recorded(self, template, context):  # the real render, its arguments kept
        seen.append((template, context))
        return real(self, template, context)

    monkeypatch.setattr(Renderer, "render_parts", recorded)
    writer = Scriptwriter(config, builtin_plugins)
    two_render = _two_render_env(writer.renderer)
    compared = 0
    for case, history, profile, contact in email_cases():
        if case.startswith(("weekly-nudge-3/", "weekly-nudge-4/")):  # (as 1 and 2, a week on)
            continue
        if case.endswith("/plain/accented"):
            contact = HOSTILE
        message = writer.write("email", writer.plan(history, TODAY), contact, profile, today=TODAY)
        template, context = seen.pop()
        subject, text = split_subject(writer.renderer.render(template, context), template.name)
        assert (message.subject, message.text) == (subject, "\n".join(line.rstrip() for line in text.split("\n")))
        old = _two_render_markdown(writer.renderer, two_render, template, context)
        with monkeypatch.context() as plain:
            plain.setenv(_speedups.ENV_OFF, "1")
            assert message.html == markdown_to_html(split_subject(old, template.name)[1]), case
        compared += 1
    assert compared >= 100


# -- a third-party email channel -------------------------------------------------------------------


class Outbox:
    """A third-party email channel (its own name, the email templates) that builds its
    HTML from the one render through the public RenderJob."""

    @hookimpl
    def register_channels(self, register):
        from followup_script import Channel

        register(Channel(name="outbox", description="An outbox of a plugin's own", kind="email",
                         finish=self.finish))

    @staticmethod
    def finish(message, job):
        from followup_script.channels.email import split_subject

        message.subject, message.text = split_subject(message.text, message.template)
        message.html = markdown_to_html(split_subject(job.render_markdown(), message.template)[1])


def test_a_third_party_email_channel_gets_the_same_html(tmp_path, speedups):
    template = ("Subject: About {{ contact.role }}\n\n**Hi** {{ contact.first_name }}, about "
                "{{ contact.company }}: [our page](https://example.com). Thank you for your time.\n")
    counter = Counter()
    writer = email_writer(tmp_path, template + "{{ tick() }}", plugins=[Outbox(), counter])
    ours, theirs = write(writer, HOSTILE), write(writer, HOSTILE, channel="outbox")
    assert counter.calls == 2, "one render each"
    assert theirs.html == ours.html and theirs.text == ours.text and theirs.subject == ours.subject
    assert ours.html.startswith("<p><strong>Hi</strong> Zoë, about [Acme](javascript:alert(1)) &amp; Co. #1: "
                                '<a href="https://example.com">our page</a>.')


# -- the HTML made from the text is markdown-it's ----------------------------------------------------

_BITS = ["Dana", "é", "Zoë", " ", "  ", "\n", "  \n", "\n\n", ".", ",", "'", '"', ":", "/", "(", ")", "#", "-",
         "+", "=", "!", "|", "~", ">", "1.", "*", "_", "`", "[", "]", "<", "&", "\\", "\t", "\u00a0", "\r",
         "    ", "- ", "> ", "# ", "===", "[x](http://a.b)", "<http://a.b>", "\\*"]
_STRING = st.lists(st.sampled_from(_BITS), max_size=6).map("".join)
_LEAF = st.one_of(_STRING.map(TemplateText), _STRING, _STRING.map(TemplateText))


def _captured(parts):
    from followup_script.writing.markdown import captured

    return captured(parts)


_PARTS = st.recursive(st.lists(_LEAF, max_size=8),
                      lambda inner: st.lists(st.one_of(_LEAF, inner.map(_captured)), max_size=6), max_leaves=20)


@settings(max_examples=max(100, settings.default.max_examples // 10))  # 100; make fuzz: 1,000
@given(_PARTS, st.integers(min_value=0, max_value=40))
def test_the_html_of_a_render_is_markdown_it_s_of_its_markdown(parts, start):
    from followup_script.writing.render import Rendered

    rendered = Rendered(parts)
    start = min(start, len(rendered.text))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(_speedups.ENV_OFF, "1")
        expected = markdown_to_html(markdown_of(parts, start))
        assert rendered.html(start) == expected
    assert rendered.html(start) == expected


def test_markdown_of_escapes_what_was_computed():
    inner = _captured([TemplateText("**"), "*x*", TemplateText("**")])
    assert isinstance(inner, Captured) and str(inner) is inner and inner == "***x***"
    assert markdown_of([TemplateText("Hi "), inner, ", ", "[a](b)"]) == "Hi **\\*x\\***, \\[a\\]\\(b\\)"
    assert markdown_of([TemplateText("Hi "), inner], start=4) == "*\\*x\\***"


def test_output_that_is_not_text_is_a_template_error(tmp_path):
    """A block whose filter makes a number: the render's parts are joined where its errors are worded."""
    from followup_script import TemplateError

    writer = email_writer(tmp_path, "Subject: About {{ contact.role }}\n\n{% filter length %}Thank you{% endfilter %}\n")
    with pytest.raises(TemplateError, match=r"three-day-check.md.j2 failed: TypeError"):
        write(writer)

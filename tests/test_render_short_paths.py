"""The render's short ways (the sandbox's short paths for macro calls, the HTML's bare text,
the guard not reading HTML made from the text) give exactly what the long ways give."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_script import ToneError, _speedups, hookimpl
from followup_script.writing.markdown import TemplateText, bare_of, captured
from tests.test_one_render import CONTACT, HOSTILE, email_writer, write

MACROS = """{% import "_common.j2" as common %}
{% macro two(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}
{% macro given(a, b="B", c=none) %}[{{ a }}|{{ b }}|{{ c }}]{% endmacro %}
{% macro more(a) %}[{{ a }}|{{ varargs|join(",") }}]{% endmacro %}
{% macro named(a) %}[{{ a }}|{{ kwargs|dictsort }}]{% endmacro %}
{% macro box(x) %}<{{ x }}:{{ caller() }}>{% endmacro %}
{% macro boxed(x, caller=none) %}<{{ x }}:{{ caller() if caller else "-" }}>{% endmacro %}
{% macro down(n) %}{{ n }}{% if n > 0 %},{{ down(n - 1) }}{% endif %}{% endmacro %}
{{ two(1, 2) }} {{ given(1) }} {{ given(1, 2) }} {{ given(1, c=3) }} {{ given(a=1) }}
{{ more(1, 2, 3) }} {{ more(1) }} {{ named(1, z=2) }} {% call box(1) %}in{% endcall %}
{% call boxed(2) %}in{% endcall %} {{ boxed(3) }} {{ down(3) }} {{ two(*[4, 5]) }} {{ given(**{"a": 6}) }}
{{ common.subject_about("info", contact) }} {{ common.topic("interview", contact) }}
"""
# what Jinja's own sandbox gives for it (the same with every trick off: the test below)
MACRO_TEXT = ("[1|2] [1|B|None] [1|2|None] [1|B|3] [1|B|None]\n"
              "[1|2,3] [1|] [1|[('z', 2)]] <1:in><2:in> <3:-> 3,2,1,0 [4|5] [6|B|None]\n"
              "my question our interview for the Data Engineer role at Acme\n")


def _render(tmp_path, template, off: bool, monkeypatch) -> str:
    if off:
        monkeypatch.setenv(_speedups.ENV_OFF, "1")
    else:
        monkeypatch.delenv(_speedups.ENV_OFF, raising=False)
    writer = email_writer(tmp_path / ("off" if off else "on"), template)
    renderer = writer.renderer
    return renderer.render_parts(renderer.env.get_template("email/three-day-check.md.j2"),
                                 {"contact": {"first_name": "Dana", **CONTACT}})


def test_macros_through_the_short_path_give_what_jinja_gives(tmp_path, monkeypatch):
    """Macros called through the sandbox's short path give what Jinja's own sandbox gives
    (fails if it passes the arguments, the defaults or the caller differently)."""
    on, off = (_render(tmp_path, MACROS, flag, monkeypatch) for flag in (False, True))
    assert on.text == off.text
    assert on.text == MACRO_TEXT
    assert on.markdown() == off.markdown() and on.html() == off.html()


@pytest.mark.parametrize("call", ["{{ two(1) }}", "{{ two(1, 2, 3) }}", "{{ two(1, c=2) }}", "{{ box(1) }}",
                                  "{{ two(1, caller=2) }}", "{{ down(10000) }}"])
def test_a_macro_called_wrongly_fails_as_it_does_in_jinja(tmp_path, monkeypatch, call):
    from followup_script.errors import FollowupError

    errors = []
    for off in (False, True):
        with pytest.raises(FollowupError) as caught:
            _render(tmp_path, MACROS.split("{{ two(1, 2) }}")[0] + call, off, monkeypatch)
        errors.append((type(caught.value), str(caught.value)))
    assert errors[0] == errors[1]


# -- the bare text the plain HTML is told from ----------------------------------------------------

_BITS = ["Dana", "é", " ", "\n", ".", "'", '"', "#", "-", "+", "=", "!", "|", "~", ">", "*", "_", "`", "[",
         "]", "<", "&", "\\", "{", "}", "(", ")", "\t", "\u00a0", "1."]
_STRING = st.lists(st.sampled_from(_BITS), max_size=6).map("".join)
_LEAF = st.one_of(_STRING.map(TemplateText), _STRING)
_PARTS = st.recursive(st.lists(_LEAF, max_size=8),
                      lambda inner: st.lists(st.one_of(_LEAF, inner.map(captured)), max_size=6), max_leaves=20)
_ESCAPED = "\\`*_{}[]()#+-.!<>|~&\"'="


def _leaves(parts):
    for part in parts:
        if hasattr(part, "_parts"):
            yield from _leaves(part._parts)
        else:
            yield part


@settings(max_examples=max(100, settings.default.max_examples // 10))
@given(_PARTS)
def test_bare_text_is_the_text_with_each_value_s_escaped_characters_blanked(parts):
    """As bare_of was written before it became one pass (the whole text translated, then the
    template's own words put back)."""
    expected = "".join(leaf if type(leaf) is TemplateText else "".join("a" if c in _ESCAPED else c for c in leaf)
                       for leaf in _leaves(parts))
    assert bare_of(parts) == expected
    assert len(bare_of(parts)) == len("".join(parts))


# -- the guard and HTML made from the text --------------------------------------------------------

SHOUTING = "Subject: About {{ contact.role }}\n\nHi {{ contact.first_name }}, please reply ASAP. Thank you.\n"


class Rewriter:
    """A third-party email channel whose finish changes the text, before or after the core's
    finish made the HTML from the render."""

    def __init__(self, when: str):
        self.when = when

    @hookimpl
    def register_channels(self, register):
        from followup_script import Channel

        register(Channel(name="rewriter", description="rewrites the text", kind="email", finish=self.finish))

    def finish(self, message, job):
        from followup_script.channels import email

        clean = "Subject: Hello\n\nHi Dana, thank you for your time."
        if self.when == "before":
            message.text = clean
        email.finish(message, job)
        if self.when == "after":
            message.text = clean.partition("\n\n")[2]


@pytest.mark.parametrize("when", ["before", "after"])
def test_html_that_says_something_the_text_does_not_is_still_guarded(tmp_path, speedups, when):
    """The guard skips reading HTML made from the text only when the text is still what it was
    made from (fails if it trusts any plain-paragraph HTML: ASAP would get through)."""
    writer = email_writer(tmp_path, SHOUTING, plugins=[Rewriter(when)])
    with pytest.raises(ToneError, match=r"the HTML of the rewriter script.*pressure: 'ASAP'"):
        write(writer, channel="rewriter")


def test_html_made_from_the_text_is_known_to_say_it(tmp_path, speedups):
    from followup_script.channels.email import html_said, html_text

    message = write(email_writer(tmp_path, SHOUTING.replace(" ASAP", "")), HOSTILE)
    assert html_text(message.html).split() == message.text.split()
    assert html_said(message) == ("" if speedups == "on" else html_text(message.html))
    message.text += " More words."
    assert html_said(message) == html_text(message.html)


def test_the_html_a_finish_did_not_make_from_this_text_is_read(tmp_path):
    from followup_script.channels.email import html_said
    from followup_script.writing.render import Rendered

    html = Rendered([TemplateText("Hi there, ASAP.\n")]).html()
    assert type(html) is _speedups.PlainHTML and html.says is None

    class Message:
        text = "Hi there, ASAP.\n"

    Message.html = html
    assert html_said(Message).split() == ["Hi", "there,", "ASAP."]


# the template's own words mostly plain, so that most renders take the plain way
_WORDS = st.lists(st.sampled_from(["Dana", "Zoë", " ", "\n", "\n\n", "  \n", ", ", "5", "x"]),
                  max_size=6).map("".join)
_VALUE = st.sampled_from(["Dana", "Zoë Müller", "*x*", "_y_", "[a](javascript:b)", "<b>x</b>", "a & b", "1. item",
                          "- dash", "# h", "x.", "O'Neil", '"q"', "`c`", "+1 555 123 4567", "5", "|p|", "~s~", "=",
                          "!", "a\\b", "&amp;", "x\n- y"])
_PLAIN_PARTS = st.recursive(
    st.lists(st.one_of(_WORDS.map(TemplateText), _VALUE), max_size=8),
    lambda inner: st.lists(st.one_of(_WORDS.map(TemplateText), _VALUE, inner.map(captured)), max_size=6),
    max_leaves=20)


@settings(max_examples=max(100, settings.default.max_examples // 10))
@given(_PLAIN_PARTS)
def test_html_made_from_the_text_says_the_text_s_words(parts):
    """What the guard's skip stands on: the parser reads in plain-paragraph HTML the words
    of the text it was made from, whatever the values (fails if _paragraphs drops, adds or
    joins a word)."""
    from followup_script.channels.email import html_text
    from followup_script.writing.render import Rendered

    rendered = Rendered(parts)
    html = rendered.html()
    if type(html) is _speedups.PlainHTML:
        assert html.source == rendered.text
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(_speedups.ENV_OFF, "1")
            assert html_text(html).split() == rendered.text.split()


def test_a_message_with_html_made_from_its_text_copies_and_pickles(tmp_path):
    import copy
    import pickle

    from followup_script.channels.email import html_said

    message = write(email_writer(tmp_path, SHOUTING.replace(" ASAP", "")))
    for twin in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert twin.html == message.html and twin.text == message.text
        assert html_said(twin) in ("", html_said(copy.copy(message)))

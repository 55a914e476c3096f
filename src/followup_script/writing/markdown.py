"""Markdown for email HTML from the one render of a template, and HTML from Markdown.

An email template is rendered once (``writing.render.Renderer.render_parts``). Its
text is the output as it is. Its Markdown is built from the same output, part by
part, with one rule: **only the template's own words are Markdown**. The code
generator (``writing.limits``) makes every piece of literal template text a
:class:`TemplateText` when the template is compiled; whatever is computed while it
renders (a value, a filter's result, a concatenation, a ``{% filter %}`` block)
is a plain string and is Markdown-escaped whole (:func:`escape_markdown`). A macro's
or a ``{% set %}`` block's output is a :class:`Captured` string, which remembers
its parts and obeys the same rule inside. Nothing a template does at render time
can make a :class:`TemplateText`, so no value reaches the Markdown unescaped.

:func:`markdown_to_html` then makes the HTML with raw HTML off and only web and
mail links (a ``[link](javascript:...)`` the template itself writes stays text).
"""

from __future__ import annotations

_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!<>|~&\"'="})


def escape_markdown(value: str) -> str:
    """Backslash-escape every Markdown punctuation so a value renders literally."""
    return value.translate(_MD_ESCAPES)


class TemplateText(str):
    """Literal text of a template, as compiled (never made from anything rendered)."""

    __slots__ = ()


class Captured(str):
    """What a macro, a ``{% set %}`` block or ``super()`` rendered: a string like any
    other to the template (``str()`` keeps it as it is), which remembers its parts so
    that its Markdown escapes the values in it and keeps the template's own words."""

    __slots__ = ("_parts",)
    _parts: list

    def __str__(self):  # Jinja prints with str(): keep the parts
        return self


def captured(parts) -> Captured:
    """``"".join(parts)``, remembering the parts (the ``concat`` of rendered output)."""
    parts = parts if type(parts) is list else list(parts)
    out = Captured("".join(parts))
    out._parts = parts
    return out


def _leaves(parts, out: list) -> list:
    """The parts of rendered output with every captured output opened up, in order."""
    for part in parts:
        if type(part) is Captured:
            _leaves(part._parts, out)
        else:
            out.append(part)
    return out


def _text(part) -> str:
    return str.__str__(part) if isinstance(part, str) else str(part)


def markdown_of(parts, start: int = 0) -> str:
    """The Markdown of rendered output (from character ``start`` of its text): the
    template's own words as they are, anything computed while rendering escaped."""
    out = []
    for part in _leaves(parts, []):
        literal = type(part) is TemplateText
        if start:
            if len(part) <= start:
                start -= len(part)
                continue
            part, start = part[start:], 0
        out.append(part if literal else escape_markdown(_text(part)))
    return "".join(out)


_ESCAPED = None  # what escape_markdown escapes, as a pattern (compiled on first use)


def bare_of(parts) -> str:
    """The text of rendered output with each character a value's escaping would escape
    made the letter ``a`` (what an escape counts as when Markdown is read): as long as
    the text, character for character. For ``_speedups.plain_text_html``."""
    global _ESCAPED
    if _ESCAPED is None:
        import re

        _ESCAPED = re.compile("[" + re.escape("".join(map(chr, _MD_ESCAPES))) + "]")
    out: list = []
    _bare(parts, out, _ESCAPED.sub)
    return "".join(out)


def _bare(parts, out: list, blank) -> None:
    for part in parts:  # the template's own words as they are, each value blanked, in one pass
        kind = type(part)
        if kind is TemplateText:
            out.append(part)
        elif kind is Captured:
            _bare(part._parts, out, blank)
        else:
            out.append(blank("a", part))


_WEB_LINK = ("http:", "https:", "mailto:")


def _web_link(url: str) -> bool:
    """Only http, https and mailto links (and images) survive; any other becomes text."""
    return url.strip().lower().startswith(_WEB_LINK)


_markdown = None


def markdown_to_html(text: str) -> str:
    """CommonMark to HTML (markdown-it-py, loaded on use): raw HTML is shown as
    text, and a link or image whose address is not http, https or mailto stays text.
    (An email's own HTML comes from ``writing.render.Rendered.html``, which takes a
    short way for Markdown that is only paragraphs.)"""
    global _markdown
    if _markdown is None:
        from markdown_it import MarkdownIt

        _markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        _markdown.validateLink = _web_link  # type: ignore[method-assign]  # markdown-it's way to judge links
    return _markdown.render(text)

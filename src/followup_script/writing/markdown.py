"""Markdown for email HTML: values escaped as literal text, and HTML from Markdown.

A template renders as Markdown with Jinja's autoescape on and :func:`markdown_literal`
as its ``finalize`` (``writing.render.Renderer.render_markdown``), so every value it
prints is literal text; :func:`markdown_to_html` makes the HTML with raw HTML off
and only web and mail links.
"""

from __future__ import annotations

from markupsafe import Markup
from markupsafe import escape as markupsafe_escape

from followup_script import _speedups

_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!<>|~&\"'="})


def escape_markdown(value: str) -> str:
    """Backslash-escape every Markdown punctuation so a value renders literally."""
    return value.translate(_MD_ESCAPES)


def markdown_literal(value) -> Markup:
    """Jinja's ``finalize`` for Markdown renders: a printed value becomes literal
    Markdown. Markup is what the render itself built from escaped values (a macro's
    or a block's output) and stays as it is."""
    if isinstance(value, Markup):
        return value
    return Markup(escape_markdown(str(value)))


def _as_text(value) -> str:
    return str(value)


def _escape_as_text(value) -> str:
    return str(markupsafe_escape(value))


# In a Markdown render, |safe does not let a value through as Markdown, and |e
# gives the same characters the text shows (escaped again as a value).
MARKDOWN_FILTERS = {"safe": _as_text, "e": _escape_as_text, "escape": _escape_as_text,
                     "forceescape": _escape_as_text}

_WEB_LINK = ("http:", "https:", "mailto:")


def _web_link(url: str) -> bool:
    """Only http, https and mailto links (and images) survive; any other becomes text."""
    return url.strip().lower().startswith(_WEB_LINK)


_markdown = None


def markdown_to_html(text: str) -> str:
    """CommonMark to HTML (markdown-it-py, loaded on use): raw HTML is shown as
    text, and a link or image whose address is not http, https or mailto stays text."""
    if _speedups.enabled():
        html = _speedups.plain_markdown_html(text)
        if html is not None:
            return html
    global _markdown
    if _markdown is None:
        from markdown_it import MarkdownIt

        _markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        _markdown.validateLink = _web_link
    return _markdown.render(text)

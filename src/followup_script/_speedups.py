"""Every speed trick of followup-script lives here, or is switched here, behind one switch.

A trick earns its place only by a measured gain of at least 10% on its
benchmark in ``bench/`` (docs/performance.md lists each one and what it buys).
Set ``FOLLOWUP_SCRIPT_NO_SPEEDUPS=1`` to turn all of them off: the program then
takes the plain, obviously-right path everywhere, which is also what the tests
(tests/test_speedups.py) compare the tricks against. The tricks:

- ``--help`` lists the commands from a cache (``cli/help_cache.py``).
- The sandbox's short paths for the lookups and macro calls every template
  makes (``writing/render.py``, ``_ShortPathSandbox``, chosen in ``Renderer``).
- The courtesy guard remembers its verdict on a masked text
  (``writing/guard.py``, ``_check_masked``).
- Email HTML for Markdown that is only paragraphs, line breaks and escapes
  (what every built-in email is) is built without a Markdown parser:
  :func:`plain_markdown_html` here, used by ``writing/render.markdown_to_html``.

Light on purpose (the start-up path reads :func:`enabled`): the standard library only.
"""

from __future__ import annotations

import os
import re

ENV_OFF = "FOLLOWUP_SCRIPT_NO_SPEEDUPS"


def enabled() -> bool:
    """True unless ``FOLLOWUP_SCRIPT_NO_SPEEDUPS`` is set to something other than ``0`` or empty."""
    return os.environ.get(ENV_OFF, "") in ("", "0")


# -- Markdown that is only paragraphs -------------------------------------------------------

# A backslash and an ASCII punctuation character: that character, literally.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Once escapes are out of the way, any of these may start something other than
# text: code, emphasis, a link or image, an autolink or HTML, an entity, a hard
# break (a backslash); a tab or other white space than spaces and line ends.
_NOT_TEXT = re.compile(r"[`*_\[\]<&\\\x00-\x09\x0b-\x1f\x7f]|[^\S \n]")
# A line that is not blank and does not start with a letter may be a list item, a
# heading, a quote, a rule, a fence, an underline or indented code.
_NOT_A_PARAGRAPH_LINE = re.compile(r"\n(?! *(?:\n|$))(?![^\W\d_])")
_PARAGRAPH_BREAK = re.compile(r" *\n(?: *\n)+")
_HARD_BREAK = re.compile(r"  +\n")


def plain_markdown_html(text: str) -> str | None:
    """What markdown-it (CommonMark, raw HTML off) makes of ``text`` when it is only
    paragraphs, line breaks and backslash escapes; None when it may be anything else.

    Every line that is not blank starts with a letter or an escape, and nothing
    but an escape uses a character that could start other Markdown. The HTML is
    then paragraphs of escaped text, with ``<br />`` where a line ends in two
    spaces: no link, image or attribute can come out of it. A property test
    compares it with markdown-it on Markdown of every kind.
    """
    bare = _ESCAPE.sub("a", text)
    if _NOT_TEXT.search(bare) or _NOT_A_PARAGRAPH_LINE.search("\n" + bare):
        return None
    text = _ESCAPE.sub(r"\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = text.strip(" \n")
    if not text:
        return ""
    html = _HARD_BREAK.sub("<br />\n", _PARAGRAPH_BREAK.sub("</p>\n<p>", text)).replace(" \n", "\n")
    return f"<p>{html}</p>\n"

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
- An email's HTML, when its Markdown is only paragraphs, line breaks and escaped
  values (what every built-in email is), is made from the text of the one render
  without a Markdown parser: :func:`plain_text_html` here, used by
  ``writing/render.Rendered.html``; and the courtesy guard does not read such HTML
  back when the email's finish found it made from the text it left, whose words it
  says (:class:`PlainHTML`, ``channels/email.html_said``).
- The installed plugins' entry points are remembered in the user cache while nothing
  is installed or removed (``_cache.entry_points``, switched in ``plugins/manager``).
- The call slots are worked out once per distinct day, zones and windows
  (:func:`remember`, on ``writing/context._offers``).
- A plain name is greeted by its first word without nameparser, which would
  say the same (``writing/people.name_to_greet``).
- A plainly written North American number ("+1 555 123 4567") is said in
  phonenumbers' own US forms without importing phonenumbers (:func:`nanp_digits`
  here, used by ``writing/phones``).
- Compiled templates are kept between runs in Jinja's own bytecode cache,
  read only from files no other user could have written
  (``writing/render.Renderer``, with ``_cache.read_private``).
- The console script holds the cyclic garbage collector while start-up makes the
  objects that live until exit, then freezes them (:func:`hold_collector`,
  :func:`release_collector`, called by ``cli.run`` and ``cli.started``).

Light on purpose (the start-up path reads :func:`enabled`): the standard library
only, and regular expressions compiled on first use.
"""

from __future__ import annotations

import gc
import os
import re
from functools import cache, lru_cache, wraps

ENV_OFF = "FOLLOWUP_SCRIPT_NO_SPEEDUPS"


# The switch is read a few times per message, so it is read from os.environ's own
# dict with the key encoded once: os.environ.get encodes it on every call (0.5 µs,
# 4% of a batch row). Where os.environ has no such dict, os.environ.get is used.
try:
    _ENVIRON, _KEY = os.environ._data, os.environ.encodekey(ENV_OFF)  # type: ignore[attr-defined]
    _ON = (os.environ.encodevalue(""), os.environ.encodevalue("0"))
except AttributeError:  # pragma: no cover (not CPython's os.environ)
    _ENVIRON = None


def enabled() -> bool:
    """True unless ``FOLLOWUP_SCRIPT_NO_SPEEDUPS`` is set to something other than ``0`` or empty."""
    if _ENVIRON is None:  # pragma: no cover
        return os.environ.get(ENV_OFF, "") in ("", "0")
    value = _ENVIRON.get(_KEY)
    return value is None or value in _ON


def remember(func):
    """``func``'s answers remembered (an lru_cache of 1,024) while the switch is on:
    for a pure function of a few hashable arguments (a batch has few distinct dates)."""
    remembered = lru_cache(maxsize=1024)(func)

    @wraps(func)
    def call(*args):
        return remembered(*args) if enabled() else func(*args)

    return call


# -- Markdown that is only paragraphs -------------------------------------------------------


# every white space but " " and "\n" (what [^\S \n] matches, one class is 4x faster to search)
_ODD_SPACE = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


@cache
def _plain_markdown():
    """The patterns, compiled on first use (``--help`` imports this module)."""
    return (
        # once escapes are out of the way, any of these may start something other
        # than text: code, emphasis, a link or image, an autolink or HTML, an entity,
        # a hard break (a backslash); a tab or other white space than spaces and line ends
        re.compile(f"[`*_\\[\\]<&\\\\\\x00-\\x09\\x0b-\\x1f\\x7f{_ODD_SPACE}]"),
        # a line that is not blank and does not start with a letter may be a list
        # item, a heading, a quote, a rule, a fence, an underline or indented code;
        # digits are a list item's number only before "." or ")" ("555-123-4567" is text)
        re.compile(r"\n(?! *(?:\n|$))(?![^\W\d_])(?!\d+(?:[^\d.)]|$))"),
        re.compile(r"\n(?: *\n)+"),  # between paragraphs
        re.compile(r"  +\n"),  # a hard break
    )


def plain_text_html(text: str, bare: str) -> str | None:
    """What markdown-it (CommonMark, raw HTML off) makes of the Markdown of one render
    when that Markdown is only paragraphs, line breaks and escaped values; None when
    it may be anything else. Made from the render's ``text``: ``bare`` is that text
    with every character a value's escaping escapes made ``a`` (what an escape counts
    as; ``writing.markdown.bare_of``, as long as ``text``) and the template's own words
    as written.

    Every line that is not blank starts with a letter, an escape or digits that are not
    a list item's number, and nothing but an
    escape uses a character that could start other Markdown (a backslash of the
    template's own is one: such Markdown takes the long way). Then the Markdown with
    its escapes undone is ``text`` itself, and the HTML is paragraphs of escaped text,
    with ``<br />`` where a line ends in two spaces: no link, image or attribute can
    come out of it. Property tests compare it with markdown-it on Markdown of every kind.
    """
    not_text, not_a_paragraph_line, _, _ = _plain_markdown()
    if not_text.search(bare) or not_a_paragraph_line.search("\n" + bare):
        return None  # (a backslash of the template's own is in not_text: the long way)
    return _paragraphs(text)


class PlainHTML(str):
    """HTML that :func:`plain_text_html` made from the text ``source``: its paragraphs,
    escaped, and nothing else, so it says the words of ``source``. ``says``: the message
    text an email's finish found it made from (``channels.email.finish``), which the
    courtesy guard then need not read again (``channels.email.html_said``)."""

    __slots__ = ("source", "says")
    source: str | None
    says: str | None

    def __new__(cls, html: str, source: str | None = None):  # (copy and pickle make it with the HTML alone)
        self = super().__new__(cls, html)
        self.source, self.says = source, None
        return self


def _paragraphs(text: str) -> str:
    """Paragraphs of escaped text, ``<br />`` where a line ends in two spaces."""
    *_, paragraph_break, hard_break = _plain_markdown()
    source = text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = text.strip(" \n")
    if not text:
        return ""
    html = hard_break.sub("<br />\n", paragraph_break.sub("</p>\n<p>", text)).replace(" \n", "\n")
    while " </p>" in html:  # a paragraph's last line ends in no space
        html = html.replace(" </p>", "</p>")
    return PlainHTML(f"<p>{html}</p>\n", source)


# -- North American numbers without phonenumbers ------------------------------------------------

_NANP = None


def nanp_digits(phone: str, region: str) -> str | None:
    """The ten digits of a plainly written North American number ("+1 555 123 4567", or
    "(555) 123-4567" read in the US), whose forms ``writing/phones`` can write without
    importing phonenumbers (10 ms of a one-shot): "(555) 123-4567" and "+1 555-123-4567",
    phonenumbers' own US formats; None for anything else, and with the switch off.
    tests/test_start_up_imports.py holds the forms equal to phonenumbers' over many numbers."""
    global _NANP
    if not enabled():
        return None
    if _NANP is None:
        _NANP = re.compile(r"(\+1 ?|(?!\+))\(?([2-9]\d\d)\)?[ .\-]?(\d{3})[ .\-]?(\d{4})")
    found = _NANP.fullmatch(phone)
    if found is None or (not found[1] and region != "US"):
        return None
    return found[2] + found[3] + found[4]


# -- the collector at start-up -------------------------------------------------------------------

_holding = False  # hold_collector() turned the collector off and release_collector() has not run


def hold_collector() -> None:
    """Turn the cyclic garbage collector off while the console script starts (its modules,
    click's options, the plugins, the Jinja environment: some 40,000 objects that live until
    the process ends, which the collector would scan some 50 times and free nothing of)."""
    global _holding
    if enabled() and gc.isenabled():
        gc.disable()
        _holding = True


def release_collector() -> None:
    """Start-up is done: freeze what it made (:func:`gc.freeze`, so neither later collections
    nor the one at exit scan it) and turn the collector on again for the command's own work.
    Nothing if :func:`hold_collector` did not turn it off."""
    global _holding
    if _holding:
        _holding = False
        gc.freeze()
        gc.enable()

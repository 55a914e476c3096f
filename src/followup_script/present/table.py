"""Tables for people: a header row, aligned columns, cut with an ellipsis to the width.

Used by ``due``, ``contact list``, ``touch list`` and ``templates list``. Widths are
counted in terminal cells (a wide CJK letter is two, a combining accent none), so
names with accents line up. When the table is wider than the terminal, the columns
marked ``shrink`` give up room first (names, companies, notes), never below their
header; a cell that does not fit ends in ``…``. ``--json`` output never goes
through here.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Column", "cells", "fit", "render", "terminal_width", "wrap_lines"]

GAP = "  "
ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    """One column: its header, ``>`` to align right (numbers), ``shrink`` to give up room
    first when the table is too wide, ``least`` the fewest cells it keeps."""

    header: str
    align: str = "<"
    shrink: bool = False
    least: int = 0
    #: left out, rather than squeezing every other column, when the table cannot fit
    optional: bool = False


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    count = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Cf", "Mn", "Me"):
            continue
        count += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return count


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, ending in an ellipsis when it was cut."""
    if cells(text) <= width:
        return text
    if width <= 0:
        return ""
    out, used = [], 0
    for char in text:
        size = cells(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out).rstrip() + ELLIPSIS


def _pad(text: str, width: int, align: str) -> str:
    room = " " * max(0, width - cells(text))
    return room + text if align == ">" else text + room


def terminal_width(stream=None) -> int | None:
    """The width to fit a table to: the terminal's (``COLUMNS`` wins, as for ``ls``); None,
    no limit, when the output is a pipe or a file, so a script or ``grep`` gets whole cells."""
    stream = sys.stdout if stream is None else stream
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError, OSError):
        return None
    return shutil.get_terminal_size().columns


def widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None) -> list[int]:
    """Each column's width: as wide as its widest cell, narrowed to fit ``width``."""
    sizes = [max([cells(c.header), *(cells(row[i]) for row in rows)]) for i, c in enumerate(columns)]
    if width is None:
        return sizes
    over = sum(sizes) + len(GAP) * (len(columns) - 1) - width
    shrinking = [i for i, c in enumerate(columns) if c.shrink]
    floors = [max(cells(c.header), c.least, 3) for c in columns]
    passes = (  # names and notes give up room first, to their floor, then to a few letters
        (shrinking, floors),
        (shrinking, [max(cells(c.header), 4) for c in columns]),
        # then every column, never below its header, nor below a ``least`` unless it shrinks
        (list(range(len(columns))), [max(cells(c.header), 4) if c.shrink or not c.least else floors[i]
                                     for i, c in enumerate(columns)]),
    )
    for group, least in passes:
        while over > 0:
            room = [i for i in group if sizes[i] > least[i]]
            if not room:
                break
            widest = max(room, key=lambda i: sizes[i])
            sizes[widest] -= 1
            over -= 1
    return sizes


def _least(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> int:
    """How wide the table is with the columns that shrink at their floor, the others whole."""
    sizes = []
    for i, c in enumerate(columns):
        natural = max([cells(c.header), *(cells(row[i]) for row in rows)])
        sizes.append(min(natural, max(cells(c.header), c.least, 3)) if c.shrink else natural)
    return sum(sizes) + len(GAP) * (len(columns) - 1)


def render(columns: Sequence[Column], rows: Iterable[Sequence[str]], width: int | None = None) -> str:
    """The table as text: the header row, then one line per row, each at most ``width`` cells."""
    rows = [[str(cell or "") for cell in row] for row in rows]
    while width is not None and any(c.optional for c in columns) and _least(columns, rows) > width:
        drop = max(i for i, c in enumerate(columns) if c.optional)
        columns = [c for i, c in enumerate(columns) if i != drop]
        rows = [[cell for i, cell in enumerate(row) if i != drop] for row in rows]
    sizes = widths(columns, rows, width)
    lines = []
    for row in ([c.header for c in columns], *rows):
        parts = [_pad(fit(cell, sizes[i]), sizes[i], columns[i].align) for i, cell in enumerate(row)]
        line = GAP.join(parts).rstrip()
        if width is not None and cells(line) > width:  # even the floors are too wide: cut the line
            line = fit(line, width)
        lines.append(line)
    return "\n".join(lines) + "\n"


def wrap_lines(text: str, width: int) -> str:
    """``text`` with each line longer than the terminal wrapped on word boundaries, so the
    terminal never splits a word ("...later / , on Monday"); a labelled line (``Why:     ...``)
    goes on under its first word. A line that fits the width exactly stays whole."""
    import re
    import textwrap

    out = []
    for line in text.split("\n"):
        if cells(line) <= width:
            out.append(line)
            continue
        label = re.match(r"[A-Za-z][\w ]{0,15}:\s+(?=\S)", line)
        indent = " " * len(label.group(0)) if label else line[: len(line) - len(line.lstrip())]
        out.extend(textwrap.wrap(line, width=max(20, width), subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)

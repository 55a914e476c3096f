"""How the wizard looks on a terminal of any width: every question, choice, answer and line
it shows wraps on word boundaries, and a refused answer is said under its question, in full.

:func:`ask` is the one place that imports questionary. Each prompt is drawn with its
text wrapped to the terminal's width (no line reaches the last column, so the terminal
never splits a word or cuts a choice), and erased once answered; the question and
its answer are then printed again as one wrapped line, so what stays on the screen
reads as a transcript. A text answer is checked after Enter: a refused one prints the
reason under the question and asks again with the text still there to correct (not in
questionary's bottom bar, which is one line and cuts a long reason). :func:`say` prints
the wizard's other lines, wrapped the same way on a terminal (as they are, in a pipe).
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import Any

import click

__all__ = ["ask", "say", "terminal_width", "wrap"]

#: " » 1) ": the pointer and the shortcut questionary puts before a choice's title.
CHOICE_PREFIX = 6
CHOICE_PREFIX_NO_SHORTCUT = 3
#: What a text answer needs on the prompt's last line before the input goes to a line of its own.
ROOM_TO_TYPE = 24


def terminal_width() -> int:
    """The terminal's width in cells (``COLUMNS`` wins; 80 when it cannot be told)."""
    return max(20, shutil.get_terminal_size((80, 24)).columns)


def wrap(text: str, width: int, first: int = 0, indent: str = "  ") -> str:
    """``text`` wrapped on word boundaries so that no line reaches the last column (the
    terminal's own wrap would split a word there). ``first`` cells of the first line are
    already taken (the ``? `` of a question); each line of ``text`` is wrapped apart, its
    continuation lines indented by ``indent`` more than the line itself."""
    out = []
    for number, line in enumerate(str(text).split("\n")):
        lead = line[: len(line) - len(line.lstrip())]
        if not line.strip():
            out.append("")
            continue
        used = first if number == 0 else 0
        wrapper = textwrap.TextWrapper(
            width=max(10, width - 1), initial_indent="\0" * used + lead, subsequent_indent=lead + indent,
            break_long_words=False, break_on_hyphens=False, drop_whitespace=True)
        lines = wrapper.wrap(line.strip())
        if used and lines:
            lines[0] = lines[0][used:]
        out.extend(lines or [""])
    return "\n".join(out)


def say(text: str = "") -> None:
    """One of the wizard's lines: wrapped on word boundaries on a terminal, as it is in a pipe."""
    if text and sys.stdout.isatty():
        text = wrap(text, terminal_width(), indent="")
    click.echo(text)


def _question_text(message: str, instruction: str | None, width: int, after: int = 0) -> str:
    """The question (and its instruction) wrapped after questionary's ``? ``; ``after``: cells
    the prompt needs after it on its last line (a ``(y/N)``, the text being typed)."""
    text = message + (f" {instruction}" if instruction else "")
    wrapped = wrap(text, width, first=2)
    last = wrapped.rsplit("\n", 1)[-1]
    on_first = "\n" not in wrapped
    if after and (len(last) + (2 if on_first else 0) + 1 + after) >= width:
        wrapped += "\n "  # the answer starts a line of its own (after questionary's space: 2 cells in)
    return wrapped


def _answered(message: str, shown: str, width: int) -> None:
    """The question and its answer, printed once the prompt is erased."""
    click.echo(wrap(f"? {message} {shown}".rstrip(), width))


def _prompt(question, width: int, default: Any):
    """A questionary prompt for ``question``, wrapped to ``width``."""
    import questionary

    kind = question.kind
    if kind == "confirm":
        return questionary.confirm(_question_text(question.message, None, width, after=6),
                                   default=bool(question.default), erase_when_done=True)
    if kind == "select":
        shortcuts = len(question.choices) <= 36
        room = width - (CHOICE_PREFIX if shortcuts else CHOICE_PREFIX_NO_SHORTCUT)
        choices = [questionary.Choice(_choice_lines(o.title, room, shortcuts), o.value,
                                      shortcut_key=o.key if o.key else True) for o in question.choices]
        hint = question.instruction or ("(Use shortcuts or arrow keys)" if shortcuts else "(Use arrow keys)")
        return questionary.select(_question_text(question.message, hint, width), choices=choices,
                                  default=default, use_shortcuts=shortcuts, use_jk_keys=False,
                                  instruction=" ", erase_when_done=True)
    if kind == "autocomplete":
        return questionary.autocomplete(
            _question_text(question.message, question.instruction, width, after=ROOM_TO_TYPE),
            choices=[o.title for o in question.choices], default=default or "",
            meta_information=dict(question.hints), erase_when_done=True)
    return questionary.text(_question_text(question.message, question.instruction, width, after=ROOM_TO_TYPE),
                            default=default or "", erase_when_done=True)


def _choice_lines(title: str, room: int, shortcuts: bool) -> str:
    """A choice's title wrapped to ``room`` cells, its further lines under its first word."""
    prefix = CHOICE_PREFIX if shortcuts else CHOICE_PREFIX_NO_SHORTCUT
    lines = wrap(title, room + 1, indent="").split("\n")
    return ("\n" + " " * prefix).join(lines)


def _shown(question, answer: Any) -> str:
    """The answer as the transcript shows it: the choice's title, Yes or No, the text typed."""
    if question.kind == "confirm":
        return "Yes" if answer else "No"
    if question.kind == "select":
        return next((o.title for o in question.choices if o.value == answer), str(answer))
    return str(answer)


def ask(question) -> Any:
    """Ask one :class:`~followup_script.wizard.questions.Question` on the terminal, wrapped to
    its width; a refused text is said under the question and asked again. Ctrl-C raises
    KeyboardInterrupt."""
    default = question.default
    while True:
        width = terminal_width()
        answer = _prompt(question, width, default).unsafe_ask()
        if answer is None:  # an aborted prompt, e.g. end of input
            raise KeyboardInterrupt
        verdict = question.check(answer) if question.kind in ("text", "autocomplete") else True
        _answered(question.message, _shown(question, answer), width)
        if verdict is True:
            return question.answer(answer)
        reason = wrap(f"  {verdict}", width, indent="")
        click.echo(click.style(reason, fg="red") if sys.stdout.isatty() else reason)
        default = answer  # asked again with the text to correct

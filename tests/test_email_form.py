"""#15 finding 8 (the form of an email, not its threading): the text part is not
hard-wrapped and ends no line in spaces; subjects fit an inbox (<= 60 characters),
name the role or company and, where room allows, the sender."""

import itertools

import pytest

from followup_script import History

from .conftest import CONTACT, TODAY

# the same stages, situations and last conversation as tests/test_render.py
from .test_render import HISTORIES, LAST, SITUATIONS


def email(writer, stage, situation, contact=CONTACT):
    plan = writer.plan(History(LAST, situation=situation, **HISTORIES[stage]), TODAY)
    return writer.write("email", plan, contact, today=TODAY)


@pytest.mark.parametrize("stage,situation", list(itertools.product(HISTORIES, SITUATIONS)))
def test_the_text_part_ends_no_line_in_spaces(writer, stage, situation):
    message = email(writer, stage, situation)
    assert [line for line in message.text.split("\n") if line != line.rstrip()] == []
    assert "<br" in message.html  # the signature's lines still break in the HTML

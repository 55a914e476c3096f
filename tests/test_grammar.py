"""Articles and sentence ends are chosen by code (engine/grammar.py)."""

import pytest

from followup_script.engine.grammar import a_or_an, end_sentence, with_article


@pytest.mark.parametrize(
    "word, article",
    [("interview", "an"), ("email", "an"), ("application", "an"), ("info", "an"), ("hour", "an"),
     ("honest", "an"), ("umbrella", "an"), ("uninstall", "an"), ("SMS", "an"), ("MBA", "an"),
     ("8", "an"), ("80", "an"), ("11-day", "an"), ("voicemail", "a"), ("call", "a"),
     ("networking", "a"), ("user", "a"), ("unique", "a"), ("one-shot", "a"), ("European", "a"),
     ("URL", "a"), ("", "a")],
)
def test_a_or_an(word, article):
    assert a_or_an(word) == article


def test_with_article():
    assert with_article("interview follow-up") == "an interview follow-up"
    assert with_article("email") == "an email"


@pytest.mark.parametrize(
    "text, ended",
    [("Compañía Grande S.A.", "Compañía Grande S.A."), ("Acme", "Acme."), ("Really?", "Really?"),
     ("Thanks!", "Thanks!"), ('He said "yes."', 'He said "yes."'), ("Acme  ", "Acme."), ("", "")],
)
def test_end_sentence_never_doubles_the_stop(text, ended):
    assert end_sentence(text) == ended

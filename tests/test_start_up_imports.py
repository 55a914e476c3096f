"""A one-shot for a plain name and a North American number imports neither nameparser
nor phonenumbers (#19: about 30 ms of its start-up), and says exactly what they would."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_script import _speedups
from followup_script.writing import phones
from followup_script.writing.name_words import NOT_PLAIN
from followup_script.writing.people import name_to_greet


@contextmanager
def tricks(on: bool):
    """The speed tricks on or off (``FOLLOWUP_SCRIPT_NO_SPEEDUPS``) inside the block."""
    before = os.environ.get(_speedups.ENV_OFF)
    if on:
        os.environ.pop(_speedups.ENV_OFF, None)
    else:
        os.environ[_speedups.ENV_OFF] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(_speedups.ENV_OFF, None)
        else:
            os.environ[_speedups.ENV_OFF] = before


def forget(monkeypatch, package: str) -> None:
    """``package`` as if never imported in this process (put back after the test)."""
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        monkeypatch.delitem(sys.modules, name)


def test_the_frozen_name_words_are_nameparser_s_own():
    from nameparser.config import CONSTANTS

    theirs = frozenset(CONSTANTS.titles) | frozenset(CONSTANTS.prefixes) | frozenset(CONSTANTS.conjunctions)
    assert sorted(NOT_PLAIN - theirs) == [] and sorted(theirs - NOT_PLAIN) == []


def test_a_plain_name_is_greeted_without_importing_nameparser(monkeypatch):
    monkeypatch.delenv(_speedups.ENV_OFF, raising=False)
    forget(monkeypatch, "nameparser")
    assert name_to_greet("Ottoline Vasquez-Brandt") == "Ottoline"  # a name no other test greets
    assert "nameparser" not in sys.modules and "nameparser.config" not in sys.modules
    assert name_to_greet("Dr. Ottoline Brandt") == "Dr. Brandt"  # a title still goes to the parser


def test_a_north_american_number_is_said_without_importing_phonenumbers(monkeypatch):
    monkeypatch.delenv(_speedups.ENV_OFF, raising=False)
    forget(monkeypatch, "phonenumbers")
    assert phones.say_number("+1 212 555 0147", "US") == (
        "(212) 555-0147", "two one two, five five five, zero one four seven",
        "two one two ... five five five ... zero one four seven")
    assert phones.say_number("(212) 555-0147", "US", True).dial == "+1 212-555-0147"
    assert phones.region_code(phones.country_code("+1 212 555 0147", "GB")) == "US"
    assert phones.country_code_for("US") == 1
    assert "phonenumbers" not in sys.modules


def said_both_ways(phone: str, region: str) -> list:
    """What ``writing/phones`` says of ``phone`` with the tricks on, and with them off
    (phonenumbers every time): the caches are bypassed."""
    out = []
    for on in (True, False):
        with tricks(on):
            code = phones.country_code.__wrapped__(phone, region)
            out.append((code, phones.region_code(code), phones.country_code_for(region),
                        phones.say_number.__wrapped__(phone, region, False),
                        phones.say_number.__wrapped__(phone, region, True)))
    return out


COMMON = ["+1 555 123 4567", "+1 (555) 123-4567", "+15551234567", "(555) 123-4567", "555-123-4567",
          "555.123.4567", "5551234567", "+1 212-555-0147", "+1 310 555 0199", "(800) 555 0100",
          "+1 (2125550147", "+1 212) 555-0147", "+1 999 999 9999", "+1 200 000 0000"]


@pytest.mark.parametrize("phone", COMMON)
@pytest.mark.parametrize("region", ["US", "GB"])
def test_north_american_numbers_are_said_as_phonenumbers_says_them(phone, region):
    on, off = said_both_ways(phone, region)
    assert on == off
    assert _speedups.nanp_digits(phone, region) or (region != "US" and not phone.startswith("+"))


SEPARATORS = st.sampled_from(["", " ", "-", ".", "(", ")", "  ", "/", "+", "1", " ext. ", "x"])


@settings(max_examples=300, deadline=None)
@given(head=st.sampled_from(["", "+1", "+1 ", "1", "1 ", "+", "+44 ", " ", "(", "+1("]),
       groups=st.tuples(st.from_regex(r"\d{1,4}", fullmatch=True), st.from_regex(r"\d{2,4}", fullmatch=True),
                        st.from_regex(r"\d{3,5}", fullmatch=True)),
       seps=st.tuples(SEPARATORS, SEPARATORS, SEPARATORS), region=st.sampled_from(["US", "CA", "GB", "DE"]))
def test_any_number_is_said_the_same_with_the_tricks_on_and_off(head, groups, seps, region):
    phone = head + groups[0] + seps[0] + groups[1] + seps[1] + groups[2] + seps[2]
    on, off = said_both_ways(phone, region)
    assert on == off, phone

"""Phone numbers as a person says them, with phonenumbers (imported here, only when a
number is said).

A number is parsed with the profile's region, then said in its own groups, as
its country writes them: the national form ("zero two zero, seven nine four six,
zero nine five eight") to a contact in the same country, the international form
("plus four four, two zero, ...", no trunk zero) to anyone else; an extension
is said as "extension two zero four". A number phonenumbers cannot read is said
in the old groups of three and four (:func:`followup_script.writing.speech.phone_groups`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from followup_script import _speedups
from followup_script.writing.speech import DIGIT_WORDS, phone_groups, speak_phone

DEFAULT_REGION = "US"
_NOT_DIGITS = re.compile(r"\D+")


class SaidNumber(NamedTuple):
    """One number as a script has it: ``dial`` (written for the contact to dial),
    ``spoken`` (groups with commas) and ``slow`` (groups with pauses: `` ... ``)."""

    dial: str
    spoken: str
    slow: str


def _digits(group: str) -> str:
    return " ".join(DIGIT_WORDS[int(d)] for d in group)


def _parsed(phone: str, region: str):
    import phonenumbers  # only when a number is said

    try:
        number = phonenumbers.parse(phone, region or DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return number


@lru_cache(maxsize=512)
def country_code(phone: str | None, region: str = DEFAULT_REGION) -> int | None:
    """The country calling code of ``phone`` read with ``region`` (44 for a UK number),
    or None when it cannot be read."""
    if not phone:
        return None
    if _speedups.nanp_digits(phone, region):  # "+1 555 123 4567" (a speed trick)
        return 1
    number = _parsed(phone, region)
    return number.country_code if number is not None else None


def region_code(country: int | None) -> str | None:
    """The main region of a country calling code: 44 -> ``GB``, 1 -> ``US``."""
    if country is None:
        return None
    if country == 1 and _speedups.enabled():  # phonenumbers' answer too (a speed trick)
        return "US"
    import phonenumbers

    found = phonenumbers.region_code_for_country_code(country)
    return None if found == phonenumbers.UNKNOWN_REGION else found


def country_code_for(region: str | None) -> int | None:
    """The calling code of a region: ``GB`` -> 44; None for an unknown region."""
    if not region:
        return None
    if region.upper() == "US" and _speedups.enabled():  # phonenumbers' answer too (a speed trick)
        return 1
    import phonenumbers

    return phonenumbers.country_code_for_region(region.upper()) or None


@lru_cache(maxsize=512)
def say_number(phone: str, region: str = DEFAULT_REGION, abroad: bool = False) -> SaidNumber:
    """``phone`` as said to a contact in the same country (``abroad`` false: the
    national form) or in another (the international form, "plus ...")."""
    ten = _speedups.nanp_digits(phone, region)
    if ten:  # "+1 555 123 4567": phonenumbers' US forms, without importing it (a speed trick)
        groups = ["1", ten[:3], ten[3:6], ten[6:]] if abroad else [ten[:3], ten[3:6], ten[6:]]
        written = f"+1 {ten[:3]}-{ten[3:6]}-{ten[6:]}" if abroad else f"({ten[:3]}) {ten[3:6]}-{ten[6:]}"
        return _said(written, groups, abroad)
    number = _parsed(phone, region)
    if number is None:
        groups = phone_groups(phone)
        return SaidNumber(phone, ", ".join(map(_digits, groups)), " ... ".join(map(_digits, groups)))
    import phonenumbers

    extension = number.extension
    number.extension = None
    style = phonenumbers.PhoneNumberFormat.INTERNATIONAL if abroad else phonenumbers.PhoneNumberFormat.NATIONAL
    written = phonenumbers.format_number(number, style)
    groups = [g for g in _NOT_DIGITS.split(written) if g]
    if max(map(len, groups), default=0) > 6:  # no pattern for this number: groups of 3 and 4
        head = [str(number.country_code)] if abroad else []
        groups = head + phone_groups(str(number.national_number))
        written = ("+" if abroad else "") + " ".join(groups)
    if extension:
        return _said(f"{written} ext. {extension}", groups, abroad, extension)
    return _said(written, groups, abroad)


def _said(written: str, groups: list[str], abroad: bool, extension: str | None = None) -> SaidNumber:
    said = [_digits(g) for g in groups]
    if abroad:
        said[0] = "plus " + said[0]
    if extension:
        said.append("extension " + _digits(extension))
    return SaidNumber(written, ", ".join(said), " ... ".join(said))


@lru_cache(maxsize=256)
def spoken_forms(phone: str, region: str = DEFAULT_REGION) -> tuple[str, ...]:
    """Every form a script may give ``phone`` in (written to dial, said, said slowly; national
    and international, and the plain groups of :func:`~followup_script.writing.speech.speak_phone`),
    so the courtesy guard can tell the user's own number from the script's words."""
    forms = [speak_phone(phone)]
    for abroad in (False, True):
        forms.extend(say_number(phone, region, abroad))
    return tuple(dict.fromkeys(form for form in forms if form))


def phone_forms(*phones: str | None, region: str | None = None) -> tuple[str, ...]:
    """Each phone number as a script may have it: as written, to dial (national and
    international), and said in words (in groups, and slowly), read with ``region``
    (the profile's; else the first number's own country); longest first, each once
    (what :func:`~followup_script.writing.speech.measure_speech` looks for). Give the
    profile's number first."""
    return _forms(phones, region)


@lru_cache(maxsize=256)
def _forms(phones: tuple, region: str | None) -> tuple[str, ...]:
    if not region:  # as the template context reads them: the user's region is their phone's
        region = region_code(country_code(phones[0], DEFAULT_REGION)) if phones and phones[0] else None
    region = (region or DEFAULT_REGION).upper()
    forms = {form for phone in phones if phone for form in (phone, *spoken_forms(phone, region))}
    return tuple(sorted(forms, key=len, reverse=True))

"""Time zones by their IANA names (``zoneinfo``): checked, said, placed in a country.

Every layer may use it (the input layer checks a name with it, the writing
layer says times with it). ``zoneinfo`` reads the system's time zone files or
the ``tzdata`` package; nothing here reads the clock.
"""

from __future__ import annotations

from functools import cache, lru_cache

from followup_script.errors import InputError

EXAMPLE = "America/New_York or Europe/London"


@lru_cache(maxsize=64)
def _load(name: str):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@cache
def _names() -> dict[str, str]:
    """Every known zone name, by its casefolded form and by its casefolded city."""
    from zoneinfo import available_timezones

    names: dict[str, str] = {}
    for name in sorted(available_timezones()):
        names.setdefault(name.casefold(), name)
        names.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").casefold(), name)
    return names


def suggest_zone(value: str) -> str | None:
    """The zone name ``value`` most likely meant: ``europe/london`` and ``London`` ->
    ``Europe/London``, ``America/New_Yrok`` -> ``America/New_York``; None if none is close."""
    import difflib

    key = " ".join(str(value).split()).casefold()
    names = _names()
    for form in (key, key.replace(" ", "_"), key.replace("_", " ")):
        if form in names:
            return names[form]
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


def check_zone(value: str, field: str = "timezone"):
    """The :class:`zoneinfo.ZoneInfo` for the IANA name ``value``; an unknown name is an
    InputError naming it, with the name it most likely meant."""
    text = str(value).strip()
    zone = _load(text) if text and not text.startswith(("/", ".")) and ".." not in text else None
    if zone is None:
        near = suggest_zone(text) if text else None
        fix = f"did you mean {near}? (an IANA name such as {EXAMPLE})" if near else \
            f"use an IANA name such as {EXAMPLE}"
        raise InputError("is not known", field=field, value=value, fix=fix)
    return zone


def zone_words(name: str) -> str:
    """How a zone is said: ``America/New_York`` -> ``New York time``, ``Europe/London`` ->
    ``London time``, ``America/Argentina/Buenos_Aires`` -> ``Buenos Aires time``; ``UTC`` as it is."""
    if name.upper() in ("UTC", "ETC/UTC", "GMT", "ETC/GMT", "Z", "ZULU", "UNIVERSAL", "ETC/UCT", "UCT"):
        return "UTC"
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} time"


@cache
def _zone_countries() -> dict[str, str]:
    """Zone name -> ISO country code, from ``zone.tab`` (the system's, else tzdata's).

    The tzdata package is looked at only when no system folder has one: finding it
    imports ``importlib.resources`` and ``tzdata`` (about 2.5 ms of every run whose
    profile has a phone, for a file the system already has)."""
    import os
    import zoneinfo

    for base in zoneinfo.TZPATH:
        try:
            with open(os.path.join(base, "zone.tab"), encoding="utf-8") as handle:
                found = _parse_zone_tab(handle.read())
        except (OSError, ValueError):
            continue
        if found:
            return found
    try:
        from importlib.resources import files

        return _parse_zone_tab((files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError):
        return {}


def _parse_zone_tab(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                found[parts[2]] = parts[0]
    return found


def zone_country(name: str | None) -> str | None:
    """The country of a zone: ``Europe/London`` -> ``GB``; None when it has none (``UTC``)."""
    if not name:
        return None
    return _zone_countries().get(name.strip())


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for zone, country in _zone_countries().items():
        found.setdefault(country, []).append(zone)
    return {country: tuple(zones) for country, zones in found.items()}


def only_zone(country: str | None) -> str | None:
    """The zone of a country that has one (``GB`` -> ``Europe/London``, ``FR``, ``IN``, ``JP``);
    None for a country of several (``US``, ``BR``) or none known."""
    zones = _zones_by_country().get((country or "").upper(), ())
    return zones[0] if len(zones) == 1 else None

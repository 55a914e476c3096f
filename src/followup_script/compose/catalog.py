"""The templates that exist and where each comes from, reading one, and copying one to edit.

Template names follow ``<channel-or-kind>/<stage>[.<situation>].<ext>.j2`` (a channel
renders its own folder first, then its kind's); a file whose
name starts with ``_`` is a partial (macros to import), never picked on its own.
Linting a pack is :mod:`followup_script.compose.lint`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from followup_script.compose.scriptwriter import Scriptwriter
from followup_script.errors import InputError
from followup_script.input.config import write_private
from followup_script.writing.roots import outside_roots

NAME = re.compile(
    r"^(?P<kind>[A-Za-z0-9_-]+)/(?P<stage>[a-z-]+)(?:\.(?P<situation>[a-z-]+))?"
    r"\.(?P<ext>[a-z]+)\.j2$"
)


# -- what exists, and where from ------------------------------------------------------------


@dataclass
class TemplateFile:
    """One template file on the search path."""

    name: str
    origin: str
    path: Path
    kind: str | None = None
    stage: str | None = None
    situation: str | None = None
    partial: bool = False
    overridden_by: str | None = None
    channels: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "name": self.name, "origin": self.origin, "path": str(self.path), "kind": self.kind,
            "channels": list(self.channels), "stage": self.stage,
            "situation": self.situation or ("any" if self.stage else None),
            "partial": self.partial, "overridden_by": self.overridden_by,
        }


def parse_name(name: str) -> dict | None:
    """``email/weekly-nudge.interview.md.j2`` -> kind, stage, situation, ext; None otherwise."""
    match = NAME.match(name)
    return match.groupdict() if match else None


def _names_in(folder: Path) -> list[str]:
    return sorted(n for n in jinja2.FileSystemLoader(str(folder)).list_templates() if n.endswith(".j2"))


def read_template(folder: Path, name: str) -> str:
    """The text of template ``name`` in ``folder``; a TemplateError if it is a link to
    a file outside that folder (the loader refuses it too)."""
    outside_roots(str(folder / name), [str(folder)], name)
    return (folder / name).read_text(encoding="utf-8")


def template_files(writer: Scriptwriter) -> list[TemplateFile]:
    """Every template on the search path, in search order, with where it comes from."""
    kinds: dict[str, list[str]] = {}  # a folder: the channels that may render from it
    for channel in writer.plugins.channels.values():
        folders = {channel.name, channel.kind} | ({"email"} if channel.email else set())
        for folder in folders:
            kinds.setdefault(folder, []).append(channel.name)
    found: list[TemplateFile] = []
    first: dict[str, str] = {}
    for origin, place in writer.renderer.search_path:
        for name in _names_in(place):
            item = TemplateFile(name, origin, place / name)
            item.partial = Path(name).name.startswith("_")
            parts = parse_name(name)
            if parts:
                item.kind = parts["kind"]
                if not item.partial:
                    item.stage, item.situation = parts["stage"], parts["situation"]
            elif "/" in name:
                item.kind = name.split("/", 1)[0]
            item.channels = sorted(kinds.get(item.kind, [])) if item.kind is not None else []
            item.overridden_by = first.get(name)
            first.setdefault(name, origin)
            found.append(item)
    return found


def search_path(writer: Scriptwriter) -> list[tuple[str, Path, bool]]:
    """Where templates are looked up, in order: (origin, folder, exists).

    The user folder is listed even before it exists, since that is where
    your own templates go.
    """
    entries = [(origin, folder, True) for origin, folder in writer.renderer.search_path]
    user = Path(writer.templates_dir)
    if not any(origin == "user" for origin, _, _ in entries):
        entries.insert(0, ("user", user, user.is_dir()))
    return entries


def _normal(name: str) -> str:
    name = name.strip().lstrip("/")
    return name if name.endswith(".j2") else name + ".j2"


def source(writer: Scriptwriter, name: str) -> tuple[str, str, Path]:
    """The text, origin and file of the template ``name`` that is used.

    ``default:NAME`` is the built-in one, whatever overrides it.
    """
    builtin = name.startswith("default:")
    wanted = _normal(name.removeprefix("default:"))
    for origin, folder, exists in search_path(writer):
        if not exists or (builtin and origin != "built-in"):
            continue
        path = folder / wanted
        if wanted in _names_in(folder):
            return read_template(folder, wanted), origin, path
    where = "the built-in templates" if builtin else "the user, plugin and built-in template folders"
    raise InputError(
        f"template {name!r} is not in {where}; "
        f"{_near(writer, wanted, lambda o: not builtin or o == 'built-in', 'default:' if builtin else '')}"
    )


def _near(writer: Scriptwriter, wanted: str, origins, prefix: str = "") -> str:
    """``did you mean email/three-day-check.md.j2?`` for a near miss among the templates
    whose origin ``origins`` takes, else where to see them all."""
    from followup_script.engine.grammar import closest_word

    def stem(name: str) -> str:  # what tells templates apart: 'three-day-check' of email/three-day-check.md.j2
        return name.rpartition("/")[2].split(".")[0]

    by_stem: dict[str, list[str]] = {}
    for origin, folder, exists in search_path(writer):
        if exists and origins(origin):
            for found in _names_in(folder):
                by_stem.setdefault(stem(found), []).append(found)
    near = closest_word(stem(wanted), sorted(by_stem))
    if near is None:
        return "see followup-script templates list"
    kind = wanted.rpartition("/")[0]
    alike = [n for n in by_stem[near] if n.rpartition("/")[0] == kind] or by_stem[near]
    return f"did you mean {prefix}{closest_word(wanted, alike) or alike[0]}?"


def copy(writer: Scriptwriter, name: str, as_name: str | None = None, force: bool = False) -> Path:
    """Copy a built-in (or plugin) template into the user templates folder to edit.

    The file is written whole or not at all; an existing one is kept unless ``force``.
    """
    wanted = _normal(name.removeprefix("default:"))
    text = origin = None
    for entry_origin, folder, exists in search_path(writer):
        if exists and entry_origin != "user" and wanted in _names_in(folder):
            text, origin = read_template(folder, wanted), entry_origin
            break
    if text is None:
        raise InputError(
            f"template {name!r} is not a built-in or plugin template; "
            f"{_near(writer, wanted, lambda origin: origin != 'user')}"
        )
    target_name = _normal(as_name) if as_name else wanted
    if as_name and parse_name(target_name) is None and not Path(target_name).name.startswith("_"):
        raise InputError(
            f"--as {as_name!r} is not a template name; use <kind>/<stage>[.<situation>].<ext>.j2, "
            "e.g. email/three-day-check.interview.md.j2"
        )
    root = Path(writer.templates_dir)
    target = root / target_name
    if root.resolve() not in target.resolve().parents:
        raise InputError(f"--as {as_name!r} leaves the templates folder; give a name such as email/x.md.j2")
    if target.exists() and not force:
        raise InputError(
            f"{target} already exists; edit it, or pass --force to replace it with the {origin} one"
        )
    write_private(target, text)
    return target

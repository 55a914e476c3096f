"""Template roots: a template is read only from inside its own folder.

A link planted in a template folder or a template pack (to ``config.toml``, say)
must not pull that file into a script through ``{% include %}``, nor pass
``templates check --dir``: :class:`RootedLoader` refuses any template whose real
path, links followed, is outside its folder.
"""

from __future__ import annotations

import os

import jinja2

from followup_script.errors import TemplateError

__all__ = ["RootedLoader", "outside_roots"]


class RootedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses a template whose real path (links followed) is
    outside its own folder: a link planted in a template folder or pack must not pull
    in ``config.toml`` or any other file through ``{% include %}``."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        outside_roots(filename, self.searchpath, template)
        return source, filename, uptodate


def outside_roots(filename: str, roots, name: str | None = None) -> None:
    """Raise a TemplateError naming ``name`` unless ``filename``, links followed, is
    inside one of the folders ``roots`` (also with their links followed)."""
    real = os.path.realpath(filename)
    for root in roots:
        top = os.path.realpath(root)
        if os.path.commonpath([real, top]) == top:
            return
    raise TemplateError(
        f"template {name or filename} is a link to {real}, outside its template folder; "
        "copy the file into the folder instead of linking to it"
    )

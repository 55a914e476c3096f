"""Jinja environment and template lookup (the template context: writing/context.py).

Templates are looked up as ``<kind>/<stage>.<situation>.<ext>.j2`` and then
``<kind>/<stage>.<ext>.j2`` (``ext`` is ``md`` or ``txt``), through
``ChoiceLoader([user dir, plugin dirs..., built-in])``; ``default:<name>``
always reaches the built-in template, so an override can
``{% extends "default:email/weekly-nudge.md.j2" %}``.

Every template renders in a :class:`jinja2.sandbox.ImmutableSandboxedEnvironment`
with ``StrictUndefined``: a missing value is an error naming it. Contact and
profile values are passed as variables and never compiled as templates.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

import jinja2
from jinja2.sandbox import SecurityError

from followup_script import __version__, _speedups
from followup_script._cache import cache_path, read_private, write_private
from followup_script.engine.stages import human_date
from followup_script.errors import ConfigError, InputError, TemplateError
from followup_script.writing.context import (  # noqa: F401 (re-exported: the context moved to context.py)
    FILTERS,
    Fields,
    build_context,
    collapse,
    first_name,
    profile_values,
    transform_values,
    when_words,
)
from followup_script.writing.limits import _CODE, BoundedSandbox, RenderLimit, bound  # noqa: F401 (RenderLimit: re-exported)
from followup_script.writing.markdown import (  # noqa: F401 (escape_markdown, markdown_to_html: re-exported)
    bare_of,
    escape_markdown,
    markdown_of,
    markdown_to_html,
)
from followup_script.writing.roots import RootedLoader
from followup_script.writing.speech import measure_speech, phone_groups, speak_phone  # noqa: F401 (re-exported)

EXTENSIONS = ("md", "txt")


def builtin_templates() -> Path:
    """The built-in templates: the checkout's top-level ``templates/`` folder in an
    editable install (``src/followup_script`` is two levels below it), else
    ``followup_script/templates`` in an installed wheel (hatch ``force-include``: there
    is no symlink in the tree), found through importlib.resources."""
    package = Path(__file__).parent.parent
    checkout = package.parent.parent / "templates"
    if package.parent.name == "src" and checkout.is_dir():
        return checkout
    from importlib.resources import files

    return Path(str(files("followup_script") / "templates"))


# -- values given to templates ----------------------------------------------------------


_FIELD_FIX: dict[tuple[str | None, str], str] = {
    ("profile", "name"): "pass --from-name or run: followup-script config set profile.name 'Ana Lima'",
    ("profile", "phone"): "pass --from-phone or run: followup-script config set profile.phone '+1 555 123 4567'",
    ("profile", "email"): "pass --from-email or run: followup-script config set profile.email ana@example.com",
    ("contact", "name"): "pass --name",
    ("contact", "company"): "pass --company",
    ("contact", "role"): "pass --role",
    ("contact", "email"): "pass --email",
    ("contact", "phone"): "pass --phone",
}


_DERIVED = {"phone_spoken": "phone", "phone_slow": "phone", "phone_dial": "phone", "first_name": "name"}


class MissingValue(Exception):
    def __init__(self, label: str | None, name: str):
        super().__init__(name)
        self.label = label
        self.name = name


class _Undefined(jinja2.StrictUndefined):
    def _fail_with_undefined_error(self, *args, **kwargs):
        obj = self._undefined_obj
        label = getattr(obj, "label", None) if obj is not jinja2.utils.missing else None
        raise MissingValue(label, str(self._undefined_name))

    __str__ = __iter__ = __len__ = __eq__ = __ne__ = __bool__ = __hash__ = __repr__ = _fail_with_undefined_error  # repr: [a missing value] in a list
    __getattr__ = _fail_with_undefined_error


# -- the environment ----------------------------------------------------------------------------


class _ShortPathSandbox(BoundedSandbox):
    """A speed trick (docs/performance.md; ``FOLLOWUP_SCRIPT_NO_SPEEDUPS=1`` renders
    in Jinja's own sandbox instead): short paths for the lookups every template makes.

    ``contact.name`` on :class:`Fields` (a plain dict of supplied strings that we
    built) is an item lookup, so it skips the attribute probe and safety checks
    the sandbox runs for arbitrary objects; anything else, including a name
    that is not a key, goes through the full sandbox check.
    """

    def getattr(self, obj, attribute):
        if type(obj) is Fields and attribute in obj:
            return obj[attribute]
        if type(obj) is jinja2.environment.TemplateModule and attribute[:1] != "_":
            # an imported template's macros and variables (its own are all "_" names)
            try:
                return getattr(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def make_globals(self, d):
        # Jinja chains template globals onto the environment's (a ChainMap), which
        # every render then copies key by key; ours are all set before the first
        # template loads (plugins' prepare hooks run first), so a flat dict is the same.
        return {**self.globals, **(d or {})}

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja's own spelling)
        if type(__obj) is jinja2.runtime.Macro:  # a template's own macro: always safe to call
            __self._ticks -= 1
            if __self._ticks < 0:
                __self._tick()
            if not kwargs:  # what Context.call comes down to for a macro without keywords
                return __obj(*args)
            return __context.call(__obj, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _settings(env: jinja2.Environment) -> tuple:
    """What a plugin's prepare hook may change in an environment (and so in the code
    its templates compile to)."""
    return dict(vars(env)), dict(env.filters), dict(env.tests), dict(env.globals)


class _PrivateBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates (checked against each template's
    source), whose files are read only if no other user could have written them
    and written so (``_cache.read_private``, ``write_private``); a damaged entry is
    compiled again."""

    def _file(self, bucket) -> str:
        return os.path.join(self.directory, self.pattern % bucket.key)

    def load_bytecode(self, bucket) -> None:
        data = read_private(self._file(bucket))
        if data is not None:
            try:
                bucket.bytecode_from_string(data)
            except Exception:  # noqa: BLE001 (a damaged entry of any kind: compile instead)
                bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        write_private(self._file(bucket), bucket.bytecode_to_string())


class Rendered:
    """One render of a template: its ``text``, and the Markdown and HTML of that same
    render (writing/markdown.py: only the template's own words are Markdown)."""

    __slots__ = ("parts", "text")

    def __init__(self, parts: list[str]):
        self.parts = parts
        self.text = "".join(parts)

    def markdown(self, start: int = 0) -> str:
        """The output as Markdown (from character ``start`` of the text): the template's
        own words as written, every value escaped."""
        return markdown_of(self.parts, start)

    def html(self, start: int = 0) -> str:
        """``markdown_to_html(self.markdown(start))``: raw HTML shown as text, only web
        and mail links. An email passes where its body starts in the text."""
        if _speedups.enabled():  # a speed trick: Markdown that is only paragraphs, from the text
            html = _speedups.plain_text_html(self.text[start:], bare_of(self.parts)[start:])
            if html is not None:
                return html
        return markdown_to_html(markdown_of(self.parts, start))


def own_functions(env: jinja2.Environment) -> tuple[dict, dict, dict]:
    """``env``'s filters, tests and globals as they are now (copies of the three tables)."""
    return dict(env.filters), dict(env.tests), dict(env.globals)


class Renderer:
    """Finds and renders templates for a kind, stage and situation."""

    def __init__(self, user_dir: Path | None = None, plugin_dirs=(), prepare=None):
        builtin = RootedLoader(str(builtin_templates()))
        loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"default": builtin}, delimiter=":")]
        self.search_path: list[tuple[str, Path]] = []
        if user_dir is not None and Path(user_dir).is_dir():
            loaders.append(RootedLoader(str(user_dir)))
            self.search_path.append(("user", Path(user_dir)))
        for plugin_name, path in plugin_dirs:
            loaders.append(RootedLoader(str(path)))
            self.search_path.append((f"plugin {plugin_name}", Path(path)))
        loaders.append(builtin)
        self.search_path.append(("built-in", builtin_templates()))
        sandbox = _ShortPathSandbox if _speedups.enabled() else BoundedSandbox
        self.env = sandbox(
            loader=jinja2.ChoiceLoader(loaders),
            undefined=_Undefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            auto_reload=False,
        )
        self.env.filters["speak_phone"] = speak_phone
        self.env.filters.update(FILTERS)  # a_an, sentence (writing/context.py)
        self.env.filters["human_date"] = human_date
        self.env.filters["capitalize_first"] = lambda s: s[:1].upper() + s[1:]
        bound(self.env)
        # the functions templates can reach as this renderer made them: a message's context
        # holds only what its template reads while they are all there is (writing/context.names_read)
        self.env.own_functions = own_functions(self.env)  # type: ignore[attr-defined]
        before = _settings(self.env)
        if prepare is not None:
            prepare(self.env)
        if _speedups.enabled() and _settings(self.env) == before:
            # a speed trick: compiled templates kept between runs, for the environment
            # as built here (a plugin that changed it compiles in every run)
            self.env.bytecode_cache = _PrivateBytecodeCache(
                cache_path(f"templates-{__version__}-jinja-{jinja2.__version__}-{_CODE}"))
        self._templates: dict[tuple, jinja2.Template] = {}

    def candidates(self, kind: str, stage: str, situation: str) -> list[str]:
        return [
            f"{kind}/{stage}.{situation}.{ext}.j2" for ext in EXTENSIONS
        ] + [f"{kind}/{stage}.{ext}.j2" for ext in EXTENSIONS]

    def template(self, kind: str, stage: str, situation: str, channel: str | None = None,
                 fallback: str | None = None) -> jinja2.Template:
        """The template for a stage: ``<channel>/`` before ``<kind>/`` (then ``<fallback>/``:
        ``email/`` for an email channel of a kind of its own), each in the plugin folders, then
        the built-in one; the user's own folder before all (its ``<channel>/``, then its
        ``<kind>/``), so a plugin restyles its own channel and nobody else's."""
        key = (kind, stage, situation, channel, fallback)
        template = self._templates.get(key)
        if template is None:
            names = self.candidates(kind, stage, situation)
            if fallback and fallback != kind:
                names += self.candidates(fallback, stage, situation)
            if channel and channel != kind:
                names = self.candidates(channel, stage, situation) + names
                user = [folder for origin, folder in self.search_path if origin == "user"]
                names = [n for n in names if user and (user[0] / n).is_file()] + names
            try:
                template = self.env.select_template(names)
            except jinja2.TemplatesNotFound:
                raise TemplateError(
                    f"no template for kind {kind!r}, stage {stage!r}: looked for {names[-1]} "
                    "in the user, plugin and built-in template folders; add one there"
                ) from None
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(
                    f"template {exc.name or names[0]} line {exc.lineno}: {exc.message}; fix its syntax"
                ) from None
            self._templates[key] = template
        return template

    def render_parts(self, template: jinja2.Template, context: dict) -> Rendered:
        """``template`` rendered once: its text, and its Markdown and HTML for an email
        when asked (``Rendered.markdown()``, ``Rendered.html()``: writing/markdown.py)."""
        env = cast(BoundedSandbox, template.environment)  # a Renderer's templates come from its sandbox
        name = template.name
        try:
            env.start_clock()
            root = template.root_render_func
            if root.__globals__.get("has_loops", True):  # measured as it is made (BoundedSandbox.collect)
                return Rendered(env.collect(root(template.new_context(context))))
            return Rendered(list(root(template.new_context(context))))  # no loop: no flood (a speed trick)
        except RenderLimit as exc:
            raise RenderLimit(f"template {name} was stopped: {exc}; simplify it") from None
        except RecursionError:
            raise RenderLimit(
                f"template {name} was stopped: it calls itself without end (a macro or an include "
                "that calls itself?); simplify it") from None
        except MemoryError:
            raise RenderLimit(f"template {name} was stopped: it needs more memory than there is; simplify it") from None
        except OverflowError as exc:
            raise RenderLimit(f"template {name} was stopped: a number is too big ({exc}); simplify it") from None
        except MissingValue as exc:
            if exc.name.startswith("_"):
                raise TemplateError(
                    f"template {name} tried to reach {exc.name!r}, which templates may not use "
                    "(they run sandboxed); remove it"
                ) from None
            exc.name = _DERIVED.get(exc.name, exc.name)
            fix = _FIELD_FIX.get((exc.label, exc.name))
            if exc.label == "profile":
                what = f"your {exc.name} (profile.{exc.name})"
            elif exc.label == "contact":
                what = f"the contact's {exc.name}"
            else:
                what = f"the value {exc.name!r}"
            err = ConfigError if exc.label == "profile" else InputError
            raise err(
                f"template {name} needs {what}, which is not set; "
                + (fix or "set it, or remove it from the template")
            ) from None
        except SecurityError as exc:
            raise TemplateError(f"template {name} tried something unsafe and was stopped: {exc}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"template {exc.name or name} line {exc.lineno}: {exc.message}; fix its syntax"
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template {name} failed: {exc}; fix the template") from None
        except (TypeError, ValueError, AttributeError, ZeroDivisionError, KeyError, IndexError) as exc:
            raise TemplateError(f"template {name} failed: {type(exc).__name__}: {exc}; fix the template") from None

    def render(self, template: jinja2.Template, context: dict) -> str:
        return self.render_parts(template, context).text

    def render_markdown(self, template: jinja2.Template, context: dict) -> str:
        """``template`` rendered as Markdown for HTML: only the template's own words are
        Markdown, every value it prints is escaped (``Rendered.markdown``)."""
        return self.render_parts(template, context).markdown()

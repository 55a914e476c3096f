"""Render limits: a template cannot hang the command or flood it.

:class:`BoundedSandbox` is Jinja's immutable sandbox with bounds on time (each
render has :data:`RENDER_SECONDS`; every loop step and every call counts, and the
clock is read every :data:`CHECK_EVERY` of them), size (no string, list or script
past :data:`MAX_TEXT`; ``*``, ``**``, ``+`` and ``%`` checked before the result is
built) and work (``range`` at most :data:`MAX_RANGE` items; widths given to
``center``, ``format``, ``lipsum``... checked first). ``writing.render`` builds its
environments on it and words a :class:`RenderLimit` with the template's name.
"""

from __future__ import annotations

import re
import time
from itertools import islice

from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment

from followup_script.errors import TemplateError
from followup_script.writing.markdown import TemplateText, captured

RENDER_SECONDS = 2.0  # one render (a script, or the HTML of an email) may take this long
MAX_TEXT = 1_000_000  # characters (or items) in a rendered script, and in any string or list it builds
MAX_RANGE = 100_000  # items in one range(): Jinja's own sandbox limit, with our error
CHECK_EVERY = 4096  # loop steps and calls between two looks at the clock
_WIDE_FORMAT = re.compile(r"%[-#0 +]*(?:\*|\d{7,})|\.(?:\*|\d{7,})|[:<>^=]\d{7,}")


class RenderLimit(TemplateError):
    """A template went past a render limit (time, size, recursion); :meth:`Renderer.render`
    words it with the template's name."""


def _too_big(what: str) -> RenderLimit:
    return RenderLimit(f"it builds {what} longer than {MAX_TEXT:,} characters or items")


_CODE = "bounded-3"  # names the compiled-template cache: change it whenever the generated code changes


class _BoundedCodeGenerator(CodeGenerator):
    """Every ``{% for %}`` iterates through ``environment.bounded_loop``, which counts
    the steps and looks at the clock every :data:`CHECK_EVERY` of them: nested loops
    cannot run past the render's deadline, even with nothing in their body.

    The template's own text is output as :class:`~followup_script.writing.markdown.TemplateText`
    (made once, when the compiled module is loaded), so the Markdown of an email can
    be told from the same render (``writing/markdown.py``); anything printed with
    ``{{ }}``, even a constant, is computed while rendering and so is a value."""

    def visit_Template(self, node, frame=None):
        self._loops = node.find(nodes.For) is not None
        self._texts: dict[str, str] = {}
        super().visit_Template(node, frame)
        self.writeline(f"has_loops = {self._loops!r}")  # read by Renderer.render
        for text, name in self._texts.items():
            self.writeline(f"{name} = environment.template_text({text!r})")

    def _output_const_repr(self, group):
        text = "".join(group)
        name = self._texts.get(text)
        if name is None:
            name = self._texts[text] = f"template_text_{len(self._texts)}"
        return name

    def _output_child_to_const(self, node, frame, finalize):
        if not isinstance(node, nodes.TemplateData):
            raise nodes.Impossible()  # {{ "x" }} is printed at render time, escaped like any value
        return super()._output_child_to_const(node, frame, finalize)

    def write_commons(self):
        super().write_commons()
        if not self._loops:  # no loop: no flood of parts to measure (a speed trick for every template)
            self.writeline("concat = environment.plain_concat")

    def visit_For(self, node, frame):
        if not node.recursive:  # a recursive loop's own calls go through call(), which counts
            node.iter = nodes.Call(nodes.EnvironmentAttribute("bounded_loop"), [node.iter], [], None, None,
                                   lineno=node.lineno)
        super().visit_For(node, frame)

    def visit_Concat(self, node, frame):
        # ``a ~ b``: a string doubled in a loop stops at the size limit
        self.write("environment.bounded_text(")
        super().visit_Concat(node, frame)
        self.write(")")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with bounds on time, size and work: loops and calls
    count against a deadline (:data:`RENDER_SECONDS`), ``*``, ``**``, ``+`` and ``%``
    refuse to build a string, list or number past :data:`MAX_TEXT`, ``range`` takes
    at most :data:`MAX_RANGE` items, and a call whose numbers would pad or repeat
    past that size is refused. :meth:`Renderer.render` starts the clock."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    _ticks = CHECK_EVERY
    _deadline = float("inf")
    plain_concat = staticmethod(captured)
    template_text = TemplateText

    def start_clock(self) -> None:
        self._deadline = time.monotonic() + RENDER_SECONDS
        self._ticks = CHECK_EVERY

    def _tick(self) -> None:
        self._ticks = CHECK_EVERY
        if time.monotonic() > self._deadline:
            raise RenderLimit(f"it took longer than {RENDER_SECONDS:g} s (a loop or a recursion without end?)")

    def bounded_loop(self, iterable):
        for item in iterable:
            self._ticks -= 1
            if self._ticks < 0:
                self._tick()
            yield item

    def concat(self, parts) -> str:
        """Jinja's ``"".join`` of the output (of the template, a macro, a block), which
        counts the characters before joining them (the template's own output a few
        hundred parts at a time, as it is produced). The result remembers its parts
        (:func:`~followup_script.writing.markdown.captured`)."""
        if type(parts) is list:  # a macro's or a block's output
            if len(parts) < 64:  # a few parts, each made within the limits: joined, then measured
                text = captured(parts)
                if len(text) > MAX_TEXT:
                    raise _too_big("a script")
                return text
            if sum(map(len, parts)) > MAX_TEXT:  # many (a loop's): measured before joining
                raise _too_big("a script")
            return captured(parts)
        return captured(self.collect(parts))

    def collect(self, parts) -> list:
        """The parts of a template's output as it produces them, measured a few hundred at
        a time: stopped before they pass :data:`MAX_TEXT` characters."""
        out = list(islice(parts, 256))
        size = sum(map(len, out))
        while True:
            if size > MAX_TEXT:
                raise _too_big("a script")
            if len(out) % 256:
                return out
            more = list(islice(parts, 256))
            if not more:
                return out
            size += sum(map(len, more))
            out += more

    def bounded_text(self, text):
        if len(text) > MAX_TEXT:
            raise _too_big("a string")
        return text

    def bounded_range(self, *args):
        rng = range(*args)
        if len(rng) > MAX_RANGE:
            raise RenderLimit(f"range() of {len(rng):,} items is more than {MAX_RANGE:,}")
        return rng

    def call_binop(self, context, operator, left, right):
        if operator == "*" or operator == "**":
            if type(left) is int and type(right) is int:
                if operator == "*":
                    bits = left.bit_length() + right.bit_length()
                else:
                    bits = abs(left).bit_length() * right if abs(left) > 1 and right > 0 else 0
                if bits > 4 * MAX_TEXT:
                    raise _too_big("a number")
            elif operator == "*":
                count, seq = (right, left) if isinstance(right, int) else (left, right)
                if isinstance(count, int) and isinstance(seq, (str, list, tuple)) \
                        and len(seq) * count > MAX_TEXT:
                    raise _too_big("a string or list")
        elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise RenderLimit("its % format pads to a width of millions of characters (or one taken from a value)")
        result = self.binop_table[operator](left, right)
        if operator == "+" and isinstance(result, (str, list, tuple)) and len(result) > MAX_TEXT:
            raise _too_big("a string or list")
        return result

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja's own spelling)
        __self._ticks -= 1
        if __self._ticks < 0:
            __self._tick()
        if args or kwargs:
            _check_sizes(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "wordwrap", "truncate",
                      "slice", "batch", "lipsum", "generate_lorem_ipsum"})


def _check_sizes(obj, args, kwargs, name: str | None = None) -> None:
    """Refuse ``'x'.center(10**9)``, ``'{:>999999999}'.format(1)``, ``lipsum(10**6)`` and
    the like before they run: a width or count past :data:`MAX_TEXT`, or a format
    with such a width."""
    method = getattr(obj, "__wrapped__", obj)  # the sandbox wraps str.format
    name = name or getattr(method, "__name__", "")
    if name in _PADDING:
        for value in (*args, *kwargs.values()):
            if type(value) is int and value > (MAX_TEXT if name[0] != "l" and name[0] != "g" else 1_000):
                raise RenderLimit(f"it passes {value:,} to {name}, more than it may")
    owner = getattr(method, "__self__", None)
    if isinstance(owner, str):
        if name in ("format", "format_map") and _WIDE_FORMAT.search(owner):
            raise RenderLimit("its format pads to a width of millions of characters")
        if name == "replace":
            _check_replace(owner, *args, **kwargs)


def _check_replace(text, old="", new="", count=-1, *_, **__) -> None:
    """``'x' * 10**5 | replace('', 'y' * 10**5)``: the size is known before replacing."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        times = text.count(old) if old else len(text) + 1
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        if len(text) + times * (len(new) - len(old)) > MAX_TEXT:
            raise _too_big("a string")


def _limited_filter(filter_, name: str):
    """A filter with the same checks as a call (``center``, ``indent``, ``format``...),
    and a result no longer than :data:`MAX_TEXT`."""

    def bounded(*args, **kwargs):
        _check_sizes(filter_, args, kwargs, name)
        if name == "format" and args and isinstance(args[0], str) and _WIDE_FORMAT.search(args[0]):
            raise RenderLimit("its format pads to a width of millions of characters")
        if name == "replace":
            _check_replace(*args[1:], **kwargs)  # after the eval context
        result = filter_(*args, **kwargs)
        if isinstance(result, (str, list)) and len(result) > MAX_TEXT:
            raise _too_big("a string or list")
        return result

    if hasattr(filter_, "jinja_pass_arg"):  # Jinja's mark of a filter that takes the context
        bounded.jinja_pass_arg = filter_.jinja_pass_arg  # type: ignore[attr-defined]  # copied as pass_context sets it
    bounded.__name__ = name
    return bounded
_SIZED_FILTERS = ("center", "indent", "format", "replace", "wordwrap", "truncate", "join", "slice", "batch")


def bound(env: BoundedSandbox) -> None:
    """Give ``env`` the bounded ``range`` and ``lipsum`` and the size-checked filters."""
    for name in _SIZED_FILTERS:
        env.filters[name] = _limited_filter(env.filters[name], name)
    env.globals["range"] = env.bounded_range
    env.globals["lipsum"] = _limited_filter(env.globals["lipsum"], "lipsum")

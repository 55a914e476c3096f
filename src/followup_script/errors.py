"""The one exception family of followup-script.

Every error a user can cause is a :class:`FollowupError`. The command line turns
it into one line on stderr and the exit code below; a traceback is shown only
with ``--debug``. Library users catch ``FollowupError`` (or a subclass).

Exit codes (documented in docs/cli.md):

====  ==============================================================
0     success
1     an unexpected internal error (a bug: please report it)
2     bad input: options, dates, names, config, templates
3     delivery failed (the outside service or the network said no)
4     refused: the contact asked to stop, or the courtesy guard or a
      plugin vetoed the message
5     a plugin is broken (only fatal with ``--strict-plugins``)
130   interrupted (Ctrl-C)
====  ==============================================================
"""

from __future__ import annotations


class FollowupError(Exception):
    """Base class: a problem the user can fix, described in one line."""

    exit_code = 1


class InputError(FollowupError):
    """A value given on the command line, in a file or in a row is wrong.

    The library names *what* was wrong in its own words: ``field`` is the name
    of the value (``"scheduled_for"``, ``"next"``, ``"db"``), ``value`` what was
    given, ``problem`` what is wrong with it and ``fix`` what to do. It never
    speaks command-line words; a front end that knows which option or question
    a field came from words it for its users (see ``followup_script.present``).
    ``str(error)`` is a plain sentence that names the field.

    ``InputError("a whole sentence")`` is still accepted for errors that are not
    about one value.
    """

    exit_code = 2

    def __init__(self, problem: str, *, field: str | None = None, value: object = None,
                 fix: str | None = None) -> None:
        self.problem = problem
        self.field = field
        self.value = value
        self.fix = fix
        super().__init__(self.sentence())

    def sentence(self, label: str | None = None) -> str:
        """One line: ``LABEL 'VALUE' PROBLEM; FIX``, where LABEL defaults to the field name
        (underscores read as spaces, except in a setting's dotted name) and a front end
        passes its own (``--next``)."""
        if self.field is None and label is None:
            head = self.problem
        else:
            # a setting's dotted name (profile.call_hours) is said as it is typed
            field = self.field or ""  # not None here: the branch above takes that case
            name = label if label is not None else (field if "." in field else field.replace("_", " "))
            shown = "" if self.value is None else f" {self.value if isinstance(self.value, int) else repr(str(self.value))}"
            head = f"{name}{shown} {self.problem}"
        return f"{head}; {self.fix}" if self.fix else head


class ConfigError(InputError):
    """The config file or the profile is missing something or is malformed."""


class TemplateError(InputError):
    """A template cannot be found, compiled or rendered."""


class DeliveryError(FollowupError):
    """A channel could not hand the message to the outside world."""

    exit_code = 3


class DeliveryUnknown(DeliveryError):
    """The channel cannot tell whether the message arrived: the connection ended after the
    message was handed over and before the service confirmed it. The delivery is kept as
    an interrupted attempt ('pending'), not 'failed', so a rerun checks (or, for SMTP,
    refuses until ``--resend``) instead of delivering twice."""


class RefusedError(FollowupError):
    """The message must not be sent: stop requested, guard or plugin veto."""

    exit_code = 4


class StoppedError(RefusedError):
    """The contact asked not to be contacted again."""


class ToneError(RefusedError):
    """A rendered message failed the courtesy guard."""


class DeliveryVetoed(RefusedError):
    """A plugin's delivery wrapper refused to let a message go out."""


class PluginError(FollowupError):
    """A plugin failed to load, raised in a hook or returned nonsense."""

    exit_code = 5

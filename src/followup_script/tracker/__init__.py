"""The contact tracker: :class:`~followup_script.tracker.service.Tracker` over one SQLite file.

``service`` (the Tracker), ``store`` and ``database`` (all the SQL), ``rows`` (the
stored values), ``history`` (touches as the engine's input), ``checks`` (what a
contact and a touch may hold), ``delivery`` (exactly once), ``calendar``
(iCalendar) and ``transfer`` (export and import).
"""

from followup_script.tracker.service import Tracker

__all__ = ["Tracker"]

"""The contact tracker: storage (all SQL in ``store``), history derivation, the
exactly-once delivery protocol, calendar output and import/export."""

from followup_script.tracker.service import Tracker

__all__ = ["Tracker"]

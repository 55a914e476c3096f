"""Gaps of #20 found when it was checked as its users would check it: the one-shot
command's own --deliver makes only honest offers, as the wizard and next --deliver do."""

from __future__ import annotations

import pytest

from .conftest import one_error_line

PROFILE = ("--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com")
ONE_SHOT = ("--name", "Seán Murphy", "--last-contact", "2026-11-20", "--today", "2026-11-25", *PROFILE)


@pytest.mark.parametrize(("args", "needles"), [
    (["--channel", "email"],
     ["cannot deliver by email: Seán Murphy has no email address", "pass --email name@example.com"]),
    (["--channel", "email", "--email", "sean@fabrikam.example"],
     ["cannot deliver by email: ", "followup-script config set email.host"]),
    (["--channel", "voicemail"], ["channel 'voicemail' only prints; it cannot deliver"]),
])
def test_the_one_shot_says_what_to_set_before_it_asks(cli, args, needles):
    """Without --yes and without a terminal, a delivery that could be made stops at the
    question (--yes is needed); one that cannot says what to set first, as it would on a
    terminal instead of asking 'Deliver this email to ...?' and failing after the yes."""
    one_error_line(cli(*ONE_SHOT, *args, "--deliver"), *needles)
    one_error_line(cli(*ONE_SHOT, *args, "--deliver", "--yes"), *needles)

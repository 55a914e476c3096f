"""#15: which wording each weekly-nudge slot takes (engine/variation.py)."""

import subprocess
import sys

from followup_script.engine import variation

CONTACTS = [{"name": "Dana Reyes"}, {"name": "María José López García"}, {"email": "hr@acme.example"}, {}]


def test_each_slot_moves_on_by_one_a_week_so_neighbours_never_share_a_wording():
    for contact in CONTACTS:
        for attempt in range(1, 60):
            now, after = variation.turns(contact, attempt), variation.turns(contact, attempt + 1)
            assert set(now) == set(variation.SLOTS)
            for slot in variation.SLOTS:
                assert after[slot] == now[slot] + 1
                for size in range(2, 9):
                    assert variation.pick(now[slot], size) != variation.pick(after[slot], size)


def test_an_eight_way_slot_gives_eight_different_wordings_in_any_eight_weeks():
    for contact in CONTACTS:
        for first in range(1, 40):
            picks = {variation.pick(variation.turns(contact, a)["opening"], 8) for a in range(first, first + 8)}
            assert len(picks) == 8


def test_the_choice_is_the_same_in_every_process_and_differs_between_contacts():
    code = "from followup_script.engine import variation; print(variation.turns({'name': 'Dana Reyes'}, 3))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": "12345"}, check=True).stdout  # another str hash
    assert other == f"{variation.turns({'name': 'Dana Reyes'}, 3)}\n"
    starts = {tuple(variation.turns(c, 1).values()) for c in CONTACTS}
    assert len(starts) == len(CONTACTS)
    assert variation.turns({"name": " dana  REYES "}, 1) == variation.turns({"name": "Dana Reyes"}, 1)


def test_turns_are_each_slots_start_plus_the_week():
    """turns() runs each slot's CRC-32 on from the key's (compose's per-row cost): the same
    numbers as start() for the whole key and slot."""
    for contact in ({"name": "Dana Reyes"}, {"name": "Zoë  Kim"}, {"email": "x@example.com"}, {}):
        for attempt in (None, 0, 1, 9):
            assert variation.turns(contact, attempt) == {
                slot: variation.start(variation.identity(contact), slot) + (attempt or 0) for slot in variation.SLOTS}

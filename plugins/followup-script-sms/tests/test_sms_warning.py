"""#15 finding 5: the over-length warning names the character and the value that caused it."""

from sms_helpers import CONTACT, make_writer, three_day_message


def test_an_accented_name_is_named_as_the_reason_for_ucs2(tmp_path):
    writer = make_writer(tmp_path)
    message = three_day_message(writer, dict(CONTACT, name="María José López"))
    assert message.metrics["encoding"] == "UCS-2" and message.metrics["segments"] > 1
    (warning,) = message.warnings
    assert "'í' in the contact's name 'María José López'" in warning, warning
    assert "role and company" not in warning  # it was blamed on them before


def test_a_long_gsm7_text_names_the_longest_value(tmp_path):
    writer = make_writer(tmp_path)
    role = "Senior Staff Data Platform Engineer, Streaming Infrastructure"
    message = three_day_message(writer, dict(CONTACT, role=role))
    (warning,) = message.warnings
    assert "GSM-7" in warning and f"the contact's role {role!r}" in warning, warning

import pytest

from followup_script import ToneError
from followup_script.writing.guard import check, enforce, warmth

POLITE = "Hi Dana, I'm checking in about the role. Thank you for your time."


def rules(text, data=()):
    return {v.rule for v in check(text, data)}


def test_polite_message_passes():
    assert check(POLITE) == []


@pytest.mark.parametrize("phrase,rule", [
    ("You haven't returned my calls.", "blame"),
    ("you never got back to me", "blame"),
    ("I feel ignored.", "blame"),
    ("I'm still waiting to hear.", "blame"),
    ("This is my third message.", "counting"),
    ("my 5th voicemail", "counting"),
    ("Calling yet again.", "counting"),
    ("Once again, I'm calling.", "counting"),
    ("I've left several messages.", "counting"),
    ("I have called 4 times.", "counting"),
    ("Please reply ASAP.", "pressure"),
    ("Final notice about the role.", "pressure"),
    ("This is your last chance.", "pressure"),
    ("It's urgent.", "pressure"),
    ("Please call me back immediately.", "pressure"),
    ("I am VERY interested.", "shouting"),
    ("Call me!!", "shouting"),
])
def test_each_rule_catches_its_phrases(phrase, rule):
    assert rule in rules(f"{phrase} Thank you.")


def test_courtesy_marker_is_required():
    assert rules("Hi Dana, I'm checking in about the role.") == {"courtesy"}
    for marker in ("Thanks.", "I appreciate it.", "I'm grateful.", "Thank you."):
        assert check(f"Hi Dana. {marker}") == []


def test_supplied_values_are_masked():
    text = "Thanks for talking about NASA and the Urgent Care role."
    assert rules(text) == {"shouting", "pressure"}
    assert check(text, data=["NASA", "Urgent Care"]) == []


def test_enforce_names_the_phrase_and_rule():
    with pytest.raises(ToneError) as info:
        enforce("Reply ASAP. Thanks.", "the email script")
    message = str(info.value)
    assert "ASAP" in message and "pressure" in message and "the email script" in message
    assert "\n" not in message


def test_warmth_counts_warm_words():
    assert warmth("Thank you, I hope you are well. Best wishes.") >= 3
    assert warmth("Call me.") == 0


def test_values_are_masked_after_punctuation_is_made_plain():
    text = "Thanks for your time at O'BRIEN DATA."
    assert check(text, data=["O\u2019BRIEN DATA"]) == []


@pytest.mark.parametrize("channel", ["voicemail", "call", "email"])
def test_guard_sees_one_masked_text_per_template_whatever_the_names(writer, channel):
    """First names, spoken numbers and untidy spacing are masked like the values
    they come from, so a batch of different people checks each template's body once.
    An email's subject fits itself into 60 characters (with the company and the
    sender's name when there is room, #15), so it takes one of a few shapes."""
    import datetime as dt

    from followup_script import History
    from followup_script.writing.context import build_context
    from followup_script.writing.guard import _mask

    today = dt.date(2026, 11, 25)
    plan = writer.plan(History(dt.date(2026, 11, 20), "no-commitment"), today)
    masked, bodies = set(), set()
    for contact in ({"name": "Dana Reyes", "company": "Acme", "role": "Data Engineer",
                     "phone": "+1 555 987 6543"},
                    {"name": "Lee  Park", "company": "Globex  Labs", "role": "Analyst",
                     "phone": "020 7946 0958"},
                    {"name": "Tomás O’Neil", "company": "Initech", "role": "SRE",
                     "phone": "+44 20 7946 0000"}):
        message = writer.write(channel, plan, contact, today=today)
        # a call offers times in the contact's words ("my time" to one abroad): not a name
        context = build_context(plan, message.profile, message.contact, today)
        offers = [context["call_offer"], *(slot["said"] for slot in context["call_slots"])]
        body = message.text
        for offer in sorted(offers, key=len, reverse=True):
            body = body.replace(offer, "an offer")
        masked.add(_mask("\n".join(filter(None, [message.subject, body])), message.data_values()))
        bodies.add(_mask(body, message.data_values()))
    assert len(bodies) == 1, bodies
    assert len(masked) <= 2, masked  # the subject with or without the sender's name


@pytest.mark.parametrize("text,data,rule", [
    ("Hi Fin, this is my Final notice. Thank you.", ["Fin Walsh", "Fin"], "pressure"),
    ("Hi An, Anyway, ASAP please. Thank you.", ["An Tran", "An", "AS"], "pressure"),
    ("Dear Ed, I feel ignored. Thanks.", ["Ed Park", "Ed", "ign"], "blame"),
])
def test_a_value_inside_a_word_does_not_hide_it(text, data, rule):
    """Values are masked as whole words only: a contact called Fin cannot hide
    'Final notice', nor a company called AS the word 'ASAP'."""
    assert rule in rules(text, data)


def test_values_are_still_masked_next_to_punctuation():
    data = ["URGENT Care Inc.", "Dana O'Neil", "Dana"]
    assert check("Hi Dana, about URGENT Care Inc.'s role (Dana O'Neil's team). Thank you.", data) == []


def test_a_value_in_markdown_emphasis_is_still_masked():
    data = ["Acme URGENT Care", "Nurse Practitioner - Urgent Care"]
    assert check("Thank you for the _Nurse Practitioner - Urgent Care_ role at *Acme URGENT Care*.",
                 data) == []


@pytest.mark.parametrize("text,data,rule", [
    ("Subject: Last Chance to apply\nHi Chance, thank you.", ["Chance Okafor", "Chance"], "pressure"),
    ("Hi Fin, this is my Final notice. Thank you.", ["Fin Walsh", "Fin"], "pressure"),
    ("Hi Chance, this is your last Chance. Thank you.", ["Chance"], "pressure"),
    ("Dear Will, you still haven't replied, Will. Thank you.", ["Will"], "blame"),
])
def test_a_first_name_that_is_also_a_template_word_hides_nothing(text, data, rule):
    assert rule in rules(text, data)


@pytest.mark.parametrize("text,data", [
    ("Hi JOHN, thank you for your time.", ["JOHN SMITH", "JOHN"]),  # their own name, in capitals
    ("Hi Chance, thank you for your time.", ["Chance"]),
    ("Hi Urgent, thank you for your time.", ["Urgent"]),  # a name that is a rule word, alone
])
def test_a_name_on_its_own_is_never_a_violation(text, data):
    assert check(text, data) == []


def test_a_value_holding_a_nul_is_masked_like_any_other():
    assert check("Thanks for your time at NASA\x00 JPL.", ["NASA\x00 JPL"]) == []


def test_a_value_still_counts_as_a_word_where_a_rule_allows_any():
    """'you haven't <anything> replied' is blame whatever stands in the gap."""
    assert "blame" in rules("I see you haven't Acme Labs replied yet. Thank you.", ["Acme Labs"])
    assert "blame" in rules("Dana, you never Dana called back. Thanks.", ["Dana"])


def test_normalise_equals_the_plain_reading_of_every_character():
    """guard.normalise looks at each distinct character once and skips steps that
    change nothing; it must give what filtering every character, NFKC and mapping
    every word give."""
    import re
    import unicodedata

    from hypothesis import given
    from hypothesis import strategies as st

    from followup_script.writing import guard

    def plain(text):
        if text.isascii():
            return text
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
        text = unicodedata.normalize("NFKC", text)
        return re.sub(r"[^\W\d_]+", guard._in_latin, text)

    alphabet = st.sampled_from(list("ASAP final notice Zoë Анна АВЕ ΑΒΓ ＡＳＡＰ") + ["\u200b", "\u00ad", "\ufeff", "ﬁ", "é", "\u0301"])

    @given(st.text(alphabet=alphabet, max_size=40) | st.text(max_size=40))
    def check(text):
        assert guard.normalise(text) == plain(text)

    check()

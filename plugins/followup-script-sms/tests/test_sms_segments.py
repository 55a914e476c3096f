"""Exact GSM-7 / UCS-2 segment counting and plain punctuation."""

import random

import pytest

from followup_script_sms.segments import (
    CONCATENATED,
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    SINGLE,
    UCS2,
    count_segments,
    is_gsm7,
    non_gsm7,
    plain_punctuation,
)

GSM = "a"
EMOJI = "\U0001F600"  # outside the BMP: two UTF-16 code units
CYRILLIC = "д"


# The test vectors from DOMAIN.md ("SMS facts"), as (text, encoding, units, segments).
DOMAIN_VECTORS = [
    (GSM * 160, GSM7, 160, 1),
    (GSM * 161, GSM7, 161, 2),
    (GSM * 306, GSM7, 306, 2),
    (GSM * 307, GSM7, 307, 3),
    ("€" * 80, GSM7, 160, 1),
    ("€" * 81, GSM7, 162, 2),
    (CYRILLIC * 70, UCS2, 70, 1),
    (CYRILLIC * 71, UCS2, 71, 2),
    (CYRILLIC * 134, UCS2, 134, 2),
    (CYRILLIC * 135, UCS2, 135, 3),
    (EMOJI + GSM * 68, UCS2, 70, 1),
    (EMOJI + GSM * 69, UCS2, 71, 2),
]


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), DOMAIN_VECTORS,
                         ids=[f"{v[1]}-{v[2]}u-{i}" for i, v in enumerate(DOMAIN_VECTORS)])
def test_domain_vectors(text, encoding, units, segments):
    assert tuple(count_segments(text)) == (encoding, units, segments)


def test_152_gsm_plus_euro():
    # DOMAIN.md lists "152 GSM + € -> 2". That is 154 septets, which fits the
    # 160 of a single segment (as "€"x80 = 160 septets -> 1 shows), so the
    # exact answer is 1. The escape pair matters once the text is split: see
    # the straddle tests below, where 152 + € would cross septet 153.
    assert tuple(count_segments(GSM * 152 + "€")) == (GSM7, 154, 1)
    assert tuple(count_segments(GSM * 159 + "€")) == (GSM7, 161, 2)


def test_escape_pair_is_never_split():
    # Dividing 306 septets by 153 says 2; but the € cannot start at septet 153,
    # so the first segment carries 152 and the rest spills into a third.
    text = GSM * 152 + "€" + GSM * 152
    assert tuple(count_segments(text)) == (GSM7, 306, 3)
    assert count_segments(GSM * 152 + "€" + GSM * 151).segments == 2
    assert count_segments(GSM * 151 + "€" + GSM * 153).segments == 2


def test_surrogate_pair_is_never_split():
    text = GSM * 66 + EMOJI + GSM * 66  # 134 code units: 2 by division, 3 exactly
    assert tuple(count_segments(text)) == (UCS2, 134, 3)
    assert count_segments(GSM * 65 + EMOJI + GSM * 67).segments == 2


@pytest.mark.parametrize("char", list("^{}\\[~]|€\f"))
def test_extension_characters_cost_two(char):
    assert tuple(count_segments(char)) == (GSM7, 2, 1)
    assert tuple(count_segments(char * 80)) == (GSM7, 160, 1)
    assert count_segments(char * 80 + GSM).segments == 2


@pytest.mark.parametrize("char", list("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r"))
def test_basic_table_characters_cost_one(char):
    assert tuple(count_segments(char * 160)) == (GSM7, 160, 1)


@pytest.mark.parametrize("char", ["\u2019", "\u201c", "\u2014", "\u2026", "\u00a0", "ç", "Ł", "\t", "`"])
def test_anything_else_turns_the_whole_text_into_ucs2(char):
    text = GSM * 100 + char
    assert count_segments(text) == (UCS2, 101, 2)
    assert non_gsm7(text) == [char]
    assert not is_gsm7(text)


def test_empty_text_has_no_segments():
    assert tuple(count_segments("")) == (GSM7, 0, 0)


def _split(text):
    """An independent splitter: cut the encoded text into real segments."""
    if is_gsm7(text):
        encoded = [("\x1b" + ch) if ch in GSM7_EXTENSION else ch for ch in text]
        encoding = GSM7
    else:
        encoded = [ch.encode("utf-16-be") for ch in text]
        encoding = UCS2
    size = lambda piece: len(piece) if encoding == GSM7 else len(piece) // 2  # noqa: E731
    total = sum(size(p) for p in encoded)
    if total <= SINGLE[encoding]:
        return encoding, total, [encoded]
    chunks, chunk = [], []
    for piece in encoded:
        if sum(size(p) for p in chunk) + size(piece) > CONCATENATED[encoding]:
            chunks.append(chunk)
            chunk = []
        chunk.append(piece)
    chunks.append(chunk)
    for chunk in chunks:
        assert sum(size(p) for p in chunk) <= CONCATENATED[encoding]
    return encoding, total, chunks


def test_random_texts_match_a_real_split():
    rng = random.Random(20261125)
    basic = sorted(GSM7_BASIC)
    extension = sorted(GSM7_EXTENSION)
    others = [EMOJI, CYRILLIC, "\u2019", "é", "中"]
    for _ in range(400):
        length = rng.randint(1, 480)
        pool = basic + extension * 10 + (others * 10 if rng.random() < 0.4 else [])
        text = "".join(rng.choice(pool) for _ in range(length))
        encoding, units, chunks = _split(text)
        assert tuple(count_segments(text)) == (encoding, units, len(chunks)), text


# -- plain punctuation ---------------------------------------------------------------------

@pytest.mark.parametrize(("smart", "plain"), [
    ("\u2018quoted\u2019", "'quoted'"),
    ("it\u2019s", "it's"),
    ("\u201cquoted\u201d", '"quoted"'),
    ("\u201equoted\u201f", '"quoted"'),
    ("\u00abquoted\u00bb", '"quoted"'),
    ("9\u201310", "9-10"),
    ("now\u2014or later", "now-or later"),
    ("wait\u2026", "wait..."),
    ("non\u00a0breaking", "non breaking"),
    ("narrow\u202fspace", "narrow space"),
    ("thin\u2009space", "thin space"),
    ("zero\u200bwidth", "zerowidth"),
    ("soft\u00adhyphen", "softhyphen"),
    ("\ufeffbom", "bom"),
    ("tab\there", "tab here"),
    ("minus \u2212 sign", "minus - sign"),
])
def test_plain_punctuation(smart, plain):
    assert plain_punctuation(smart) == plain
    assert is_gsm7(plain_punctuation(smart))


def test_plain_punctuation_brings_a_text_back_to_one_gsm_segment():
    smart = "Hi Dana, it\u2019s Ana Lima \u2014 thank you for the \u201cData Engineer\u201d chat\u2026 " * 2
    assert count_segments(smart) == (UCS2, 130, 2)
    plain = plain_punctuation(smart)
    assert count_segments(plain).encoding == GSM7
    assert count_segments(plain).segments == 1


def test_plain_punctuation_keeps_everything_else():
    text = "Grüße, José! Café at 9:30 {ok} [x] ~ | ^ € \\ emoji " + EMOJI
    assert plain_punctuation(text) == text

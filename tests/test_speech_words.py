"""The voicemail's word count (writing/speech.count_words) is the number of matches of
``[\\w'’-]+``, for every text: it is counted on bytes, not by making each match."""

from hypothesis import given
from hypothesis import strategies as st

from followup_script.writing.speech import _WORD, count_words

# what scripts are made of, and what can break a count on bytes: apostrophes curly and plain,
# hyphens and dashes, an underscore, letters of several scripts and with accents (one code
# point or two), digits that are not ASCII (Arabic-Indic, superscript), combining marks,
# zero-width and other format characters, spaces that are not ASCII (no-break, NEL, ideographic),
# ASCII separators that str.split would take as spaces, lone surrogates
PIECES = st.sampled_from([
    " ", "  ", "\n", "\t", ",", ".", "...", "!", "?", "'", "’", "‘", "-", "—", "–", "_", "(", ")",
    ":", "/", "+", "@", "Dana", "it's", "Ana", "555", "9", "Zoë", "e\u0301", "Ñúñez", "Иван", "Ελένη",
    "東京", "にいます", "٣", "²", "\u0301", "\u200b", "\u00ad", "\u00a0", "\x85", "\u3000", "\x1c", "\x1f",
    "\ud800", "😀", "ﬁ", "Ⅻ",
])


@given(st.lists(PIECES, max_size=40).map("".join))
def test_the_count_is_the_matches_of_a_word(text):
    assert count_words(text) == len(_WORD.findall(text))


@given(st.text(max_size=60))
def test_any_text_is_counted_as_the_regex_counts_it(text):
    assert count_words(text) == len(_WORD.findall(text))


def test_a_voicemail_is_counted_word_by_word():
    text = ("Hi Dana, this is Ana Lima-Souza, at five five five, one two three. "
            "I’m calling about the Data Engineer role — at Café Zoë. Thank you!\n")
    assert count_words(text) == len(_WORD.findall(text)) == 25

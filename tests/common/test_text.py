"""The text rules every way in shares (common.text): what single-line and multi-line fields refuse,
how names are compared, and how stored text is escaped on its way to a terminal."""

from __future__ import annotations

import json
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from common import text

ESC_RED = "\x1b[31m"
OSC_TITLE = "\x1b]0;pwned\x07"


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("fraud\x00model", "U+0000 NUL at position 6"),
        (f"{ESC_RED}fraud", "U+001B ESCAPE at position 1"),
        (f"fraud{OSC_TITLE}", "U+001B ESCAPE at position 6"),
        ("fraud\x08\x08\x08ok", "U+0008 BACKSPACE at position 6"),
        ("fraud\nmodel", "U+000A LINE FEED at position 6"),
        ("fraud\tmodel", "U+0009 TAB at position 6"),
        ("fraud\x9b31m", "U+009B CONTROL SEQUENCE INTRODUCER at position 6"),
        ("fraud\x7f", "U+007F DELETE at position 6"),
        ("fr\u200baud", "U+200B ZERO WIDTH SPACE at position 3"),
        ("\u202efraud", "U+202E RIGHT-TO-LEFT OVERRIDE at position 1"),
        ("fraud\u2066x\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE at position 6"),
        ("fraud\u2028model", "U+2028 LINE SEPARATOR at position 6"),
        ("fraud\udcff", "U+DCFF lone surrogate at position 6"),
        ("tag\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A at position 4"),
    ],
)
def test_a_single_line_refuses_control_and_invisible_characters_naming_each(value, found):
    with pytest.raises(ValidationError) as exc_info:
        text.clean_line(value, label="Vendor")
    (message,) = exc_info.value.messages
    assert message.startswith("Vendor must be printable text on one line, without control or invisible characters")
    assert found in message


def test_it_names_the_first_three_problems_and_counts_the_rest():
    with pytest.raises(ValidationError) as exc_info:
        text.clean_line("a\x1bb\x1bc\x1bd\x1be\x1b", label="Vendor")
    assert exc_info.value.messages[0].endswith("U+001B ESCAPE at position 6 and 2 more.")


def test_a_single_line_is_trimmed_and_composed():
    assert text.clean_line("  cafe\u0301 \u00a0", label="Vendor") == "caf\u00e9"


@pytest.mark.parametrize("value", ["Anthropic", "Crédit Agricole", "株式会社", "Банк", "O'Brien & Co. (EU) #2", "Ǳ ﬁ 😀"])
def test_printable_text_of_any_language_passes(value):
    assert text.clean_line(value, label="Vendor") == value


def test_multi_line_text_keeps_line_breaks_and_tabs_as_lf():
    assert text.clean_text("line one\r\nline two\rline\tthree\n", label="Notes") == "line one\nline two\nline\tthree"


@pytest.mark.parametrize(
    ("value", "found"),
    [("ok\x00", "U+0000 NUL"), (f"see {ESC_RED}", "U+001B ESCAPE"), ("x\u202ey", "U+202E RIGHT-TO-LEFT OVERRIDE"),
     ("x\x0by", "U+000B LINE TABULATION")],
)
def test_multi_line_text_refuses_other_controls(value, found):
    with pytest.raises(ValidationError) as exc_info:
        text.clean_text(value, label="Notes")
    assert exc_info.value.messages[0].startswith("Notes may contain line breaks and tabs but no other control")
    assert found in exc_info.value.messages[0]


@pytest.mark.parametrize(
    ("name", "odd"),
    [
        ("сafé-model", "'с' (U+0441 CYRILLIC SMALL LETTER ES) at position 1"),
        ("fraud-detectοr", "'ο' (U+03BF GREEK SMALL LETTER OMICRON) at position 13"),
        ("ｆｒａｕｄ-ѕcore", "'ѕ' (U+0455 CYRILLIC SMALL LETTER DZE) at position 7"),
    ],
)
def test_a_name_mixing_latin_with_cyrillic_or_greek_is_refused_naming_the_odd_letters(name, odd):
    with pytest.raises(ValidationError) as exc_info:
        text.clean_name(name, label="Model name")
    (message,) = exc_info.value.messages
    assert message.startswith("Model name mixes Latin letters with ")
    assert odd in message
    assert message.endswith("Write the name in one alphabet.")


@pytest.mark.parametrize("name", ["fraud-detector-v2", "модель-2", "μοντέλο", "モデル-v2", "model-株式会社", "α"])
def test_a_name_in_one_of_those_alphabets_passes(name):
    assert text.clean_name(name, label="Model name") == name


@pytest.mark.parametrize(
    "variant",
    [
        "CAFÉ-MODEL",  # case
        "cafe\u0301-model",  # decomposed accent
        "ｃａｆé-ｍｏｄｅｌ",  # full width
        "caf\u200bé-model",  # zero-width space
        "\u202ecafé-model",  # right-to-left override
        "сafé-model",  # Cyrillic es
        " café-model\u00a0",  # surrounding spaces
    ],
)
def test_look_alike_names_share_a_key(variant):
    assert text.name_key(variant) == text.name_key("café-model") == "café-model"


def test_a_whole_name_in_look_alike_cyrillic_shares_the_latin_key():
    assert text.name_key("АРЕХ") == text.name_key("apex")  # Cyrillic А, Р, Е, Х


def test_different_names_keep_different_keys():
    keys = {text.name_key(name) for name in ["cafe-model", "café-model", "cafe-model-2", "cafe model", "cafemodel"]}
    assert len(keys) == 5


def test_whitespace_runs_compare_as_one_space():
    assert text.name_key("fraud \u3000 model") == text.name_key("Fraud Model")


def test_the_refused_characters_are_exactly_the_refused_categories():
    # The regular expressions are written out for speed; hold them to this Python's Unicode data.
    # (Code points unassigned here may be refused already: they are format characters in Unicode 15.)
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        refused = text.REFUSED_IN_LINE.match(char) is not None
        assert refused == (category in text.REFUSED_CATEGORIES) or (refused and category == "Cn"), hex(code)
        in_text = text.REFUSED_IN_TEXT.match(char) is not None
        assert in_text == (refused and char not in "\n\t"), hex(code)


def test_escaping_shows_every_refused_character_and_nothing_else_changes():
    value = f"ok {ESC_RED}red{OSC_TITLE}\x08\u202e\U000e0041\udcff\n café"
    assert text.escape_line(value) == "ok \\x1b[31mred\\x1b]0;pwned\\x07\\x08\\u202e\\U000e0041\\udcff\\x0a café"
    assert text.escape_text(value).endswith("\\udcff\n café")
    assert text.escape_line("plain café") == "plain café"


def test_json_escaping_keeps_the_value_and_drops_the_raw_characters():
    data = {"name": "x\x9b31m\u202e\U000e0041y", "notes": "a\nb\x1b"}
    encoded = text.escape_json(json.dumps(data, indent=2, ensure_ascii=False))
    assert json.loads(encoded) == data
    assert text.REFUSED_IN_TEXT.search(encoded) is None
    assert "\\u009b" in encoded and "\\udb40\\udc41" in encoded

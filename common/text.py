"""What text people type may contain, how names are compared, and how stored text is shown safely.

Every way in (console and admin forms, the CLI, the services that import and the API will call)
checks text with the same functions, and every way out to a terminal or a log escapes it with the
same ones, so one person's input can never drive another person's terminal or pose as another name:

- single-line fields (names, vendors, owners, versions, URLs): no control characters at all (NUL,
  escape sequences, backspace, tabs, newlines, C1 controls), no invisible formatting characters
  (zero-width spaces and joiners, bidirectional overrides and isolates, soft hyphens: Unicode's
  "Cf" category), no line or paragraph separators, no lone surrogates;
- multi-line fields (notes, use case): newlines and tabs are kept (CR LF and CR read as LF); the
  rest is refused as for single lines, bidirectional controls included;
- model names: also not a mix of Latin, Greek and Cyrillic letters (look-alike spoofing), and unique
  by ``name_key``: NFKC-normalised, case-folded, invisible characters dropped, whitespace collapsed,
  and the Cyrillic and Greek letters that look like Latin ones read as those (a short table below,
  not Unicode's full confusables list).

Only the standard library's ``unicodedata`` is used.
"""

from __future__ import annotations

import re
import unicodedata


def _invalid(message: str, code: str) -> Exception:
    # Imported when text is refused: the escaping helpers below serve the command line's remote
    # gate, which runs without Django.
    from django.core.exceptions import ValidationError

    return ValidationError(message, code=code)


LINE_CODE = "control_character"
MIXED_SCRIPT_CODE = "mixed_script"

LINE_MESSAGE = (
    "{label} must be printable text on one line, without control or invisible characters; "
    "it contains {found}."
)
TEXT_MESSAGE = (
    "{label} may contain line breaks and tabs but no other control or invisible characters; "
    "it contains {found}."
)
MIXED_SCRIPT_MESSAGE = (
    "{label} mixes {majority} letters with {minority} ones, which can look alike: {found}. "
    "Write the name in one alphabet."
)

# Characters named in messages by these words, as unicodedata has no names for controls.
CONTROL_NAMES = {
    0x00: "NUL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED", 0x0B: "LINE TABULATION",
    0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE",
    0x9B: "CONTROL SEQUENCE INTRODUCER", 0x9D: "OPERATING SYSTEM COMMAND",
}
# Problems a message lists before "and N more".
SHOWN_PROBLEMS = 3
# The scripts whose letters pass for one another.
CONFUSABLE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")

# Cyrillic and Greek letters (after case folding) that look like a Latin letter in either case.
LOOKALIKES = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ѕ": "s", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
})

_LINE_BREAKS = re.compile(r"\r\n?")

# The characters refused in text, as Unicode categories: Cc (C0, DEL and C1 controls), Cf
# (invisible format characters: zero-width spaces and joiners, bidirectional controls, soft hyphen,
# tags), Zl and Zp (line and paragraph separators) and Cs (lone surrogates, from undecodable bytes).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# The same characters as regular-expression ranges, so that checking and escaping run at C speed
# (an export of 100,000 models is checked on its way to the terminal). The Cf ranges are Unicode
# 15's; a test holds them to the categories of the running Python's Unicode database.
_FORMAT_RANGES = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_OTHER_RANGES = "\x7f-\x9f\u2028\u2029\ud800-\udfff"
REFUSED_IN_LINE = re.compile(f"[\x00-\x1f{_OTHER_RANGES}{_FORMAT_RANGES}]")
# Multi-line text keeps line feeds and tabs.
REFUSED_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHER_RANGES}{_FORMAT_RANGES}]")


def describe(char: str) -> str:
    """A character as a message shows it: "U+001B ESCAPE", "U+202E RIGHT-TO-LEFT OVERRIDE"."""
    code = ord(char)
    name = CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    if not name:
        name = {"Cc": "control character", "Cs": "lone surrogate"}.get(unicodedata.category(char), "character")
    return f"U+{code:04X} {name}"


def _found(hits: list[tuple[int, str]]) -> str:
    """ "U+001B ESCAPE at position 6, ..." for the first few of ``hits`` (1-based positions)."""
    shown = [f"{describe(char)} at position {position}" for position, char in hits[:SHOWN_PROBLEMS]]
    more = len(hits) - SHOWN_PROBLEMS
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def refused_characters(value: str, *, multiline: bool = False) -> list[tuple[int, str]]:
    """The (1-based position, character) of each character a field refuses."""
    pattern = REFUSED_IN_TEXT if multiline else REFUSED_IN_LINE
    return [(match.start() + 1, match.group()) for match in pattern.finditer(value)]


def is_clean_line(value: str) -> bool:
    """Whether ``value`` passes the single-line rule (so it may be used in a query as typed)."""
    return REFUSED_IN_LINE.search(value) is None


def clean_line(value: str, *, label: str) -> str:
    """A single-line field's value: trimmed and NFC-composed, or ValidationError naming the field
    and each refused character."""
    value = unicodedata.normalize("NFC", value.strip())
    # One search for the clean value (nearly every one): the positions only for a refusal.
    if REFUSED_IN_LINE.search(value) is not None:
        raise _invalid(LINE_MESSAGE.format(label=label, found=_found(refused_characters(value))), LINE_CODE)
    return value


def clean_text(value: str, *, label: str) -> str:
    """A multi-line field's value: line breaks as LF, trimmed and NFC-composed, or ValidationError."""
    if "\r" in value:
        value = _LINE_BREAKS.sub("\n", value)
    value = unicodedata.normalize("NFC", value.strip())
    if REFUSED_IN_TEXT.search(value) is not None:
        raise _invalid(TEXT_MESSAGE.format(label=label, found=_found(refused_characters(value, multiline=True))),
                       LINE_CODE)
    return value


def script_of(char: str) -> str | None:
    """LATIN, GREEK or CYRILLIC for a letter of one of those scripts; None for anything else."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    for script in CONFUSABLE_SCRIPTS:
        if name.startswith(script + " "):
            return script
    return None


def mixed_script_problem(value: str, *, label: str) -> str | None:
    """Why ``value`` mixes Latin, Greek and Cyrillic letters (naming the odd ones out), or None.

    Read on the NFKC form, so full-width Latin letters count as Latin.
    """
    if value.isascii():  # no Greek or Cyrillic letter is ASCII (an import checks 100,000 names)
        return None
    letters: dict[str, list[tuple[int, str]]] = {}
    for position, char in enumerate(unicodedata.normalize("NFKC", value), start=1):
        script = script_of(char)
        if script is not None:
            letters.setdefault(script, []).append((position, char))
    if len(letters) < 2:
        return None
    # The script with most letters is taken as the one meant; the others are named.
    ordered = sorted(letters, key=lambda script: (-len(letters[script]), CONFUSABLE_SCRIPTS.index(script)))
    majority, others = ordered[0], ordered[1:]
    hits = sorted(hit for script in others for hit in letters[script])
    found = ", ".join(f"'{char}' ({describe(char)}) at position {place}" for place, char in hits[:SHOWN_PROBLEMS])
    if len(hits) > SHOWN_PROBLEMS:
        found += f" and {len(hits) - SHOWN_PROBLEMS} more"
    return MIXED_SCRIPT_MESSAGE.format(
        label=label, majority=majority.title(), minority=" and ".join(script.title() for script in others), found=found,
    )


def clean_name(value: str, *, label: str) -> str:
    """A name's value: a clean single line whose letters are of one of Latin, Greek, Cyrillic."""
    value = clean_line(value, label=label)
    problem = mixed_script_problem(value, label=label)
    if problem:
        raise _invalid(problem, MIXED_SCRIPT_CODE)
    return value


def name_key(value: str) -> str:
    """The form of a name that uniqueness and look-ups compare: names with the same key are the
    same name to a reader ("café-model", "CAFÉ-MODEL", "ｃａｆé-model", "сafé-model" in Cyrillic)."""
    key = unicodedata.normalize("NFKC", value).casefold()
    # Case folding can undo the normal form (e.g. of "ǰ"); invisible characters are dropped.
    key = REFUSED_IN_LINE.sub("", unicodedata.normalize("NFKC", key))
    return " ".join(key.translate(LOOKALIKES).split())


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _json_escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    # JSON writes a character beyond the BMP as its UTF-16 surrogate pair.
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escape_line(value: str) -> str:
    """``value`` safe to print on one line of a terminal or a log: every character a single-line
    field refuses is written as an escape ("\\x1b", "\\u202e"), so none reaches the terminal."""
    return REFUSED_IN_LINE.sub(_escaped, value)


def escape_text(value: str) -> str:
    """Like ``escape_line``, but line breaks and tabs are kept (for notes and other multi-line text)."""
    return REFUSED_IN_TEXT.sub(_escaped, value)


def escape_json(encoded: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) with the characters it
    leaves as they are but a terminal may act on (C1 controls, DEL, invisible and bidi characters,
    lone surrogates) written as \\u escapes (\\u202e, \\u0085): the same JSON value, safe on a terminal."""
    # Outside strings JSON has only ASCII punctuation, spaces and line feeds (which it escapes inside
    # strings, as it does tabs and the other C0 controls), so whatever matches is inside a string.
    return REFUSED_IN_TEXT.sub(_json_escaped, encoded)

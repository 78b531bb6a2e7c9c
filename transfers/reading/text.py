"""A text file's bytes as text: UTF-8 with or without a byte-order mark, UTF-16 with one (what some
spreadsheets save as "Unicode text"), or Windows-1252 when declared or when the bytes are not
UTF-8 but are Windows-1252. Anything else is refused, naming where the first bad byte is."""

from __future__ import annotations

import codecs

from transfers.tables import FileRefused, Problem

WINDOWS_1252 = "cp1252"
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "windows-1252": WINDOWS_1252, "cp1252": WINDOWS_1252,
             "latin-1": WINDOWS_1252, "iso-8859-1": WINDOWS_1252}
READ_AS_1252_MESSAGE = (
    "The file is not UTF-8, so it was read as Windows-1252 (the encoding Excel's plain \"CSV\" uses on "
    "Windows). If accented letters look wrong in the preview, save it as \"CSV UTF-8\" and import it again."
)
UNDECODABLE_MESSAGE = (
    "The file's bytes are neither UTF-8 nor Windows-1252: byte 0x{byte:02X} on line {line} cannot be read. "
    "Save the file as \"CSV UTF-8\" (or UTF-8 text) and import it again."
)
NOT_ENCODING_MESSAGE = (
    "The file is not {encoding} as declared: byte 0x{byte:02X} on line {line} cannot be read in it."
)
UNKNOWN_ENCODING_MESSAGE = "Unknown encoding {encoding!r}: the import reads utf-8 and windows-1252."


def _where(data: bytes, error: UnicodeDecodeError) -> dict[str, int]:
    return {"byte": data[error.start], "line": data.count(b"\n", 0, error.start) + 1}


def decode(data: bytes, *, encoding: str | None = None) -> tuple[str, list[Problem]]:
    """The text of ``data`` and what was noticed (read as Windows-1252). FileRefused when it cannot
    be read as text."""
    if encoding is not None:
        codec = ENCODINGS.get(encoding.strip().lower())
        if codec is None:
            raise FileRefused(UNKNOWN_ENCODING_MESSAGE.format(encoding=encoding))
        try:
            return data.decode("utf-8-sig" if codec == "utf-8" else codec), []
        except UnicodeDecodeError as exc:
            raise FileRefused(NOT_ENCODING_MESSAGE.format(encoding=encoding, **_where(data, exc))) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise FileRefused(NOT_ENCODING_MESSAGE.format(encoding="UTF-16", **_where(data, exc))) from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as utf8_error:
        if data.startswith(codecs.BOM_UTF8):
            raise FileRefused(NOT_ENCODING_MESSAGE.format(encoding="UTF-8", **_where(data, utf8_error))) from None
        try:
            return data.decode(WINDOWS_1252), [Problem(READ_AS_1252_MESSAGE, table="")]
        except UnicodeDecodeError as exc:
            raise FileRefused(UNDECODABLE_MESSAGE.format(**_where(data, exc))) from None

"""Files that cannot be imported as a whole are refused with every reason and nothing written:
empty, too large, undecodable, broken quotes, ragged rows, JSON of the wrong shape, a workbook that
is not one; and the files real inventories are: title rows, headers over several lines, BOMs,
Windows-1252, semicolons."""

from __future__ import annotations

import codecs
import io

import pytest

from inventory.models import AIModel
from tests.transfers.conftest import run_import
from transfers.tables import FileRefused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

HEADER = "model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date"
ROW = "fraud-v2,In-house,high,Card fraud,Jane Smith,Fraud DS,2026-01-05"


def refused(data: bytes, name: str = "inventory.csv", **options) -> list[str]:
    before = AIModel.objects.count()
    with pytest.raises(FileRefused) as caught:
        run_import(data, name, **options)
    assert AIModel.objects.count() == before
    return [problem.describe(name) for problem in caught.value.problems]


def test_an_empty_file_is_refused():
    assert refused(b"") == ["inventory.csv: The file is empty: nothing to import."]
    assert refused(b"  \r\n\r\n") == ["inventory.csv: The file is empty: nothing to import."]
    assert refused(b"", "inventory.json") == ["inventory.json: The file is empty: nothing to import."]


def test_a_file_with_a_header_and_no_rows_is_refused():
    assert refused(f"{HEADER}\r\n".encode()) == ["inventory.csv: The file has no rows under its header: nothing to import."]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MLTRACK_IMPORT_MAX_MB = 1
    (message,) = refused(f"{HEADER}\n".encode() + f"{ROW}\n".encode() * 20_000)
    assert "over the limit of 1 MB (MLTRACK_IMPORT_MAX_MB)" in message


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused_naming_the_line():
    (message,) = refused(f"{HEADER}\n".encode() + b"fraud\x81,In-house,high,x,y,z,2026-01-05\n")
    assert "byte 0x81 on line 2 cannot be read" in message and "CSV UTF-8" in message


def test_windows_1252_is_read_when_the_bytes_are_not_utf8_and_said():
    data = f"{HEADER}\n{ROW.replace('Jane Smith', 'José Núñez')}\n".encode("cp1252")
    outcome = run_import(data)
    assert outcome.ok and AIModel.objects.get().business_owner == "José Núñez"
    assert any("read as Windows-1252" in notice.message for notice in outcome.notices)


def test_a_declared_encoding_is_used_and_a_file_that_is_not_in_it_refused():
    data = f"{HEADER}\n{ROW.replace('Jane Smith', 'Zoë')}\n".encode("cp1252")
    assert run_import(data, encoding="windows-1252").ok
    assert "is not utf-8 as declared" in refused(data.replace(b"fraud-v2", b"other"), encoding="utf-8")[0]
    assert "Unknown encoding 'ebcdic'" in refused(data, encoding="ebcdic")[0]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_utf8_with_a_byte_order_mark_and_utf16_are_read(encoding):
    data = f"{HEADER}\n{ROW.replace('Jane Smith', 'Zoë')}\n".encode(encoding)
    assert data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    outcome = run_import(data)
    assert outcome.ok and AIModel.objects.get().business_owner == "Zoë"


def test_unbalanced_quotes_are_refused_with_the_row():
    (message,) = refused(f'{HEADER}\n{ROW}\n"fraud-v3,In-house,high,x,y,z,2026-01-05\n'.encode())
    assert message.startswith("inventory.csv: Row 3 (line 3 of the file) cannot be read: a quoted cell is never closed")


def test_text_after_a_closing_quote_is_refused():
    (message,) = refused(f'{HEADER}\n"fraud"x,In-house,high,x,y,z,2026-01-05\n'.encode())
    assert "Row 2" in message and "a closing quote is followed by more text" in message


def test_every_ragged_row_is_refused():
    data = f"{HEADER}\n{ROW}\nshort,row\n{ROW.replace('v2', 'v3')},extra\n{ROW.replace('v2', 'v4')},,\n".encode()
    problems = refused(data)
    assert problems == [
        "inventory.csv, row 3: Row 3 has 2 cells, but the header (row 1) has 7: a cell is missing, or a quoted "
        "line break split the row.",
        "inventory.csv, row 4: Row 4 has 8 cells, but the header (row 1) has 7: the cells after the last column "
        "have no header.",
    ]


def test_title_rows_above_the_header_and_headers_over_several_lines_are_found():
    data = (
        "Model inventory, Q3 2026,,,,,\r\n"
        "Prepared by Model Risk,,,,,,\r\n"
        ",,,,,,\r\n"
        '"Model\nName",Vendor,"Risk\r\nTier",Use case,Business owner,Technical owner,Deployment date *\r\n'
        f"{ROW}\r\n"
        f"{ROW.replace('v2', 'v3')},\r\n"
    ).encode()
    outcome = run_import(data)
    assert outcome.ok and outcome.created == 2
    assert [row for row, _, _ in outcome.actions] == [5, 6]


def test_the_header_row_can_be_given():
    data = f"Inventory\n{HEADER}\n{ROW}\n".encode()
    assert run_import(data, header_row=2).created == 1


def test_a_header_row_that_is_empty_or_past_the_end_is_refused():
    assert refused(f"{HEADER}\n{ROW}\n".encode(), header_row=9) == [
        "inventory.csv: --header-row 9: the file has no row 9 with anything in it."]


def test_a_semicolon_separated_file_is_read():
    data = f"{HEADER.replace(',', ';')}\n{ROW.replace(',', ';')}\n".encode()
    assert run_import(data).created == 1


def test_names_repeated_in_one_file_are_refused_whatever_their_case_or_alphabet():
    data = f"{HEADER}\n{ROW}\n{ROW.replace('fraud-v2', 'FRAUD-V2')}\n{ROW.replace('fraud-v2', 'ok')}\n" \
           f"{ROW.replace('fraud-v2', 'frаud-v2')}\n".encode()  # the last with a Cyrillic а
    (message,) = refused(data, continue_on_error=True)
    assert message.startswith("inventory.csv, row 2, column model_name: The name 'fraud-v2' is in the file more than "
                              "once") and message.endswith("rows 2, 3, 5.")


def test_an_unknown_extension_is_refused_unless_the_format_is_given():
    assert "name it .csv, .json or .xlsx" in refused(f"{HEADER}\n{ROW}\n".encode(), "inventory.dat")[0]
    assert run_import(f"{HEADER}\n{ROW}\n".encode(), "inventory.dat", fmt="csv").created == 1


@pytest.mark.parametrize(("document", "expected"), [
    (b"{not json", "The file is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)."),
    (b"42", "it must be a list of objects, one per model"),
    (b'{"items": []}', "it must be a list of objects, one per model"),
    (b'{"models": {"a": 1}}', '"models" must be a list of objects, one per model; it is an object.'),
    (b"[]", "The file has no models: nothing to import."),
    (b'[1, "x"]', "inventory.json, models[0]: Each item must be an object of column names and values; this one is a number."),
    (b'[{"model_name": "a", "notes": ["x"]}]', 'inventory.json, models[0], column "notes": The value of "notes" is a list'),
    (b'[{"model_name": "a", "model_name": "b"}]', 'The key "model_name" appears twice in this object.'),
])
def test_json_of_the_wrong_shape_is_refused_saying_where(document, expected):
    problems = refused(document, "inventory.json")
    assert any(expected in problem for problem in problems), problems


def test_a_bare_json_list_of_models_is_read():
    document = b'[{"model_name": "a-model", "vendor": "V", "risk_tier": "Low", "use_case": "u", ' \
               b'"business_owner": "b", "technical_owner": "t", "deployment_date": "2026-01-01", "notes": null}]'
    assert run_import(document, "inventory.json").created == 1


def _workbook(rows, title="Models") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_file_that_is_not_a_workbook_is_refused():
    assert "not an Excel workbook (.xlsx) that can be read: it is not a zip archive" in refused(
        b"model_name\nx\n", "inventory.xlsx")[0]


def test_a_sheet_that_is_not_there_is_refused_naming_the_sheets():
    data = _workbook([HEADER.split(","), ROW.split(",")], title="Inventory")
    assert refused(data, "inventory.xlsx", sheet="Models") == [
        "inventory.xlsx: The workbook has no sheet named 'Models'. Its sheets: Inventory."]
    assert run_import(data, "inventory.xlsx", sheet="inventory").created == 1


def test_a_cell_in_a_column_without_a_header_is_refused():
    data = _workbook([HEADER.split(","), [*ROW.split(","), None, "stray"]])
    assert refused(data, "inventory.xlsx") == [
        "inventory.xlsx, row 2: Row 2 has a value in column I, which has no header (row 1): name the column, or "
        "clear the cell."]

"""Regional CSV files as they are: the delimiter and the encoding detected, unreadable rows rejected alone."""

from __future__ import annotations

import codecs

import pytest

from lcn_shared.deliveries import Decoded, UnsupportedMediaType, charset_of, decode, read_delivery, sniff_delimiter


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("external_id,naam,plaats\nA,Lab,Assen\n", ","),
        ("external_id;naam;plaats\nA;Lab, de eerste;Assen\n", ";"),
        ("external_id\tnaam\tplaats\nA\tLab; Zorg\tAssen\n", "\t"),
        # The sniffer alone would take the commas of the prose; the header settles it.
        ('naam;beschrijving\nLab;"een, twee, drie, vier"\nZorg;"vijf, zes, zeven"\n', ";"),
        ("external_id\nA\n", ","),
    ],
)
def test_sniff_delimiter_finds_comma_semicolon_or_tab(text: str, delimiter: str) -> None:
    """csv.Sniffer restricted to the three, checked against the header line; a comma when nothing says otherwise."""
    assert sniff_delimiter(text) == delimiter


def test_decode_reads_utf_8_with_or_without_a_bom_and_falls_back_to_windows_1252() -> None:
    """UTF-8 (a BOM dropped), Windows-1252 (also behind a stray UTF-8 BOM), and a charset named by the sender."""
    assert decode("Zoë".encode()).text == "Zoë"
    assert decode(codecs.BOM_UTF8 + "Zoë".encode()).text == "Zoë"
    assert decode(codecs.BOM_UTF8 + "Coöperatie Ideën".encode("cp1252")) == Decoded("Coöperatie Ideën", "cp1252")
    assert decode("Zoë".encode("latin-1"), charset_of("text/csv; charset=ISO-8859-1")).text == "Zoë"
    with pytest.raises(UnsupportedMediaType):
        charset_of("text/csv; charset=klingon")


def test_a_semicolon_windows_1252_file_reads_row_by_row_with_its_accents() -> None:
    """The Dutch Excel export: semicolons, Windows-1252, a BOM; a cell with a semicolon inside quotes stays one."""
    body = codecs.BOM_UTF8 + 'external_id;naam;partners\r\nB-1;Skillslab Ideeën;"A; B"\r\n'.encode("cp1252")
    [row] = read_delivery(body, "text/csv")
    assert row.data == {"external_id": "B-1", "naam": "Skillslab Ideeën", "partners": "A; B"}


def test_rows_that_cannot_be_read_are_rejected_alone_with_their_position_and_reason() -> None:
    """A NUL, a byte that is not UTF-8 in an otherwise UTF-8 file, a ragged row: each rejected, the rest read."""
    body = b"external_id,naam\nA,Zo\xc3\xab\nB,Nul\x00Byte\nC,Slecht \xff\nD\nE,Lab,extra\nF,Lab\n"
    rows = read_delivery(body, "text/csv", first_position=11)
    assert [(row.position, row.error) for row in rows] == [
        (11, None),
        (12, "naam holds a NUL character, which cannot be stored"),
        (13, "naam holds bytes that are not valid utf-8 text"),
        (14, "line 5: the row has fewer values than the header names"),
        (15, "line 6: the row has more values than the header names"),
        (16, None),
    ]
    assert rows[0].data == {"external_id": "A", "naam": "Zoë"}


def test_ndjson_and_json_reject_a_record_with_a_nul_or_bad_bytes_alone() -> None:
    """The same per record in NDJSON (a raw bad byte) and JSON (a NUL escape)."""
    ndjson = b'{"external_id": "A", "name": "Zo\xc3\xab"}\n{"external_id": "B", "name": "\xff"}\n'
    assert [row.error for row in read_delivery(ndjson, "application/x-ndjson")] == [
        None,
        "name holds bytes that are not valid utf-8 text",
    ]
    document = b'[{"external_id": "A", "name": "a\\u0000b"}, {"external_id": "B"}]'
    assert [row.error for row in read_delivery(document, "application/json")] == [
        "name holds a NUL character, which cannot be stored",
        None,
    ]


def test_the_reason_of_a_rejected_record_is_itself_storable() -> None:
    """A NUL in a key deep inside a record is named by an escaped path: the reason never carries the NUL itself."""
    document = b'[{"external_id": "A", "partners": [{"name": "x", "a\\u0000b": 1}]}]'
    [row] = read_delivery(document, "application/json")
    assert row.error is not None
    assert "\x00" not in row.error
    assert row.error.startswith("partners.0.a\\x00b holds")

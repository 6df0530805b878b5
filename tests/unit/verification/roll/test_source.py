import gzip
from pathlib import Path

import pytest

from apoyo_verification.roll import source
from apoyo_verification.roll.source import Lines, Row, open_roll


def read(path: Path) -> tuple[list[str], list[tuple[int, list[str] | None]]]:
    with open_roll(path) as roll_file:
        return roll_file.header(), list(roll_file.rows())


@pytest.mark.parametrize("block_chars", [1, 6, 1 << 20])  # a line, a few, the whole file
def test_rows_come_with_the_line_they_start_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_chars: int
) -> None:
    monkeypatch.setattr(source, "BLOCK_CHARS", block_chars)
    path = tmp_path / "roll.csv"
    path.write_text('a,b\n1,2\n\n"3\n\nx",4\n5,6\n7,8\n"9",0\n1,2', encoding="utf-8")
    header, rows = read(path)
    assert header == ["a", "b"]
    assert rows == [
        (2, ["1", "2"]),
        (4, ["3\n\nx", "4"]),
        (7, ["5", "6"]),
        (8, ["7", "8"]),
        (9, ["9", "0"]),
        (10, ["1", "2"]),
    ]


def test_plain_runs_come_whole_and_quoted_rows_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "BLOCK_CHARS", 7)  # "more than 7 characters"
    path = tmp_path / "roll.csv"
    path.write_text('"a",b\n1,2\n3,4\n"5\n",6\n7,8\r\n9,0\n1,2', encoding="utf-8")
    with open_roll(path) as roll_file:
        assert roll_file.header() == ["a", "b"]
        assert list(roll_file.blocks()) == [
            Lines(2, "1,2\n3,4\n"),
            Row(4, ["5\n", "6"]),
            Row(6, ["7", "8"]),
            Lines(7, "9,0\n1,2\n"),  # the last line had no newline: it gets one
        ]


def test_a_quoted_header_spanning_lines_shifts_the_numbers(tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_text('"a\n",b\r\n1,2\r\n', encoding="utf-8")
    assert read(path) == (["a\n", "b"], [(3, ["1", "2"])])


def test_gzip_is_told_by_its_magic_bytes_not_its_name(tmp_path: Path) -> None:
    plain = "a,b\nÑ,é\n".encode()
    (tmp_path / "packed.csv").write_bytes(gzip.compress(plain))
    (tmp_path / "plain.csv.gz").write_bytes(plain)
    assert read(tmp_path / "packed.csv") == read(tmp_path / "plain.csv.gz")
    assert read(tmp_path / "packed.csv")[1] == [(2, ["Ñ", "é"])]


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_bytes("a,b\n1,2\n".encode("utf-8-sig"))
    assert read(path)[0] == ["a", "b"]


def test_bad_utf8_is_kept_on_its_line_as_a_replacement_character(tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_bytes(b"a,b\n1,2\nPE\xd1A,3\n")  # latin-1 "PEÑA"
    assert read(path)[1] == [(2, ["1", "2"]), (3, ["PE\ufffdA", "3"])]


def test_position_reaches_the_file_size(tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_text("a\n" + "1\n" * 1000, encoding="utf-8")
    with open_roll(path) as roll_file:
        list(roll_file.rows())
        assert roll_file.position() == roll_file.size == path.stat().st_size


@pytest.mark.parametrize("block_chars", range(1, 12))  # a block may stop between \r and \n
def test_crlf_lines_are_counted_once_wherever_a_block_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_chars: int
) -> None:
    monkeypatch.setattr(source, "BLOCK_CHARS", block_chars)
    path = tmp_path / "roll.csv"
    path.write_bytes(b'a,b\r\n1,2\r\n"3\r\n",4\r\n\r\n5,6\r\n')
    assert read(path)[1] == [(2, ["1", "2"]), (3, ["3\r\n", "4"]), (6, ["5", "6"])]

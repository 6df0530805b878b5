import gzip
from pathlib import Path

from apoyo_verification.roll.source import open_roll


def read(path: Path) -> tuple[list[str], list[tuple[int, list[str] | None]]]:
    with open_roll(path) as roll_file:
        return roll_file.header(), list(roll_file.rows())


def test_rows_come_with_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_text('a,b\n1,2\n\n"3\nx",4\n5,6\n', encoding="utf-8")
    header, rows = read(path)
    assert header == ["a", "b"]
    assert rows == [(2, ["1", "2"]), (4, ["3\nx", "4"]), (6, ["5", "6"])]


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

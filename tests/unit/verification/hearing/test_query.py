"""The hearing list's query string and its cursor."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from apoyo_common.codes import Status
from apoyo_common.paging import PAGE_DEFAULT, BadPage, Cursor
from apoyo_verification.hearing.domain import argument_problem
from apoyo_verification.hearing.query import query_of


def test_a_cursor_comes_back_as_it_went() -> None:
    at = datetime(2027, 1, 5, 10, 31, 2, 123456, tzinfo=timezone(timedelta(hours=-7)))
    cursor = Cursor(at, "s-1|with a bar")
    assert Cursor.decode(cursor.encode()) == cursor
    assert "=" not in cursor.encode() and "/" not in cursor.encode()


@pytest.mark.parametrize("text", ["", "not-base64!", "bm8tYmFy", "MjAyNy0wMS0wNVQxMDozMXxz"])
def test_anything_else_is_not_a_cursor(text: str) -> None:
    with pytest.raises(ValueError):  # no bar; a time without its zone
        Cursor.decode(text)


def test_an_empty_query_is_the_first_page_of_everything() -> None:
    query = query_of("p", "a", {})
    assert (query.status, query.reason, query.after, query.limit) == (
        None,
        None,
        None,
        PAGE_DEFAULT,
    )


def test_filters_and_the_cursor_are_read() -> None:
    after = Cursor(datetime(2027, 1, 5, tzinfo=UTC), "s-9")
    params = {"status": "BAJA", "reason": "DEFUNCION", "after": after.encode(), "limit": "7"}
    query = query_of("p", "a", params)
    assert (query.status, query.reason, query.after, query.limit) == (
        Status.BAJA,
        "DEFUNCION",
        after,
        7,
    )


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"status": "OTRO"}, "invalid_status"),
        ({"reason": "minusculas"}, "invalid_reason"),
        ({"limit": "²"}, "invalid_limit"),
        ({"limit": "201"}, "invalid_limit"),
        ({"limit": "-1"}, "invalid_limit"),
        ({"after": "x"}, "invalid_cursor"),
    ],
)
def test_a_bad_parameter_names_itself(params: dict[str, str], code: str) -> None:
    with pytest.raises(BadPage) as refused:
        query_of("p", "a", params)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("argument", "fine"),
    [("corto", False), ("   diez letras   ", True), ("x" * 4000, True), ("x" * 4001, False)],
)
def test_an_argument_has_ten_to_four_thousand_characters(argument: str, fine: bool) -> None:
    assert (argument_problem(argument) is None) == fine

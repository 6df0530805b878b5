from datetime import timedelta

import pytest

from apoyo_capture.guards import window_problem
from apoyo_capture.http.limits import retry_after
from tests.factories import process

WINDOW = process().capture
START, END = WINDOW.start, WINDOW.end
H = timedelta(hours=1)


@pytest.mark.parametrize(
    "captured,received,problem",
    [
        (START + H, START + H, None),
        (None, START + H, None),
        (END, END, None),
        (END - H, END + 23 * H, None),  # captured in time, uploaded within the grace
        (END - H, END + 25 * H, "upload_late"),
        (END + H, END + H, "capture_closed"),
        (None, END + H, "capture_closed"),
        (START - H, START + H, "capture_not_open"),
        (None, START - H, "capture_not_open"),
        (START + 3 * H, START + H, "captured_in_future"),
        (START + H + timedelta(minutes=5), START + H, None),  # a phone a little ahead
    ],
)
def test_capture_window(captured: object, received: object, problem: str | None) -> None:
    assert window_problem(WINDOW, captured, received) == problem  # type: ignore[arg-type]


def test_retry_after_counts_whole_seconds_rounded_up() -> None:
    assert [retry_after(w) for w in (0.01, 0.5, 1.0, 1.2, 7.9)] == ["1", "1", "1", "2", "8"]

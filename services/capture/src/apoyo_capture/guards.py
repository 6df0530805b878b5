"""Capture-time guards that need no storage: the capture window (rate limits: http/limits.py)."""

from datetime import datetime, timedelta

from apoyo_common.processes import CaptureWindow

UPLOAD_GRACE = timedelta(hours=24)  # what was captured in time may arrive up to a day late
CLOCK_SKEW = timedelta(minutes=10)  # phones' clocks run a little ahead


def window_problem(
    window: CaptureWindow, captured_at: datetime | None, received_at: datetime
) -> str | None:
    """Why a support is out of the process's time, as a refusal code; None when on time."""
    captured = captured_at or received_at
    if captured > received_at + CLOCK_SKEW:
        return "captured_in_future"
    if captured < window.start or received_at < window.start:
        return "capture_not_open"
    if captured > window.end:
        return "capture_closed"
    if received_at > window.end + UPLOAD_GRACE:
        return "upload_late"
    return None

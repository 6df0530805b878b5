"""The demo's line on each package's summary.json, next to verification's progress."""

from apoyo.demo_export import summary_line

SUMMARY = {
    "required": 1_200, "valid": 20, "ln_total": 40_000,
    "by_status": {"EN_LISTA_NOMINAL": 20}, "dispersion": None, "met": False,
}  # fmt: skip


def test_a_summary_equal_to_the_progress_says_so() -> None:
    line = summary_line(SUMMARY, dict(SUMMARY))
    assert line == (
        "  summary.json: requeridos 1,200, válidos 20, cumple: no (igual al avance de verificación)"
    )


def test_a_summary_that_differs_from_the_progress_is_flagged() -> None:
    assert "DISTINTO del avance" in summary_line(SUMMARY, SUMMARY | {"valid": 21})
    assert "DISTINTO del avance" in summary_line(SUMMARY, None)

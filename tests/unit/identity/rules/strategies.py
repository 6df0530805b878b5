"""Hypothesis strategies for credential data."""

from datetime import date

from hypothesis import strategies as st

from apoyo_identity.rules.mrz import check_digit, composite_source

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
name_part = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)


@st.composite
def td1(draw: st.DrawFn) -> tuple[str, str, str]:
    """A valid TD1 MRZ as INE prints it."""
    cic = draw(st.from_regex(r"\A[0-9]{9}\Z"))
    ocr = draw(st.from_regex(r"\A[0-9]{13}\Z"))
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31)))
    expiry = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2050, 12, 31)))
    sex = draw(st.sampled_from("HMX"))
    optional = draw(st.from_regex(r"\A[0-9<]{11}\Z"))
    line1 = f"IDMEX{cic}{check_digit(cic)}<<{ocr}"
    b, e = f"{born:%y%m%d}", f"{expiry:%y%m%d}"
    body = f"{b}{check_digit(b)}{sex}{e}{check_digit(e)}MEX{optional}"
    line2 = body + check_digit(composite_source(line1, body + "0"))
    surnames = draw(st.lists(name_part, min_size=1, max_size=2))
    given = draw(st.lists(name_part, min_size=1, max_size=2))
    line3 = ("<".join(surnames) + "<<" + "<".join(given))[:30].ljust(30, "<")
    return line1, line2, line3

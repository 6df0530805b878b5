"""The fast path for the common row: one regular expression over the whole row.

A state's roll is millions of rows, and checking each column in Python costs about four
times the COPY itself. Nearly every row of a real file is plain: columns in order, no
quoting, upper-case claves, names in upper case. Such a row is checked by one compiled
pattern plus the few rules a pattern cannot hold (check digit, calendar, the cut), and is
passed on as the very text it came as. Anything else goes to `rows.validate`, which is the
rule: the fast path may only accept what `validate` accepts (a property test holds it to
that) and never explains a rejection.
"""

import re
from collections.abc import Sequence
from datetime import date

from apoyo_common.codes import CausaBaja
from apoyo_common.rules import curp
from apoyo_verification.roll.rows import NAME_MAX

_LETTER = "A-ZÑÁÉÍÓÚÜ"
# The lookahead caps the length at rows.NAME_MAX, as `validate` does.
_NAME = f"(?=[^,]{{0,{NAME_MAX}}},)[{_LETTER}]+(?:[ '.\\-]+[{_LETTER}]+)*\\.?"
_DAY = "(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_CURP = (
    f"[A-ZÑ][AEIOUX][A-ZÑ]{{2}}[0-9]{{2}}{_DAY}[HMX](?:{'|'.join(sorted(curp.STATES))})"
    "[B-DF-HJ-NP-TV-ZÑ]{3}[0-9A-Z][0-9]"
)
_ENTIDAD = "(?:0[1-9]|[12][0-9]|3[0-2])"
_FIELDS = (
    "[0-9]{9}",  # cic
    "[0-9]{9}",  # identificador
    f"[A-Z]{{6}}[0-9]{{6}}(?:{_ENTIDAD}|8[78])[HMX][0-9A-Z]{{3}}",  # clave_elector
    "[0-9]{2}",  # emision
    f"(?:{_CURP})?",
    f"(?:{_NAME})?",  # apellido_paterno
    f"(?:{_NAME})?",  # apellido_materno
    _NAME,  # nombre
    "[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])",  # fecha_nacimiento
    "[HMX]",
    _ENTIDAD,
    "(?!00)[0-9]{2}",  # distrito_federal
    "(?!00)[0-9]{2}",  # distrito_local
    "(?!000)[0-9]{3}",  # municipio
    "(?!0000)[0-9]{4}",  # seccion
    "(?:19|[2-9][0-9])[0-9]{2}",  # vigencia
    f"(?:LN,|PADRON,|BAJA,(?:{'|'.join(CausaBaja)}))",  # situacion and causa_baja
)
ROW = re.compile(",".join(_FIELDS))
_SEPARATORS = len(_FIELDS)  # the last pattern holds two columns


def fast_line(fields: Sequence[str], cut: str) -> str | None:
    """The row as a CSV line (COLUMNS order, `cut` in ISO form) when it is plainly valid;
    None means "ask `rows.validate`", not "invalid"."""
    line = ",".join(fields)
    if line.count(",") != _SEPARATORS or ROW.fullmatch(line) is None:
        return None
    born, code = fields[8], fields[4]
    if born > cut or not (fields[5] or fields[6]):
        return None
    if born[8:] > "28" and not _exists(born):
        return None
    if code and code[17] != curp.check_digit(code[:17]):
        return None
    if code and code[8:10] > "28" and curp.birth_date(code) is None:
        return None
    return line


def _exists(iso: str) -> bool:
    try:
        date.fromisoformat(iso)
    except ValueError:
        return False
    return True

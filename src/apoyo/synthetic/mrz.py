"""ICAO 9303 TD1 machine-readable zone of the credential: three lines of 30 characters."""

from apoyo.synthetic.people import Citizen

_MRZ_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}


def mrz_check_digit(text: str) -> str:
    weights = (7, 3, 1)
    return str(sum(_MRZ_VALUES[c] * weights[i % 3] for i, c in enumerate(text)) % 10)


def mrz_lines(person: Citizen, expiry_year: int = 2033) -> tuple[str, str, str]:
    line1 = f"IDMEX{person.cic}{mrz_check_digit(person.cic)}<<{person.ocr}"
    line1 = line1.ljust(30, "<")[:30]
    born = f"{person.fecha_nacimiento:%y%m%d}"
    expiry = f"{expiry_year % 100:02d}1231"
    body = f"{born}{mrz_check_digit(born)}{person.sexo}{expiry}{mrz_check_digit(expiry)}MEX"
    body = (body + person.emision).ljust(29, "<")
    composite = line1[5:30] + body[0:7] + body[8:15] + body[18:29]
    line2 = body + mrz_check_digit(composite)
    surnames = f"{person.apellido_paterno}<{person.apellido_materno}".replace(" ", "<")
    line3 = f"{surnames}<<{person.nombre.replace(' ', '<')}".replace("Ñ", "N").ljust(30, "<")[:30]
    return line1, line2, line3

"""ICAO 9303 TD1 machine-readable zone of the credential: three lines of 30 characters."""

from datetime import date

from apoyo.synthetic.people import Citizen
from apoyo_common.credential import MrzFields
from apoyo_identity.rules.mrz import check_digit, composite_source


def mrz_lines(person: Citizen, expiry_year: int = 2033) -> tuple[str, str, str]:
    line1 = f"IDMEX{person.cic}{check_digit(person.cic)}<<{person.ocr}"
    line1 = line1.ljust(30, "<")[:30]
    born = f"{person.fecha_nacimiento:%y%m%d}"
    expiry = f"{expiry_year % 100:02d}1231"
    body = f"{born}{check_digit(born)}{person.sexo}{expiry}{check_digit(expiry)}MEX"
    body = (body + person.emision).ljust(29, "<")
    line2 = body + check_digit(composite_source(line1, body + "<"))
    surnames = f"{person.apellido_paterno}<{person.apellido_materno}".replace(" ", "<")
    line3 = f"{surnames}<<{person.nombre.replace(' ', '<')}".replace("Ñ", "N").ljust(30, "<")[:30]
    return line1, line2, line3


def mrz_fields(person: Citizen, expiry_year: int = 2033) -> MrzFields:
    """What identity reports when it reads this person's MRZ (`identity.decoded`'s `mrz`)."""
    lines = mrz_lines(person, expiry_year)
    surnames, given = lines[2].rstrip("<").split("<<")
    return MrzFields(
        lines=lines,
        cic=person.cic,
        ocr=person.ocr,
        seccion=person.seccion,
        identificador=person.identificador,
        birth_date=person.fecha_nacimiento,
        sex=person.sexo,
        expiry=date(expiry_year, 12, 31),
        surnames=tuple(surnames.split("<")),
        given_names=tuple(given.split("<")),
    )

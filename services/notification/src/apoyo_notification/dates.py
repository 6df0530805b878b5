"""Dates as a Mexican reader expects them, in the country's central time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/Mexico_City")
MONTHS: tuple[str, ...] = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio")
MONTHS += ("agosto", "septiembre", "octubre", "noviembre", "diciembre")


def long_date(day: date) -> str:
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def moment(at: datetime) -> str:
    local = at.astimezone(ZONE)
    return f"{long_date(local.date())}, {local:%H:%M} h (hora del centro de México)"

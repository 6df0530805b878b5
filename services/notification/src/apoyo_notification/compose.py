"""Letters composed from the events that ask for them (pure: no I/O but reading templates)."""

from collections.abc import Mapping
from datetime import date

from apoyo_common.codes import Status
from apoyo_common.messages import EmailCodeRequested, InvitationCreated, SupportVerified
from apoyo_notification import wording
from apoyo_notification.dates import long_date, moment
from apoyo_notification.letters import Kind, Letter, message_id
from apoyo_notification.templates import html_list, html_rows, render


def invitation(event: InvitationCreated) -> Letter:
    values = {
        "aspirant_name": event.aspirant_name,
        "link": event.link,
        "expires_at": moment(event.expires_at),
    }
    text, html = render("invitation", values)
    subject = f"{event.aspirant_name} te invita a darle tu apoyo ciudadano"
    key = message_id(Kind.INVITATION, event.invitation_id)
    expires, pid = event.expires_at, event.process_id
    return Letter(key, Kind.INVITATION, event.email, subject, text, html, expires, pid)


def email_code(event: EmailCodeRequested) -> Letter:
    values = {
        "aspirant_name": event.aspirant_name,
        "code": event.code,
        "expires_at": moment(event.expires_at),
    }
    if event.purpose == "CONSULTA":  # "was it me?": the letter names no aspirant
        text, html = render("lookup_code", values)
        subject = "Tu código para consultar tus apoyos"
    else:
        text, html = render("email_code", values)
        subject = "Tu código para confirmar tu correo"  # never the code: previews show subjects
    key = message_id(Kind.EMAIL_CODE, event.request_id)
    expires, pid = event.expires_at, event.process_id
    return Letter(key, Kind.EMAIL_CODE, event.email, subject, text, html, expires, pid)


def outcome(verified: SupportVerified) -> Letter | None:
    """The receipt with the outcome, for a citizen who gave an address; one per outcome
    (a revised outcome, with its later `verified_at`, is a new letter)."""
    if not verified.email:
        return None
    reasons = [wording.reason(code) for code in verified.reasons]
    values = {
        "support_id": verified.support_id,
        "received_at": moment(verified.received_at),
        "verified_at": moment(verified.verified_at),
        "status": wording.STATUS[verified.status],
        "reasons_text": "".join(f"- {r}\n" for r in reasons) + ("\n" if reasons else ""),
    }
    text, html = render("outcome", values, {"reasons_html": html_list(reasons)})
    key = message_id(Kind.OUTCOME, verified.support_id, verified.verified_at.isoformat())
    subject = "Resultado de tu apoyo ciudadano"
    pid = verified.process_id
    return Letter(key, Kind.OUTCOME, verified.email, subject, text, html, process_id=pid)


def daily_summary(
    to: str,
    process: tuple[str, str],
    aspirant: tuple[str, str],
    day: date,
    counts: Mapping[Status, int],
) -> Letter:
    """`process` and `aspirant` are (id, name); one letter per aspirant and day."""
    pairs = [(wording.STATUS_SHORT[s], str(counts[s])) for s in Status if counts.get(s)]
    values = {
        "aspirant_name": aspirant[1],
        "process_name": process[1],
        "day": long_date(day),
        "counts_text": "".join(f"- {label}: {n}\n" for label, n in pairs),
        "total": str(sum(counts.values())),
    }
    text, html = render("daily_summary", values, {"counts_html": html_rows(pairs)})
    key = message_id(Kind.DAILY_SUMMARY, process[0], aspirant[0], day.isoformat())
    subject = f"Resumen diario de apoyos ciudadanos: {long_date(day)}"
    # One aspirant's summary in one process: sealed with that process's data key.
    return Letter(key, Kind.DAILY_SUMMARY, to, subject, text, html, process_id=process[0])

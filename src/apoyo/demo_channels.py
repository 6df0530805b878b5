"""The capture channels in `apoyo demo`: invitations, an auxiliary, a support given through an
invitation link, and its certificate saved, verified and printed; paper cédulas printed and
one scanned sheet sent by the auxiliary."""

import io
import json
from pathlib import Path

import httpx

from apoyo import admin
from apoyo.certificates import verify_file
from apoyo.client import post_support, support_data, support_files
from apoyo.synthetic.people import Citizen
from apoyo_capture.cedulas import Sheet
from apoyo_capture.consent import consent_text
from apoyo_capture.http.cedula_pdf import SheetHeader, render_page
from apoyo_common.codes import Role
from apoyo_common.processes import ProcessDefinition
from apoyo_common.settings import Settings

FURA = {
    "nombre": "NOE",
    "apellido_paterno": "LUNA",
    "clave_elector": "LNACNO90010126H100",
    "email": "auxiliar@example.org",
    "accepted_data_protection": True,
}


async def show_channels(
    client: httpx.AsyncClient, settings: Settings, out: Path, process_id: str, person: Citizen
) -> list[str]:
    """Lines for the console; the certificate and the key land in OUT."""
    token = admin.issue_token(settings, Role.ASPIRANT, process_id, "asp-01", "1h", "asp-01")
    headers = {"Authorization": f"Bearer {token}"}
    emails = ["ana@example.org", "beto@example.org"]
    body = {"process_id": process_id, "aspirant_id": "asp-01", "emails": emails}
    invited = (await client.post("/v1/invitations", json=body, headers=headers)).json()
    path = f"/v1/processes/{process_id}/aspirants/asp-01/auxiliaries"
    auxiliary = (await client.post(path, json=FURA, headers=headers)).json()
    link = invited["invitations"][0]["link"]
    await client.get(link)  # opening the link changes nothing but its first-opened time
    citizen = link.rsplit("/", 1)[1]
    data = support_data(person, process_id, "asp-01") | {"channel": "AUTOSERVICIO"}
    posted = await post_support(client, citizen, "demo-invitation", data, support_files(person))
    certificate = out / "certificate.json"
    url = f"/v1/supports/{posted.body['support_id']}/certificate"
    certificate.write_bytes(
        (await client.get(url, headers={"Authorization": f"Bearer {citizen}"})).content
    )
    key = out / "institute-public-key.pem"
    key.write_bytes((await client.get("/v1/certificates/public-key.pem")).content)
    paper = await show_paper(client, headers, auxiliary["token"], out, process_id, person)
    problems = verify_file(certificate, key)
    shown = json.dumps(
        json.loads(certificate.read_bytes())["certificate"], indent=2, ensure_ascii=False
    )
    return [
        f"Invitaciones creadas: {len(invited['invitations'])}; auxiliar registrado: "
        f"{auxiliary.get('auxiliary_id')}",
        f"Apoyo por invitación: {posted.status}; constancia en {certificate} "
        + ("(íntegra)" if not problems else f"(problemas: {problems})"),
        paper,
        shown,
    ]


async def show_paper(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    auxiliary: str,
    out: Path,
    process_id: str,
    person: Citizen,
) -> str:
    """Print two cédulas, 'scan' the first one filled (its page image) and send it with the
    credential as a CEDULA_PAPEL support."""
    url = f"/v1/processes/{process_id}/aspirants/asp-01/cedulas.pdf"
    pdf = out / "cedulas.pdf"
    pdf.write_bytes((await client.get(url, params={"sheets": 2}, headers=headers)).content)
    process = ProcessDefinition.model_validate_json((out / "process.json").read_text())
    name = next(a.name for a in process.aspirants if a.id == "asp-01")
    header = SheetHeader(process.name, name, consent_text(process, "asp-01"))
    scan = io.BytesIO()
    render_page(header, Sheet(process_id, "asp-01", 1)).save(scan, format="PNG")
    (out / "cedula-hoja-1.png").write_bytes(scan.getvalue())
    data = support_data(person, process_id, "asp-01") | {"channel": "CEDULA_PAPEL"}
    files = support_files(person) | {"signature": ("hoja-1.png", scan.getvalue(), "image/png")}
    posted = await post_support(client, auxiliary, "demo-paper", data, files)
    return f"Cédulas en papel: {pdf} (2 hojas); apoyo en papel (hoja 1): {posted.status}"

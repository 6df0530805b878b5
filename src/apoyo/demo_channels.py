"""The capture channels in `apoyo demo`: invitations, an auxiliary, a support given through an
invitation link, and its certificate saved, verified and printed."""

import json
from pathlib import Path

import httpx

from apoyo import admin
from apoyo.certificates import verify_file
from apoyo.client import post_support, support_data, support_files
from apoyo.synthetic.people import Citizen
from apoyo_common.codes import Role
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
    problems = verify_file(certificate, key)
    shown = json.dumps(
        json.loads(certificate.read_bytes())["certificate"], indent=2, ensure_ascii=False
    )
    return [
        f"Invitaciones creadas: {len(invited['invitations'])}; auxiliar registrado: "
        f"{auxiliary.get('auxiliary_id')}",
        f"Apoyo por invitación: {posted.status}; constancia en {certificate} "
        + ("(íntegra)" if not problems else f"(problemas: {problems})"),
        shown,
    ]

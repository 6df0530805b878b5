"""The client side of the full run that `test_no_identities_emitted` searches: every channel
cheap to drive, refusals that answer errors, the portal, the citizen's inquiry, the hearing,
the desk and an export, each request made with the synthetic people's own data."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from apoyo.client import post_support, support_data, support_files
from apoyo.synthetic.people import Citizen
from tests.e2e.emitted import ErrorBodies
from tests.e2e.harness import Deployment

PROCESS, ASPIRANT = "gub-son-2027", "asp-01"
HEARING = f"/v1/processes/{PROCESS}/aspirants/{ASPIRANT}/hearing"
INVITED = 2  # the person who supports through an invitation instead of an auxiliary
SELF = 3  # the person who supports alone, proving an e-mail address with a code


@dataclass
class Flows:
    deployed: Deployment
    people: list[Citizen]
    emails: list[str]
    errors: ErrorBodies

    def token(self, role: str, *scope: str) -> dict[str, str]:
        args = ["token", "issue", "--role", role, "--subject", f"{role}-e2e"]
        args += ["--process", PROCESS, "--aspirant", scope[0]] if scope else []
        return {"Authorization": f"Bearer {self.deployed.cli(*args)}"}

    @contextlib.asynccontextmanager
    async def http(self, service: str) -> AsyncIterator[httpx.AsyncClient]:
        base = f"http://127.0.0.1:{self.deployed.ports[service]}"
        hooks: dict[str, list[Any]] = {"response": [self.errors]}
        async with httpx.AsyncClient(base_url=base, timeout=60, event_hooks=hooks) as client:
            yield client

    def form(self, index: int, **changes: object) -> dict[str, object]:
        person = self.people[index]
        return support_data(person, PROCESS, ASPIRANT) | {"email": self.emails[index], **changes}

    async def run(self, folder: Path) -> None:
        async with self.http("capture") as capture:
            ids = await self.auxiliary(capture)
            ids.append(await self.invitation(capture))
            ids.append(await self.self_service(capture))
            await self.refusals(capture)
            await self.portal(capture, ids)
        await self.deployed.exported_ids(len(ids))
        async with self.http("verification") as verification:
            await self.inquiry(verification, ids[0])
            contested = await self.hearing(verification)
            await self.desk(verification, contested)
        async with self.http("export") as export:
            await self.export(export, folder / "paquete.zip")

    async def auxiliary(self, capture: httpx.AsyncClient) -> list[str]:
        token = self.deployed.cli("token", "issue", "--role", "auxiliary", "--process", PROCESS,
                                  "--aspirant", ASPIRANT, "--subject", "aux-e2e")  # fmt: skip
        ids = []
        for index, person in enumerate(self.people):
            if index not in (INVITED, SELF):
                files = await asyncio.to_thread(support_files, person)
                posted = await post_support(capture, token, f"a{index}", self.form(index), files)
                assert posted.status == 202, posted.body
                ids.append(str(posted.body["support_id"]))
        return ids

    async def invitation(self, capture: httpx.AsyncClient) -> str:
        body = {"process_id": PROCESS, "aspirant_id": ASPIRANT, "emails": [self.emails[INVITED]]}
        invited = await capture.post(
            "/v1/invitations", json=body, headers=self.token("aspirant", ASPIRANT)
        )
        link = invited.json()["invitations"][0]["link"]
        citizen = link.rsplit("/", 1)[1]
        assert (await capture.get(f"/i/{citizen}")).status_code == 200
        person = self.people[INVITED]
        data = self.form(INVITED, channel="AUTOSERVICIO")
        posted = await post_support(capture, citizen, "inv", data, support_files(person))
        assert posted.status == 202, posted.body
        return str(posted.body["support_id"])

    async def self_service(self, capture: httpx.AsyncClient) -> str:
        asked = {"process_id": PROCESS, "aspirant_id": ASPIRANT, "email": self.emails[SELF]}
        sent = (await capture.post("/v1/self-service/codes", json=asked)).json()
        wrong = {
            "request_id": sent["request_id"],
            "code": "000000" if sent["code"] != "000000" else "111111",
        }
        assert (await capture.post("/v1/self-service/tokens", json=wrong)).status_code >= 400
        right = {"request_id": sent["request_id"], "code": sent["code"]}
        token = (await capture.post("/v1/self-service/tokens", json=right)).json()["token"]
        data = self.form(SELF, channel="AUTOSERVICIO")
        posted = await post_support(capture, token, "self", data, support_files(self.people[SELF]))
        assert posted.status == 202, posted.body
        return str(posted.body["support_id"])

    async def refusals(self, capture: httpx.AsyncClient) -> None:
        token = self.deployed.cli("token", "issue", "--role", "auxiliary", "--process", PROCESS,
                                  "--aspirant", ASPIRANT, "--subject", "aux-e2e")  # fmt: skip
        person, files = self.people[0], support_files(self.people[0])
        wrong = [
            self.form(0, clave_elector=person.clave_elector + "X"),
            self.form(0, clave_elector=person.curp),
            self.form(0, consent=False),
            self.form(0, process_id="no-existe"),
            self.form(0, email=f"{person.nombre} {person.apellido_paterno}"),
            self.form(0, apellido_paterno=person.apellido_paterno * 40),
        ]
        for n, data in enumerate(wrong):
            assert (await post_support(capture, token, f"bad{n}", data, files)).status >= 400
        conflict = await post_support(
            capture, token, "a0", self.form(1), support_files(self.people[1])
        )
        assert conflict.status == 409
        missing = {k: v for k, v in files.items() if k != "signature"}
        assert (
            await post_support(capture, token, "bad-files", self.form(0), missing)
        ).status == 422
        names = [f"{person.nombre} {person.apellido_paterno}", person.curp]
        body = {"process_id": PROCESS, "aspirant_id": ASPIRANT, "emails": names}
        aspirant = self.token("aspirant", ASPIRANT)
        assert (
            await capture.post("/v1/invitations", json=body, headers=aspirant)
        ).status_code >= 400
        code = {"process_id": PROCESS, "aspirant_id": "asp-99", "email": self.emails[0]}
        assert (await capture.post("/v1/self-service/codes", json=code)).status_code >= 400

    async def portal(self, capture: httpx.AsyncClient, ids: list[str]) -> None:
        ople, own = self.token("ople"), self.token("aspirant", ASPIRANT)
        other = self.token("aspirant", "asp-02")
        for support_id in ids[:3]:
            assert (await capture.get(f"/v1/supports/{support_id}", headers=ople)).is_success
            url = f"/v1/supports/{support_id}/certificate"
            assert (await capture.get(url, headers=own)).is_success
            assert (await capture.get(url, headers=other)).status_code == 403

    async def inquiry(self, verification: httpx.AsyncClient, support_id: str) -> None:
        clave = self.people[0].clave_elector
        seen = await verification.post(
            "/v1/lookup", json={"clave_elector": clave, "support_id": support_id}
        )
        assert seen.status_code == 200, seen.text
        unknown = {"clave_elector": self.people[1].clave_elector, "support_id": support_id}
        assert (await verification.post("/v1/lookup", json=unknown)).status_code == 404
        malformed = {"clave_elector": self.people[1].curp + "!", "code": "12"}
        assert (await verification.post("/v1/lookup", json=malformed)).status_code >= 400
        asked = {"clave_elector": clave, "email": self.emails[0]}
        assert (await verification.post("/v1/lookup/codes", json=asked)).status_code == 202
        report = {"clave_elector": clave, "support_id": support_id, "note": "no fui yo"}
        headers = {"Authorization": f"Bearer {seen.json()['token']}"}
        assert (
            await verification.post("/v1/lookup/reports", json=report, headers=headers)
        ).is_success

    async def hearing(self, verification: httpx.AsyncClient) -> str:
        own = self.token("aspirant", ASPIRANT)
        listed = (await verification.get(HEARING, headers=own)).json()["supports"]
        assert listed, "the people outside the roll do not count"
        first = listed[0]
        for evidence in first["evidence"][:2]:
            url = f"{HEARING}/{first['support_id']}/evidence/{evidence['kind']}"
            assert (await verification.get(url, headers=own)).is_success
        argument = {"argument": "La credencial es original; pedimos revisarla de nuevo."}
        url = f"{HEARING}/{first['support_id']}/contest"
        assert (await verification.post(url, json=argument, headers=own)).status_code == 201
        return str(first["support_id"])

    async def desk(self, verification: httpx.AsyncClient, contested: str) -> None:
        ople = self.token("ople")
        queue = await verification.get(f"/v1/review/queue?process_id={PROCESS}", headers=ople)
        assert contested in [i["support_id"] for i in queue.json()["items"]]
        item = f"/v1/review/items/{contested}"
        assert (await verification.get(item, headers=ople)).is_success
        decision = {"decision": "INCONSISTENCIA", "reason": "ILEGIBLE", "note": "revisado"}
        assert (await verification.post(item + "/decision", json=decision, headers=ople)).is_success

    async def export(self, export: httpx.AsyncClient, to: Path) -> None:
        ople = self.token("ople")
        asked = await export.post(
            "/v1/exports", json={"process_id": PROCESS, "aspirant_id": ASPIRANT}, headers=ople
        )
        export_id, deadline = asked.json()["export_id"], time.monotonic() + 180
        while (await export.get(f"/v1/exports/{export_id}", headers=ople)).json()[
            "status"
        ] == "PENDING":
            assert time.monotonic() < deadline
            await asyncio.sleep(0.5)
        package = await export.get(f"/v1/exports/{export_id}/package", headers=ople)
        assert package.status_code == 200
        to.write_bytes(package.content)

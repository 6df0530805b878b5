"""Who may call each HTTP route (docs/security.md, "Roles"): the table the role matrix test
(test_role_matrix.py) checks against every route of every app. A route missing here fails
that test: add yours with the callers it admits, or as public with the reason.

Callers (the matrix's columns), all for process P = gub-son-2027 and aspirant A = asp-01:
    ople                    the institute, every process
    ople_other_process      the institute, a token that names another process
    aspirant                A in P
    aspirant_other          another aspirant (asp-02) of P
    aspirant_other_process  A's id, but a token of another process
    aspirant_unbound        A's id, but a token that names no process
    auxiliary               an auxiliary registered by A in P
    citizen                 the citizen whose invitation gave the support `support`
    citizen_other           another citizen invited by A
and, refused with 401 on every guarded route: no token, an expired token, a forged token.
"""

from dataclasses import dataclass, field
from typing import Any

OPLE = frozenset({"ople"})
OWNER = frozenset({"ople", "aspirant"})  # the institute or that aspirant, in its process
CAPTURERS = frozenset({"auxiliary", "citizen", "citizen_other"})
CALLERS = (
    "ople",
    "ople_other_process",
    "aspirant",
    "aspirant_other",
    "aspirant_other_process",
    "aspirant_unbound",
    "auxiliary",
    "citizen",
    "citizen_other",
)
P, A = "gub-son-2027", "asp-01"
TARGET = {"process_id": P, "aspirant_id": A}
ASPIRANT_PATH = "/v1/processes/{process_id}/aspirants/{aspirant_id}"
HEARING_ONE = ASPIRANT_PATH + "/hearing/{support_id}"


@dataclass(frozen=True)
class Guarded:
    """Only `allowed` callers get past authentication and authorization (403 for the others).

    `params` names, for a path parameter, the world's value to use (test_role_matrix.World);
    `json` is the body sent (so that a route that reads the process from the body can judge).
    """

    allowed: frozenset[str]
    params: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    query: str = ""


@dataclass(frozen=True)
class Public:
    """Anyone may call it, for this reason."""

    reason: str
    params: dict[str, str] = field(default_factory=dict)


Access = Guarded | Public
OPS = "internal network only (not exposed by the ingress); no personal data"
STATIC = "the front ends' own scripts and style sheets; no data"
API_DOC = "the API's description (interfaces.md §5); no data"

ROUTES: dict[tuple[str, str], Access] = {
    # apoyo_common.ops, in every service's app
    ("GET", "/healthz"): Public(OPS),
    ("GET", "/readyz"): Public(OPS),
    ("GET", "/metrics"): Public(OPS),
    # capture (FastAPI, mounted at the root)
    ("GET", "/openapi.json"): Public(API_DOC),
    ("GET", "/docs"): Public(API_DOC),
    ("GET", "/docs/oauth2-redirect"): Public(API_DOC),
    ("POST", "/v1/supports"): Guarded(CAPTURERS),
    ("GET", "/v1/supports/{support_id}"): Guarded(OWNER, {"support_id": "support"}),
    ("GET", "/v1/supports/{support_id}/certificate"): Guarded(
        OWNER | {"citizen"}, {"support_id": "support"}
    ),
    ("GET", ASPIRANT_PATH + "/supports"): Guarded(OWNER),
    ("GET", "/v1/supports/{support_id}/details"): Guarded(OWNER, {"support_id": "support"}),
    ("GET", "/v1/supports/{support_id}/evidence/{kind}"): Guarded(OWNER, {"support_id": "support"}),
    ("GET", "/v1/certificates/public-key.pem"): Public(
        "the institute's public key: anyone verifies a certificate"
    ),
    ("POST", "/v1/invitations"): Guarded(OWNER, json=TARGET | {"emails": ["a@example.org"]}),
    ("GET", ASPIRANT_PATH + "/invitations"): Guarded(OWNER),
    ("POST", "/v1/self-service/codes"): Public(
        "a citizen starts self-service by proving an e-mail address; rate limited"
    ),
    ("POST", "/v1/self-service/tokens"): Public(
        "the e-mailed one-time code is the credential; it buys a single-use citizen token"
    ),
    ("GET", ASPIRANT_PATH + "/campaign"): Guarded(OWNER),
    ("GET", ASPIRANT_PATH + "/campaign.png"): Guarded(OWNER),
    ("GET", ASPIRANT_PATH + "/consent"): Public(
        "the consent text a citizen reads before signing; names only the aspirant"
    ),
    ("POST", ASPIRANT_PATH + "/auxiliaries"): Guarded(OWNER, json={}),
    ("GET", ASPIRANT_PATH + "/auxiliaries"): Guarded(OWNER),
    ("POST", "/v1/auxiliaries/{auxiliary_id}/revoke"): Guarded(
        OWNER, {"auxiliary_id": "auxiliary"}
    ),
    ("GET", ASPIRANT_PATH + "/cedulas.pdf"): Guarded(OWNER),
    ("GET", "/i/{token}"): Public(
        "the single-use invitation link: the link is the credential, opening it spends nothing"
    ),
    ("GET", "/c/{process_id}/{aspirant_id}"): Public(
        "an aspirant's campaign page: the form starts by proving an e-mail address"
    ),
    ("GET", "/static/{name}"): Public(STATIC, {"name": "static"}),
    ("GET", "/sw.js"): Public(STATIC),
    # verification
    ("GET", ASPIRANT_PATH + "/progress"): Guarded(OWNER),
    ("GET", "/v1/supports/{support_id}/decoded"): Guarded(OWNER, {"support_id": "heard"}),
    ("GET", "/v1/review/queue"): Guarded(OPLE, query="?process_id=" + P),
    ("GET", "/v1/review/items/{support_id}"): Guarded(OPLE, {"support_id": "desk_item"}),
    ("POST", "/v1/review/items/{support_id}/decision"): Guarded(
        OPLE, {"support_id": "desk_item"}, json={}
    ),
    ("POST", "/v1/review/samples"): Guarded(OPLE, json=TARGET | {"size": 1}),
    ("GET", "/v1/review/samples/{process_id}/{aspirant_id}"): Guarded(OPLE),
    ("GET", "/v1/review/items/{support_id}/case"): Guarded(OPLE, {"support_id": "desk_item"}),
    ("GET", "/v1/review/items/{support_id}/evidence/{kind}"): Guarded(
        OPLE, {"support_id": "desk_item"}
    ),
    ("GET", "/v1/review/decisions"): Guarded(OPLE, query="?process_id=" + P),
    # Any institute token: one bound to another process sees only that process.
    ("GET", "/v1/review/overview"): Guarded(OPLE | {"ople_other_process"}),
    ("GET", ASPIRANT_PATH + "/hearing"): Guarded(OWNER),
    ("GET", HEARING_ONE + "/evidence/{kind}"): Guarded(OWNER, {"support_id": "heard"}),
    ("POST", HEARING_ONE + "/contest"): Guarded(OWNER, {"support_id": "heard"}, json={}),
    ("POST", "/v1/lookup"): Public(
        "¿Fui yo?: the citizen proves identity with the clave and a receipt or e-mailed code"
    ),
    ("POST", "/v1/lookup/codes"): Public(
        "¿Fui yo?: sends a code only to an address given with a support of that clave"
    ),
    ("POST", "/v1/lookup/reports"): Public(
        "¿Fui yo?: takes the short-lived token the lookup gave, not a role token"
    ),
    ("GET", "/audiencia"): Public("the hearing page: its data come from guarded routes"),
    ("GET", "/portal"): Public("the aspirant's portal page: its data come from guarded routes"),
    ("GET", "/mesa"): Public("the review desk page: its data come from guarded routes"),
    ("GET", "/instituto"): Public("the institute overview page: its data come from guarded routes"),
    ("GET", "/consulta"): Public("the ¿Fui yo? page: its data come from the lookup routes"),
    ("GET", "/verificacion/{name}"): Public(STATIC, {"name": "page_static"}),
    # export
    ("POST", "/v1/exports"): Guarded(OPLE, json=TARGET),
    ("GET", "/v1/exports"): Guarded(OPLE, query="?process_id=" + P),
    ("GET", "/v1/exports/{export_id}"): Guarded(OPLE, {"export_id": "export"}),
    ("GET", "/v1/exports/{export_id}/package"): Guarded(OPLE, {"export_id": "export"}),
}

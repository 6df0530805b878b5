"""The exact consent text a person is shown, per process and aspirant, and its hash.

The certificate records the SHA-256 of this text. A front end that shows it sends the hash
back (`consent_sha256`); a support whose hash is not the current text's is refused.
"""

import hashlib

from apoyo_common.processes import ProcessDefinition

CONSENT_VERSION = "1"
_TEXT = (
    "Manifiesto mi voluntad libre e individual de apoyar a {aspirant}, aspirante a una "
    "candidatura independiente en el proceso «{process}», y autorizo al {institute} a usar "
    "mis datos personales y las imágenes de mi credencial para votar, mi fotografía y mi "
    "firma únicamente para verificar este apoyo ciudadano, conforme a su aviso de privacidad. "
    "Sé que solo cuenta el primer apoyo que doy para este cargo."
)
INSTITUTE = "Organismo Público Local Electoral"


def consent_text(process: ProcessDefinition, aspirant_id: str) -> str:
    aspirant = next((a.name for a in process.aspirants if a.id == aspirant_id), aspirant_id)
    return _TEXT.format(aspirant=aspirant, process=process.name, institute=INSTITUTE)


def consent_sha256(process: ProcessDefinition, aspirant_id: str) -> str:
    return hashlib.sha256(consent_text(process, aspirant_id).encode()).hexdigest()

"""Object keys more than one service relies on."""


def certificate_key(process_id: str, support_id: str) -> str:
    """A support's signed certificate: capture writes it, export packs it."""
    return f"certificates/{process_id}/{support_id}.json"

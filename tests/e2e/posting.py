"""Posting synthetic supports to a deployment's capture service."""

import asyncio

import httpx

from apoyo.client import post_support, support_data, support_files
from apoyo.synthetic.people import Citizen


async def post_many(
    client: httpx.AsyncClient,
    token: str,
    people: list[Citizen],
    prefix: str,
    parallel: int = 8,
    photos: bool = False,
) -> list[str]:
    """Post one support per person; return the ids of those acknowledged with 202.

    With `photos`, the card sides are phone photos as in the demo: the plain renders of one
    template are alike enough for identity's reuse check to call some of them the same picture.
    """
    limit = asyncio.Semaphore(parallel)

    async def one(index: int, person: Citizen) -> str | None:
        aspirant = "asp-01" if index % 3 else "asp-02"
        seed = 1000 + 2 * index if photos else None
        async with limit:
            files = await asyncio.to_thread(support_files, person, seed)
            posted = await post_support(
                client,
                token,
                f"{prefix}-{index}",
                support_data(person, "gub-son-2027", aspirant),
                files,
            )
        return str(posted.body["support_id"]) if posted.status == 202 else None

    results = await asyncio.gather(*(one(i, p) for i, p in enumerate(people)))
    return [r for r in results if r is not None]

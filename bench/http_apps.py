"""The two reference apps of ``http_load``, each run as its own process on one port:

* ``bare``: a slack-bolt AsyncApp whose ``/duban`` handler only acks — the ceiling of the stack;
* ``onequery``: the same app whose handler runs one indexed SQLAlchemy Core query over the items
  table (the caller's items, nearest deadline first) and renders 30 of them as Block Kit sections —
  the practical ceiling of "a bolt app with a database".

``python -m bench.http_apps bare|onequery PORT SIGNING_SECRET [DATABASE_URL]``

``BENCH_APP_WORKERS=N`` runs N such processes on the port (``SO_REUSEPORT``, under the supervisor of
``DUBAN_WORKERS``), so the reference apps get the cores Duban gets.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.models.blocks import ButtonElement, MarkdownTextObject, PlainTextObject, SectionBlock
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import normalise_url
from storage.models import ItemOwnerRow, ItemRow

ITEMS, OWNERS = ItemRow.__table__, ItemOwnerRow.__table__


async def _authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
    return AuthorizeResult(
        enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bench", user_id=user_id
    )


def build(kind: str, secret: str, db_url: str | None) -> AsyncApp:
    app = AsyncApp(signing_secret=secret, authorize=_authorize, process_before_response=True)
    if kind == "bare":

        @app.command("/duban")
        async def bare(ack: AsyncAck) -> None:
            await ack()

        return app
    assert db_url is not None
    # A plain engine (no BEGIN IMMEDIATE, which would make readers queue for SQLite's write lock).
    url = normalise_url(db_url)
    engine = create_async_engine(url, pool_size=20, max_overflow=30)

    @app.command("/duban")
    async def onequery(ack: AsyncAck, command: dict[str, Any]) -> None:
        stmt = (
            select(ITEMS.c.id, ITEMS.c.number, ITEMS.c.title, ITEMS.c.state, ITEMS.c.current_due)
            .where(ITEMS.c.id.in_(select(OWNERS.c.item_id).where(OWNERS.c.user_id == command["user_id"])))
            .order_by(ITEMS.c.current_due)
            .limit(30)
        )
        async with engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        blocks = [
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{r.number}* {r.title} · {r.state} · {r.current_due:%Y-%m-%d}"
                ),
                accessory=ButtonElement(text=PlainTextObject(text="Open"), action_id="open", value=str(r.id)),
            ).to_dict()
            for r in rows
        ]
        await ack(text=f"{len(rows)} items", blocks=blocks, response_type="ephemeral")

    return app


def main(argv: list[str]) -> None:
    kind, port, secret = argv[0], int(argv[1]), argv[2]
    workers = int(os.environ.get("BENCH_APP_WORKERS", "1"))

    def serve(_: int = 0) -> int:
        app = build(kind, secret, argv[3] if len(argv) > 3 else None)  # after the fork: its own pool
        web_app = app.web_app(path="/slack/events")
        web.run_app(
            web_app, host="127.0.0.1", port=port, print=None, access_log=None, reuse_port=workers > 1 or None
        )
        return 0

    if workers == 1:
        serve()
        return
    from bot.workers import supervise

    sys.exit(supervise(workers, serve))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The dossier (一事一卷) records every 督查通知单 / 转办单 and a new owner's notice (改派) when it is sent:
to whom and when. The working timeline (`/duban show`, App Home) leaves these out: the "issued to …"
line at the same instant already says it."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import DossierRow, ItemEventRow
from tests.e2e.conftest import World
from tests.e2e.test_dossier_archive import _life


async def _notice_events(world: World, number: str) -> list[ItemEventRow]:
    item = await world.item(number)
    rows = await world.rows(
        select(ItemEventRow).where(ItemEventRow.item_id == item.id).order_by(ItemEventRow.seq)
    )
    return [r for r in rows if r.kind == "notice_sent"]


async def test_the_notice_and_a_handed_over_notice_are_in_the_dossier_not_in_show(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> <@U0HEADB> 修订防汛应急预案 截止 2026-12-15")
    sent = await _notice_events(world, "DB-2026-0001")
    assert [(e.payload["user"], e.payload["notice"]) for e in sent] == [
        ("U0HEADA", "notice"),
        ("U0HEADB", "notice"),
    ]
    assert all(e.actor_id is None and e.at is not None for e in sent)
    await world.command("U0LEADER", "reassign 1 co <@U0HEADB> <@U0STAFFB2>")
    handed = (await _notice_events(world, "DB-2026-0001"))[2:]
    assert [(e.payload["user"], e.payload["notice"]) for e in handed] == [("U0STAFFB2", "handed_over")]
    card = (await world.command("U0SUPER", "show 1")).message
    assert card is not None
    shown = card.all_text()
    assert "通知单已发给" not in shown and "交办给" in shown
    # Acknowledging updates the notice in place: no new notice, no new record.
    await world.command("U0HEADA", "签收 1")
    assert len(await _notice_events(world, "DB-2026-0001")) == 3


async def test_an_fyi_transfer_notice_is_recorded(world: World) -> None:
    await world.command("U0SUPER", "交办 <@U0HEADA> 转发省厅通知 知悉")
    [sent] = await _notice_events(world, "DB-2026-0001")
    assert sent.payload == {"user": "U0HEADA", "notice": "notice"}


async def test_the_archived_dossier_lists_the_notice_sent(world: World) -> None:
    await _life(world)
    await world.command("U0SUPER", "归档 1")
    row = await world.scalar(select(DossierRow))
    assert "通知发出" in row.html and "张伟" in row.html
    [sent] = [e for e in row.data["events"] if e["kind"] == "notice_sent"]
    assert sent["payload"] == {"user": "U0HEADA", "notice": "notice"} and sent["at"]

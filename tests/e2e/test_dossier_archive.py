"""The dossier (一事一卷) reads as an archive in the reader's language: a 目录, each part a human
timeline (names without ids, local times, event names, the notice itself, answers in full, minutes,
evidence as named links), no raw JSON in the HTML; the JSON twin keeps the data."""

from __future__ import annotations

import re

from sqlalchemy import select

from messages import urging as urge_msg
from messages.notices import ACK
from messages.reports import REVIEW
from storage.models import DossierRow
from tests.e2e.conftest import World
from tests.e2e.test_meetings import MEETING
from tests.e2e.test_reports import ALL_CHECKS, FINAL, dm_with, open_form, report, submit
from tests.e2e.test_urge_modes import VISIT

SECTIONS_ZH = (
    "目录",
    "立项登记",
    "督查通知",
    "催办记录",
    "协调会议纪要",
    "反馈报告",
    "佐证材料",
    "审核意见",
    "领导批示",
)


async def _life(world: World) -> None:
    await world.command(
        "U0LEADER",
        "交办 <@U0HEADA> 堤防加固工程 截止 12月20日 收文 11月25日 "
        "文号 县防指〔2026〕8号 依据 县防指第3次会议纪要",
    )
    [notice] = world.slack.dm("U0HEADA")
    await world.click("U0HEADA", notice, ACK)

    def checkin() -> list:  # type: ignore[type-arg]
        ids = urge_msg.ANSWER_IDS["at_risk"]
        return [m for m in world.slack.dm("U0HEADA") if ids in [b.action_id for b in m.buttons()]]

    await world.run_until(lambda: checkin())
    await world.click("U0HEADA", checkin()[0], urge_msg.ANSWER_IDS["at_risk"])
    await world.command("U0SUPER", "电话 1")
    view = world.slack.open_view("U0SUPER")
    assert view is not None
    today = world.local_now().date().isoformat()
    # The promised date is the owner's own, in the future (a past one is refused with the form).
    await world.slack.submit(
        "U0SUPER", view, {**VISIT, "call_date": today, "call_time": "08:30", "promised": "2026-12-31"}
    )
    await world.deliver()
    await world.command("U0SUPER", "协调会 1")
    view = world.slack.open_view("U0SUPER")
    assert view is not None
    await world.slack.submit("U0SUPER", view, {**MEETING, "meeting_date": today, "meeting_time": "08:00"})
    await world.deliver()
    await world.slack.reply_in_thread(
        "U0HEADA", notice.channel, notice.ts, "照片见附件", file_names=("现场照片.jpg",)
    )
    await world.deliver()
    await report(
        world, "U0HEADA", {**FINAL, "done": "加固完成", "links": "验收报告 https://docs.example.cn/ys.pdf"}
    )
    review = await open_form(world, "U0SUPER", dm_with(world, "U0SUPER", REVIEW), REVIEW)
    assert await submit(world, "U0SUPER", review, {"decision": "approve", "checklist": ALL_CHECKS}) == {}
    world.advance(days=1)


async def test_the_dossier_reads_as_an_archive(world: World) -> None:
    await _life(world)
    assert "已归档" in (await world.command("U0SUPER", "归档 1")).text
    row = await world.scalar(select(DossierRow))
    html = row.html
    for heading in SECTIONS_ZH:
        assert heading in html, heading
    assert "<ol class='toc'>" in html and "href='#meetings'" in html
    # Names, not Slack ids; local times, not ISO instants; event names, not codes; no raw JSON.
    assert "张伟" in html and "李娜" in html and "王建国" in html
    words = re.sub(r"href='[^']*'", "", html)  # a Slack file's permalink has its uploader's id
    assert not re.search(r"U0[A-Z0-9]+", words), re.findall(r".{40}U0[A-Z0-9]+.{10}", words)[:3]
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", html)
    for words_seen in ("签收", "召开协调会", "提交佐证材料", "记录催办"):
        assert words_seen in html, words_seen
    assert "call_logged" not in html and "meeting_held" not in html
    assert '{"' not in html and "{&quot;" not in html and "&#x27;:" not in html
    # The register fields, the notice itself, answers, the visit, minutes and evidence, in words.
    assert "县防指〔2026〕8号" in html and "县防指第3次会议纪要" in html and "2026年11月25日" in html
    assert "督查通知单" in html and "堤防加固工程" in html
    assert "存在风险" in html and "现场督办" in html and VISIT["summary"] in html
    assert MEETING["minutes"] in html and MEETING["outcome"] in html
    assert "<a href='https://docs.example.cn/ys.pdf'>验收报告</a>" in html
    assert re.search(r"<a href='https://[^']+/现场照片\.jpg'>现场照片\.jpg</a>", html)
    # The JSON twin keeps the data.
    data = row.data
    assert data["meetings"][0]["minutes"] == MEETING["minutes"]
    assert data["evidence"][0]["files"][0]["name"] == "现场照片.jpg"
    assert data["doc_number"] == "县防指〔2026〕8号" and data["received_on"] == "2026-11-25"
    assert {"zh", "en"} <= set(data["notice_text"])

    # Asked for again by an English-speaking supervisor: the same archive in English, London time.
    await world.command("U0SUPER2", "archive 1")
    english = [f for f in world.slack.files if f.completed and f.filename.endswith("-dossier.html")][-1]
    text = english.content.decode()
    assert english.channels == ["D0SUPER2"]
    for heading in ("Contents", "Register", "Coordination meetings", "Evidence"):
        assert heading in text, heading
    assert "Coordination meeting" in text and "Evidence attached" in text and "张伟" in text
    assert "召开协调会" not in text

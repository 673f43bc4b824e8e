"""`duban demo --web` in headless Chromium: a week of supervision driven only through the page.

The real bot, the emulator and the page server run in the test's event loop; the browser clicks, types and
submits exactly as a person would, and the assertions read what the page shows. Screenshots of the notice,
the modal, App Home and the bulletin are saved under test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from messages.notices import ACK
from messages.urging import NOTICE_ANSWER
from tests.web.conftest import Demo

TIMEOUT_MS = 20_000  # generous: a shared CI machine can be slow; passing runs take a fraction


# -- acting like a person on the page ------------------------------------------------------------------


async def sign_in(page: Any, user_id: str) -> None:
    await page.select_option("#who", user_id)
    dm = "D" + user_id[1:]  # the emulator's id of a person's DM with the bot
    await page.wait_for_selector(f'.conv.app.active[data-conv="{dm}"]')


async def send(page: Any, text: str) -> None:
    await page.fill("#composer-text", text)
    await page.press("#composer-text", "Enter")


async def fill(page: Any, block_id: str, value: str | list[str]) -> None:
    """Fill one input of the open modal, whatever control Block Kit asked for."""
    block = page.locator(f'#modal .bk-input[data-block-id="{block_id}"]')
    control = block.locator("[data-kind]").first
    kind = await control.get_attribute("data-kind")
    if kind in ("checkboxes", "radio_buttons"):
        for wanted in [value] if isinstance(value, str) else value:
            await block.locator(f'input[value="{wanted}"]').check()
    elif kind and kind.endswith("select"):
        await control.select_option(value)
    else:
        await control.fill(str(value))


async def submit_modal(page: Any) -> None:
    await page.click('#modal button[type="submit"]')


async def move_clock(page: Any, step: str) -> None:
    before = await page.text_content("#now")
    await page.click(f'button[data-clock="{step}"]')
    await page.wait_for_function("t => document.querySelector('#now').textContent !== t", arg=before)


async def cjk_glyphs_render(page: Any) -> bool:
    """True when Chinese characters are drawn with a real font, not the missing-glyph box.

    Two different characters that both lack a glyph render as the same box; with a CJK font they differ.
    """
    return bool(
        await page.evaluate(
            """() => {
              const draw = (ch) => {
                const canvas = document.createElement('canvas');
                canvas.width = canvas.height = 40;
                const ctx = canvas.getContext('2d');
                ctx.font = '32px ' + getComputedStyle(document.body).fontFamily;
                ctx.fillText(ch, 2, 32);
                return canvas.toDataURL();
              };
              const box = draw('\\u0378');
              return draw('督') !== draw('办') && draw('督') !== box && draw('办') !== box;
            }"""
        )
    )


# -- the journey ---------------------------------------------------------------------------------------


async def test_a_week_in_the_browser_workspace(demo: Demo, page: Any, artifacts: Path) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    await page.goto(demo.url)
    main, modal = page.locator("#main"), page.locator("#overlay")

    # The leader assigns from the message box; the bot's answer appears in the DM.
    await sign_in(page, "U0LEADER")
    await expect(page.locator("#now")).to_contain_text("2026-11-23 10:")
    await send(page, "/duban 交办 @张伟 修订防汛应急预案 截止 2026-11-24 来源 会议")
    await expect(main).to_contain_text("DB-2026-0001")

    # The owner sees the supervision notice, rendered from Block Kit, and acknowledges it.
    await sign_in(page, "U0HEADA")
    notice = main.locator(".msg", has_text="修订防汛应急预案").first
    await expect(notice.locator(f'button[data-action-id="{ACK}"]')).to_be_visible()
    await notice.locator(f'button[data-action-id="{ACK}"]').click()
    await expect(main).to_contain_text("已签收")

    # The clock moves over the deadline: the written urging notice arrives, live.
    urging = main.locator(".msg", has_text="催办通知")
    for _ in range(4):
        await move_clock(page, "morning")
        if await urging.count():
            break
    await expect(urging.first).to_be_visible()
    await expect(urging.first).to_contain_text("已超过办理时限")
    await urging.first.scroll_into_view_if_needed()
    await urging.first.screenshot(path=str(artifacts / "web-urging-notice.png"))

    # Answering it opens a real form; an empty submission shows the error under its field.
    await urging.first.locator(f'button[data-action-id="{NOTICE_ANSWER}"]').click()
    await expect(modal).to_be_visible()
    await submit_modal(page)
    await expect(modal.locator('.bk-input[data-block-id="reason"] .bk-error')).to_be_visible()
    await page.locator("#modal .modal").screenshot(path=str(artifacts / "web-modal-errors.png"))
    await fill(page, "reason", "等待水利局会签意见")
    await fill(page, "progress", "修订稿已完成，正在会签")
    await fill(page, "new_date", "2026-12-04")
    await page.locator("#modal .modal").screenshot(path=str(artifacts / "web-modal.png"))
    await submit_modal(page)
    await expect(modal).to_be_hidden()

    # The final report, through the command and its form.
    await send(page, "/duban report 1")
    await expect(modal.locator('.bk-input[data-block-id="done"]')).to_be_visible()
    await fill(page, "kind", "final")
    await fill(page, "percent", "100")
    await fill(page, "status", "on_track")
    await fill(page, "done", "预案已修订并印发各科室")
    await submit_modal(page)
    await expect(modal).to_be_hidden()

    # App Home shows the owner's item.
    await page.click('.tab[data-tab="home"]')
    home = main.locator(".home.view")
    await expect(home).to_contain_text("DB-2026-0001")
    await page.screenshot(path=str(artifacts / "web-app-home.png"))
    await page.click('.tab[data-tab="messages"]')

    # The supervision office reviews with the checklist and approves.
    await sign_in(page, "U0SUPER")
    await send(page, "/duban review 1")
    await expect(modal.locator('.bk-input[data-block-id="decision"]')).to_be_visible()
    await fill(page, "checklist", ["policy", "intent", "facts", "conclusion", "format"])
    await fill(page, "decision", "approve")
    await submit_modal(page)
    await expect(modal).to_be_hidden()

    # Monday 09:00: the weekly bulletin posts to the channel, chart inline.
    await page.fill("#clock-date", "2026-11-30")
    await move_clock(page, "date")
    await page.click('.conv.channel[data-conv="C0BULLETIN"]')
    bulletin = main.locator(".msg", has_text="督办周通报").first
    await expect(bulletin).to_contain_text("2026年第48周")
    await expect(bulletin).to_contain_text("办结 1（按时 0，超期 1）")  # our item, reviewed and closed
    chart = main.locator("figure.file.image img").first
    await expect(chart).to_be_visible()
    await page.wait_for_function(
        "img => img.complete && img.naturalWidth > 300", arg=await chart.element_handle()
    )
    await page.screenshot(path=str(artifacts / "web-bulletin.png"))

    assert await cjk_glyphs_render(page), "Chinese text is drawn as missing glyphs: install fonts-noto-cjk"


async def test_language_switch_and_a_thread_reply(demo: Demo, page: Any) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    await page.goto(demo.url)
    main, thread = page.locator("#main"), page.locator("#thread-pane")

    # Sarah Lee reads English; she switches to Chinese: the client and the bot both follow.
    await sign_in(page, "U0HEADB")
    await expect(page.locator("#topbar")).to_contain_text("Demo clock")
    await page.select_option("#lang", "zh")
    await expect(page.locator("#topbar")).to_contain_text("演示时钟")
    await expect(main).to_contain_text("督办助手今后将用中文与您交流")

    await sign_in(page, "U0DEPUTY")
    await send(page, "/duban assign @Sarah Lee Budget review due 2026-12-10")
    await expect(main).to_contain_text("DB-2026-0001")

    # Her notice comes in Chinese; a reply in its thread becomes a note the bot marks with ✅.
    await sign_in(page, "U0HEADB")
    notice = main.locator(".msg", has_text="Budget review").first
    await expect(notice).to_contain_text("督查通知单")
    await notice.hover()
    await notice.locator(".reply-in-thread").click()
    await expect(thread).to_be_visible()
    await page.fill("#thread-text", "初稿已完成，正在征求意见")
    await page.press("#thread-text", "Enter")
    reply = thread.locator(".msg", has_text="初稿已完成")
    await expect(reply.locator(".reaction")).to_contain_text("✅")
    await expect(notice.locator(".replies")).to_be_visible()

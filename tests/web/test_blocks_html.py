"""Block Kit as HTML: bot text never becomes markup, errors sit under fields."""

from __future__ import annotations

from typing import Any

from bot.emulator.web.blocks_html import Draw, Person, blocks_html
from bot.emulator.web.mrkdwn import mrkdwn_html

NAMES = {"U0HEADA": "张伟", "U0SUPER": "李娜"}
DRAW = Draw(
    lambda user_id: NAMES.get(user_id, user_id), [Person("U0HEADA", "张伟"), Person("U0SUPER", "李娜")]
)


def md(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def pt(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def option(value: str, label: str) -> dict[str, Any]:
    return {"text": pt(label), "value": value}


def test_mrkdwn_styles_links_mentions_and_emoji() -> None:
    html = str(
        mrkdwn_html(
            "*DB-2026-0001* <@U0HEADA> _急_ ~旧~ `x` :warning: <https://a.org/?a=1&amp;b=2|档案>",
            DRAW.name_of,
        )
    )
    assert "<b>DB-2026-0001</b>" in html and '<span class="mention">@张伟</span>' in html
    assert "<i>急</i>" in html and "<s>旧</s>" in html and "<code>x</code>" in html and "⚠️" in html
    assert '<a href="https://a.org/?a=1&amp;b=2" target="_blank" rel="noopener">档案</a>' in html


def test_text_from_the_bot_is_escaped_never_markup() -> None:
    html = str(mrkdwn_html("<script>alert(1)</script> &lt;b&gt; <javascript:alert(1)|x>", DRAW.name_of))
    assert "<script" not in html and "<b>" not in html and "href" not in html
    assert "&lt;b&gt;" in html
    plain = str(blocks_html([{"type": "header", "text": pt("<img src=x onerror=alert(1)>")}], DRAW))
    assert "<img" not in plain


def test_section_fields_context_divider_header_image_and_rich_text() -> None:
    html = str(
        blocks_html(
            [
                {"type": "header", "text": pt("督查通知单")},
                {
                    "type": "section",
                    "text": md("*标题*"),
                    "fields": [md("*时限*\n12月15日"), md("*来源*\n会议")],
                },
                {"type": "context", "elements": [md("卷宗 DB-2026-0001")]},
                {"type": "divider"},
                {
                    "type": "image",
                    "image_url": "https://x/chart.png",
                    "alt_text": "图表",
                    "title": pt("周通报"),
                },
                {
                    "type": "rich_text",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [{"type": "text", "text": "进展", "style": {"bold": True}}],
                        },
                        {
                            "type": "rich_text_list",
                            "style": "ordered",
                            "elements": [
                                {
                                    "type": "rich_text_section",
                                    "elements": [{"type": "user", "user_id": "U0SUPER"}],
                                }
                            ],
                        },
                    ],
                },
            ],
            DRAW,
        )
    )
    assert '<div class="bk-header">督查通知单</div>' in html
    assert html.count('class="bk-field"') == 2 and "12月15日" in html
    assert '<div class="bk-context">' in html and '<hr class="bk-divider">' in html
    assert '<img src="https://x/chart.png" alt="图表">' in html and "周通报" in html
    assert "<b>进展</b>" in html and '<ol><li><span class="mention">@李娜</span></li></ol>' in html


def test_buttons_with_styles_overflow_selects_and_pickers_carry_their_action() -> None:
    html = str(
        blocks_html(
            [
                {
                    "type": "actions",
                    "block_id": "act",
                    "elements": [
                        {
                            "type": "button",
                            "text": pt("签收"),
                            "action_id": "item_ack",
                            "value": "7",
                            "style": "primary",
                        },
                        {
                            "type": "button",
                            "text": pt("退回"),
                            "action_id": "item_return",
                            "style": "danger",
                            "confirm": {
                                "title": pt("确定？"),
                                "text": pt("将退回重办"),
                                "confirm": pt("是"),
                                "deny": pt("否"),
                            },
                        },
                        {
                            "type": "overflow",
                            "action_id": "more",
                            "options": [option("a", "归档"), option("b", "导出")],
                        },
                        {
                            "type": "static_select",
                            "action_id": "pick",
                            "options": [option("w", "周"), option("m", "月")],
                        },
                        {"type": "users_select", "action_id": "who", "initial_user": "U0SUPER"},
                        {"type": "datepicker", "action_id": "when", "initial_date": "2026-12-15"},
                    ],
                }
            ],
            DRAW,
        )
    )
    assert 'class="bk-button bk-button-primary bk-act" data-action-id="item_ack" data-block-id="act"' in html
    assert 'data-value="7"' in html
    assert "bk-button-danger" in html and 'data-confirm="确定？\n将退回重办"' in html
    assert html.count('data-action-id="more"') == 2 and 'data-pick="b">导出</button>' in html
    assert '<option value="m">月</option>' in html and 'class="bk-control bk-change"' in html
    assert '<option value="U0SUPER" selected>李娜</option>' in html
    assert 'type="date"' in html and 'value="2026-12-15"' in html


def test_a_modal_form_shows_typed_values_and_errors_under_their_fields() -> None:
    blocks = [
        {
            "type": "input",
            "block_id": "reason",
            "label": pt("延误原因"),
            "hint": pt("不超过3000字。"),
            "element": {"type": "plain_text_input", "action_id": "reason", "multiline": True},
        },
        {
            "type": "input",
            "block_id": "checklist",
            "optional": True,
            "label": pt("审核要点"),
            "element": {
                "type": "checkboxes",
                "action_id": "checklist",
                "options": [option("facts", "事实清楚")],
            },
        },
        {
            "type": "input",
            "block_id": "owners",
            "label": pt("责任人"),
            "element": {"type": "multi_users_select", "action_id": "owners"},
        },
    ]
    state = {
        "reason": {"reason": {"type": "plain_text_input", "value": "等 <会签>"}},
        "checklist": {"checklist": {"type": "checkboxes", "selected_options": [option("facts", "事实清楚")]}},
    }
    draw = Draw(
        DRAW.name_of, DRAW.people, state=state, errors={"owners": "请至少选择一人。"}, optional_label="可选"
    )
    html = str(blocks_html(blocks, draw))
    assert '<textarea class="bk-control" name="reason"' in html and ">等 &lt;会签&gt;</textarea>" in html
    assert '<div class="bk-hint">不超过3000字。</div>' in html and "(可选)" in html
    assert 'value="facts" checked' in html
    owners = html[html.index('data-block-id="owners"') :]
    assert "multiple" in owners and '<div class="bk-error" role="alert">请至少选择一人。</div>' in owners
    assert 'class="bk-input has-error" data-block-id="owners"' in html
    assert html.count("bk-error") == 1


def test_a_channel_mention_without_a_label_shows_the_channels_name() -> None:
    from bot.emulator.seed import DEMO_CHANNELS, DEMO_USERS
    from bot.emulator.state import WorkspaceState

    state = WorkspaceState(
        team_id="T0DEMO",
        team_domain="d",
        bot_user_id="U0DUBANBOT",
        bot_id="B0",
        app_id="A0",
        users=DEMO_USERS,
        channels=DEMO_CHANNELS,
    )
    html = str(mrkdwn_html("已发布到 <#C0BULLETIN>。", state.display_name))
    assert "#duban-bulletin" in html and "C0BULLETIN" not in html
    assert state.display_name("U0HEADA") == "张伟" and state.display_name("U0NOBODY") == "U0NOBODY"

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.domain.errors import DomainError
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemNumber, Owner, OwnerRole, SourceKind
from bot.domain.lifecycle import State
from messages import notices, replies
from messages.i18n import LOCALES, catalog, render, t
from messages.modals import assign_modal
from messages.text import _ESCAPES as ESCAPES
from messages.text import escape, mention, plain
from messages.view_models import ItemDetail, Reader

HOSTILE = "<!channel> <!here> <@U0LEADER> <!subteam^S123> & <https://evil.example|click> @channel"


def item(title: str = HOSTILE, **overrides: object) -> Item:
    base = dict(
        id=7,
        number=ItemNumber(2026, 7),
        title=title,
        requirements=HOSTILE,
        source=SourceKind.MEETING_DECISION,
        state=State.ISSUED,
        assigner_id="U0LEADER",
        owners=[Owner("U0HEADA", OwnerRole.LEAD), Owner("U0STAFFB", OwnerRole.CO)],
        original_due=date(2026, 12, 5),
        current_due=date(2026, 12, 5),
        created_at=datetime(2026, 11, 26, 2, tzinfo=UTC),
    )
    base.update(overrides)
    return Item(**base)  # type: ignore[arg-type]


def all_text(payload: object) -> str:
    return repr(payload)


def test_catalogs_have_the_same_keys_in_every_locale() -> None:
    keys = [set(catalog(locale)) for locale in LOCALES]
    assert keys[0] == keys[1], keys[0] ^ keys[1]


def test_templates_exist_in_every_locale() -> None:
    root = Path(__import__("messages").__file__).parent / "templates"
    names = [{p.name for p in (root / locale).glob("*.j2")} for locale in LOCALES]
    assert names[0] == names[1]


def test_escape_neutralises_exactly_what_slack_decodes() -> None:
    assert escape("a & b < c > d 'q' \"x\"") == "a &amp; b &lt; c &gt; d 'q' \"x\""
    assert escape(mention("U1")) == "<@U1>"


@given(st.text(alphabet=st.sampled_from("a&<>@ cChHeErRnNlLyYvoOwé督\n")))
def test_escape_and_plain_skip_work_without_changing_any_answer(text: str) -> None:
    # escape() and plain() skip translate() and the regex when the text cannot need them; the answers
    # must stay those of doing both every time.
    both = re.sub(r"@(channel|here|everyone)\b", "@\u200d\\1", text.translate(ESCAPES), flags=re.IGNORECASE)
    assert escape(text) == both
    assert plain(text) == re.sub(r"@(channel|here|everyone)\b", "@\u200d\\1", text, flags=re.IGNORECASE)


@pytest.mark.parametrize("locale", LOCALES)
def test_notice_never_broadcasts_what_a_user_typed(locale: str) -> None:
    reader = Reader("U0HEADA", locale, "Asia/Shanghai", True)
    body = notices.notice(item(), reader, "Asia/Shanghai")
    text = all_text(body)
    for raw in ("<!channel>", "<!here>", "<@U0LEADER> <!sub", "<!subteam^S123>", "<https://evil"):
        assert raw not in text
    assert "&lt;!channel&gt;" in text
    assert "&#39;" not in text
    # Our own mentions still work.
    assert "<@U0HEADA>" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_notice_shows_the_deadline_in_the_readers_timezone(locale: str) -> None:
    reader = Reader("U0STAFFB2", locale, "America/New_York", True)
    body = notices.notice(item(title="Plan"), reader, "Asia/Shanghai")
    # 18:00 in Shanghai on 5 Dec is 05:00 the same day in New York.
    assert "2026-12-05 05:00" in all_text(body)


def test_notice_fits_block_kit_limits_with_huge_input() -> None:
    reader = Reader("U0HEADA", "en", "Asia/Shanghai", True)
    body = notices.notice(item(title="x" * 200, requirements="y" * 3000), reader, "Asia/Shanghai")
    assert len(body["blocks"]) <= 50
    for block in body["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]


def test_fyi_notice_has_no_report_button() -> None:
    reader = Reader("U0HEADA", "zh", "Asia/Shanghai", True)
    body = notices.notice(item(fyi=True), reader, "Asia/Shanghai")
    action_ids = re.findall(r"'action_id': '([a-z_]+)'", all_text(body))
    assert notices.ACK in action_ids and notices.REPORT not in action_ids


def test_confidential_titles_are_hidden_from_readers_without_clearance() -> None:
    secret = item(title="Personnel case", confidential=True)
    outsider = Reader("U0STAFFA", "en", "Asia/Shanghai", False)
    listing = replies.item_list(outsider, [ItemDetail(secret)], total=1, scope="all", subject=None)
    assert "Personnel case" not in all_text(listing)
    insider = Reader("U0HEADA", "en", "Asia/Shanghai", False)
    assert "Personnel case" in all_text(
        replies.item_list(insider, [ItemDetail(secret)], total=1, scope="all", subject=None)
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_every_event_kind_renders_in_the_timeline(locale: str) -> None:
    reader = Reader("U0HEADA", locale, "Asia/Shanghai", True)
    events = [
        ItemEvent(
            kind,
            datetime(2026, 11, 26, 1, 30, tzinfo=UTC),
            "U0LEADER",
            {
                "owners": ["U0HEADA"],
                "user": "U0HEADA",
                "old": "issued",
                "new": "in_progress",
                "error": "user_not_found",
            },
        )
        for kind in EventKind
    ]
    card = replies.item_card(reader, ItemDetail(item(title="Plan"), events), "Asia/Shanghai")
    assert "2026-11-26 09:30" in all_text(card)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_domain_error_code_has_a_message(locale: str) -> None:
    for code in ("not_allowed", "unknown_user", "item_not_found", "illegal_transition", "empty_title"):
        params = {
            "roles": ("leader",),
            "action": "assign",
            "name": "x",
            "ref": "1",
            "number": "DB-2026-0001",
            "state": "completed",
        }
        if code == "illegal_transition":
            params["action"] = "acknowledge"
        text = replies.error_text(locale, DomainError(code, **params))
        assert "{{" not in text and text.startswith(":warning:")


@pytest.mark.parametrize("locale", LOCALES)
def test_help_and_modal_render(locale: str) -> None:
    assert "/duban" in render(locale, "help", year=2026)
    modal = assign_modal(locale)
    assert len(modal["title"]["text"]) <= 24
    assert t(locale, "button.acknowledge")

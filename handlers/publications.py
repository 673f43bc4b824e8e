"""Bulletins (通报), App Home, the dossier archive (归档) and the ledger export (台账)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import commands as grammar
from bot.services import Services
from handlers.routing import Reply
from messages import admin as admin_messages
from messages import bulletins, dossier, home, ledger
from messages import quiet as quiet_messages
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home_opened)
    app.action(home.HOME_PAGE_NEXT)(home_page)
    app.action(home.HOME_PAGE_PREV)(home_page)


async def home_opened(event: dict[str, Any], client: AsyncWebClient, services: Services) -> None:
    user_id = event.get("user")
    if event.get("tab", "home") == "home" and isinstance(user_id, str) and user_id:
        await publish_home(services, client, user_id, 0)  # without a user there is no one to show it to


async def home_page(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, services: Services) -> None:
    await ack()
    try:
        page = int(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        page = 0
    await publish_home(services, client, body["user"]["id"], page)


async def publish_home(services: Services, client: AsyncWebClient, user_id: str, page: int) -> None:
    reader = await services.reader(user_id)
    data = await services.publications.dashboard.home(user_id)
    overview = await services.admin.home_section(user_id)
    extra = admin_messages.home_rows(reader, overview) if overview is not None else []
    extra += quiet_messages.home_rows(reader, await services.people.quiet_hours(user_id))
    view = home.home_view(data, reader.locale, reader.tz, services.ctx.now(), page, extra)
    await client.views_publish(user_id=user_id, view=view)


async def bulletin_command(
    services: Services, reader: Reader, parsed: grammar.Bulletin, command: dict[str, Any], client: Any
) -> Reply:
    user_id = command["user_id"]
    if parsed.post:
        outcome = await services.publications.bulletins.post(user_id, parsed.period)
        return bulletins.post_reply(outcome, reader.locale, reader.tz)
    view, can_see = await services.publications.bulletins.preview(user_id, parsed.period)
    return bulletins.bulletin_message(view, reader.locale, can_see_confidential=can_see, preview=True)


async def archive_command(
    services: Services, reader: Reader, parsed: grammar.Archive, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.publications.archive.archive(command["user_id"], parsed.ref)
    return dossier.archive_reply(result, reader.locale, reader.tz)


async def export_command(
    services: Services, reader: Reader, parsed: grammar.Export, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.publications.archive.export(command["user_id"], parsed.period)
    return ledger.export_reply(result, reader.locale)

"""What every listener needs: the services from the context, a private answer to a click, and one way
to submit a form (the read values → one service call → field errors or a confirmation skeleton)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError, FieldErrors
from bot.services import Services
from handlers.routing import Reply
from messages import replies
from messages.view_models import Reader

log = logging.getLogger("duban.feedback")


def provide_services(services: Services) -> Any:
    """The first middleware: ``services`` goes into bolt's context, so any listener (or later
    middleware) that names a ``services`` parameter gets it by bolt's argument injection."""

    async def middleware(context: Any, next: Any) -> Any:
        context["services"] = services
        return await next()

    return middleware


def item_id_of(body: dict[str, Any]) -> int | None:
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


class DirectMessageRespond:
    """``respond`` for clicks that come without a response_url (App Home): the answer goes as a DM."""

    def __init__(self, services: Services, user_id: str, key: str) -> None:
        self.services, self.user_id, self.key = services, user_id, key
        self.count = 0

    async def __call__(self, text: str | None = None, blocks: list[Any] | None = None, **_: Any) -> None:
        self.count += 1
        body: dict[str, Any] = {"text": text or ""}
        if blocks:
            body["blocks"] = blocks
        await self.services.notify(self.user_id, body, key=f"{self.key}:{self.count}")


class RespondOrDirectMessage:
    """``respond`` through the response_url, and by DM when Slack refuses it (expired after 30 minutes, or
    used 5 times): the clicker is told either way, once."""

    def __init__(self, inner: AsyncRespond, dm: DirectMessageRespond) -> None:
        self.inner, self.dm = inner, dm

    async def __call__(self, text: Any = "", blocks: list[Any] | None = None, **kwargs: Any) -> Any:
        try:
            response = await self.inner(text, blocks, **kwargs)
            status = getattr(response, "status_code", 200)
        except Exception as exc:  # network trouble reaching the response_url
            response, status = None, 0
            log.warning("response_url unreachable (%s); answering by DM", type(exc).__name__)
        if status < 300 or kwargs.get("delete_original"):
            return response
        log.warning("response_url refused (HTTP %s); answering by DM", status)
        await self.dm(text if isinstance(text, str) else None, blocks)
        return response


async def respond_by_dm_without_response_url(
    context: Any, body: dict[str, Any], services: Services, next: Any
) -> Any:
    """Middleware: a click's ``respond`` falls back to a DM when there is no usable response_url."""
    if body.get("type") == "block_actions" and body.get("user"):
        action_ts = (body.get("actions") or [{}])[0].get("action_ts", "")
        dm = DirectMessageRespond(services, body["user"]["id"], f"action:{action_ts}")
        has_url = bool(body.get("response_url"))
        context["respond"] = RespondOrDirectMessage(context.respond, dm) if has_url else dm
    return await next()


ClickWork = Callable[[str, Reader, str], Awaitable[Reply]]


async def answer_click(
    services: Services, body: dict[str, Any], respond: AsyncRespond, work: ClickWork
) -> None:
    """Run one button's work as the clicking user and answer them privately.

    A refusal becomes its localised sentence; a malformed value (an old or tampered button) is a
    stale action. ``work`` gets (user id, reader, the button's value) and returns the reply; an empty
    reply (the work opened a form) sends nothing.
    """
    user_id = body["user"]["id"]
    reader = await services.reader(user_id)
    try:
        reply = await work(user_id, reader, str((body.get("actions") or [{}])[0].get("value") or ""))
    except DomainError as error:
        reply = replies.plain_reply(replies.error_text(reader.locale, error))
    except ValueError:
        reply = replies.plain_reply(
            replies.error_text(reader.locale, DomainError("stale_action", number="?"))
        )
    if reply:
        await respond(response_type="ephemeral", replace_original=False, **reply)


FormWork = Callable[[str, Reader], Awaitable[Reply | None]]


async def submit_form(
    ack: AsyncAck,
    services: Services,
    body: dict[str, Any],
    work: FormWork,
    *,
    fields: Collection[str],
    default: str,
    confirm: str = "",
) -> None:
    """One modal submission: ``work`` (user id, reader) reads the form and calls one service.

    A refusal keeps the form open with every wrong field's sentence on its block (an error about no
    field of ``fields`` goes on ``default``); nothing was saved. Otherwise the form closes, and the reply
    ``work`` returns, if any, reaches the user by DM, once per view (key ``<confirm>:<view id>``).
    """
    user_id = body["user"]["id"]
    reader = await services.reader(user_id)
    try:
        reply = await work(user_id, reader)
    except DomainError as error:
        await ack(response_action="errors", errors=field_errors(reader, error, fields, default))
        return
    await ack()
    if reply:
        await services.notify(user_id, reply, key=f"{confirm}:{body['view']['id']}")


def field_errors(reader: Reader, error: DomainError, fields: Collection[str], default: str) -> dict[str, str]:
    """Slack's ``errors`` of a modal: each error's sentence under its field, the first one per field."""
    errors: dict[str, str] = {}
    for each in error.errors if isinstance(error, FieldErrors) else [error]:
        field = each.field if each.field in fields else default
        errors.setdefault(field, replies.error_text(reader.locale, each).replace(":warning: ", "")[:150])
    return errors


def view_number(view: dict[str, Any]) -> int:
    """The item (or record) id a form carries in its private_metadata; a tampered one is a stale action."""
    try:
        return int(view.get("private_metadata") or "")
    except ValueError:
        raise DomainError("stale_action", number="?") from None


FormView = Callable[[str, Reader, str], Awaitable[dict[str, Any]]]


async def open_form(
    services: Services, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, form: FormView
) -> None:
    """A button that opens a form: ``form`` (user id, reader, the button's value) builds the view, or
    refuses (told privately, as any click); the trigger lives 3 seconds, so the form opens at once."""

    async def work(user_id: str, reader: Reader, value: str) -> Reply:
        await client.views_open(trigger_id=body["trigger_id"], view=await form(user_id, reader, value))
        return {}

    await answer_click(services, body, respond, work)


# -- listeners made from plain functions of (services, user id, reader, what was sent) ---------------
# ``app.action(ID)(on_click(work))``: the work is a module-level function, testable by calling it.

Listener = Callable[..., Awaitable[None]]
Click = Callable[[Services, str, Reader, str], Awaitable[Reply]]
Form = Callable[[Services, str, Reader, str], Awaitable[dict[str, Any]]]
Submission = Callable[[Services, str, Reader, dict[str, Any]], Awaitable[Reply | None]]


def on_click(work: Click) -> Listener:
    """The listener of a button: ack, run ``work(services, user id, reader, the button's value)`` and
    answer the clicker privately with its reply (see ``answer_click``)."""

    async def listener(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, services: Services
    ) -> None:
        await ack()

        async def run(user_id: str, reader: Reader, value: str) -> Reply:
            return await work(services, user_id, reader, value)

        await answer_click(services, body, respond, run)

    return listener


def on_form_button(form: Form) -> Listener:
    """The listener of a button that opens the modal ``form(services, user id, reader, value)`` builds
    (a refusal goes to the clicker, see ``open_form``)."""

    async def listener(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, services: Services
    ) -> None:
        await ack()

        async def build(user_id: str, reader: Reader, value: str) -> dict[str, Any]:
            return await form(services, user_id, reader, value)

        await open_form(services, body, respond, client, build)

    return listener


def on_submit(work: Submission, *, fields: Collection[str], default: str, confirm: str = "") -> Listener:
    """The listener of a modal's submission: ``work(services, user id, reader, view)`` reads the form and
    calls one service; refusals go back into the form (see ``submit_form``)."""

    async def listener(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
        async def run(user_id: str, reader: Reader) -> Reply | None:
            return await work(services, user_id, reader, view)

        await submit_form(ack, services, body, run, fields=fields, default=default, confirm=confirm)

    return listener


def by_item(form: Callable[[Services, str, Reader, Any], Awaitable[dict[str, Any]]]) -> Form:
    """``form`` (which takes an item reference) for a button whose value is the item id."""

    async def build(services: Services, user_id: str, reader: Reader, value: str) -> dict[str, Any]:
        return await form(services, user_id, reader, int(value))

    return build

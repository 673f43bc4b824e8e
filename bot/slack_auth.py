"""The bot token, checked once at start with ``auth.test``; bolt authorises every request from that answer.

Bolt's single-workspace authorisation would call ``auth.test`` on the first request (inside Slack's 3 s)
and answer a bad token with its own English "installation is no longer available". Instead ``serve`` and
``socket`` verify the token before listening and stop with one clear line, and bolt's ``authorize`` hook
answers from the remembered result without any call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("duban.slack")

# auth.test errors that no retry will cure: the token is wrong, revoked, or its workspace is gone.
FATAL_AUTH_ERRORS: frozenset[str] = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "team_access_not_granted",
    }
)

_FIXES = {
    "invalid_auth": "the token is wrong; copy the Bot User OAuth Token (xoxb-…) from the app's "
    "OAuth & Permissions page",
    "not_authed": "no token was sent; set SLACK_BOT_TOKEN",
    "account_inactive": "the app was uninstalled or its workspace deactivated; reinstall the app and copy "
    "the new token",
    "token_revoked": "the token was revoked; reinstall the app and copy the new Bot User OAuth Token",
    "token_expired": "the token expired (token rotation is on); turn rotation off in the app settings",
}


class SlackAuthError(Exception):
    """Slack refused the bot token for good; ``str()`` is one line naming the error and the fix."""

    def __init__(self, error: str) -> None:
        self.error = error
        fix = _FIXES.get(error, "check SLACK_BOT_TOKEN and reinstall the app")
        super().__init__(f"Slack refused SLACK_BOT_TOKEN ({error}): {fix}")


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the token says we are, and the scopes it was granted (the ``x-oauth-scopes`` header)."""

    team_id: str | None
    team: str | None
    bot_id: str | None
    bot_user_id: str | None
    enterprise_id: str | None
    scopes: frozenset[str] | None  # None: Slack sent no header


async def auth_test(client: AsyncWebClient) -> BotIdentity:
    """``auth.test``; raises SlackAuthError for a refused token, SlackApiError or network errors otherwise."""
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error in FATAL_AUTH_ERRORS:
            raise SlackAuthError(error) from None
        raise
    header = next((v for k, v in (response.headers or {}).items() if k.lower() == "x-oauth-scopes"), None)
    scopes = frozenset(s.strip() for s in header.split(",") if s.strip()) if header is not None else None
    return BotIdentity(
        team_id=response.get("team_id"),
        team=response.get("team"),
        bot_id=response.get("bot_id"),
        bot_user_id=response.get("user_id"),
        enterprise_id=response.get("enterprise_id"),
        scopes=scopes,
    )


BoltAuthorize = Callable[..., Awaitable[AuthorizeResult | None]]


class StartupAuthorization:
    """Holds the start-up ``auth.test``; gives bolt an ``authorize`` that never calls Slack once verified."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self.identity: BotIdentity | None = None
        self._lock = asyncio.Lock()

    async def verify(self) -> BotIdentity:
        """Call ``auth.test`` (once); SlackAuthError when the token is refused."""
        async with self._lock:
            if self.identity is None:
                self.identity = await auth_test(self._client)
                log.info(
                    "Slack token verified: team %s, bot user %s",
                    self.identity.team_id,
                    self.identity.bot_user_id,
                )
            return self.identity

    def bolt_authorize(self) -> BoltAuthorize:
        """The function for ``AsyncApp(authorize=…)`` (bolt passes arguments by these names)."""

        async def authorize(
            enterprise_id: str | None, team_id: str | None, user_id: str | None
        ) -> AuthorizeResult | None:
            try:
                identity = await self.verify()  # only the first request pays, and only when start skipped it
            except SlackAuthError as exc:
                log.error("%s", exc)
                return None
            return AuthorizeResult(
                enterprise_id=identity.enterprise_id or enterprise_id,
                team_id=identity.team_id or team_id,
                bot_id=identity.bot_id,
                bot_user_id=identity.bot_user_id,
                bot_token=self._client.token,
                user_id=user_id,
                bot_scopes=sorted(identity.scopes) if identity.scopes is not None else None,
            )

        return authorize

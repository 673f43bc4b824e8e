"""UserDirectory backed by Slack's users.info (through whatever base URL the client has)."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DirectoryUnavailable
from bot.domain.ports import SlackProfile


class SlackUserDirectory:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def fetch(self, user_id: str) -> SlackProfile | None:
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
        except SlackApiError as error:
            if error.response.get("error") in ("user_not_found", "user_not_visible"):
                return None
            raise
        user = response["user"]
        profile = user.get("profile") or {}
        display = profile.get("display_name") or user.get("real_name") or user.get("name") or user_id
        return SlackProfile(
            user_id=user["id"],
            name=display,
            real_name=user.get("real_name") or profile.get("real_name") or "",
            locale=user.get("locale"),
            tz=user.get("tz"),
            deleted=bool(user.get("deleted")),
            is_bot=bool(user.get("is_bot")),
            email=profile.get("email") or None,
        )

    async def usergroup_members(self, usergroup: str) -> list[str] | None:
        """usergroups.users.list (scope usergroups:read); None when Slack knows no such group,
        ``DirectoryUnavailable`` when Slack refuses otherwise (a missing scope, a bad token)."""
        try:
            response = await self.client.usergroups_users_list(usergroup=usergroup)
        except SlackApiError as error:
            if error.response.get("error") in ("no_such_subteam", "subteam_not_found"):
                return None
            raise DirectoryUnavailable(str(error.response.get("error") or error)) from error
        return [str(user_id) for user_id in response.get("users") or []]

"""Bulletin sign-off (DUBAN_BULLETIN_SIGNOFF, S3 由领导决定是否发布): a bulletin, scheduled or posted by
hand, goes to the principal leader as a draft; it is posted to the channel only when they sign it, as
it is or edited (a note of their own, the criticism list kept or withheld).

The bulletin row is the draft (``uow.drafts``): the sweep and the manual post find it and
make no second draft, and signing is one conditional update, so exactly one click publishes it, across
restarts and replicas; a later click is told when and by whom it was published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.errors import DomainError, PermissionDenied
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.domain.repositories import DRAFT, Draft
from bot.notifications import NoticeKind, documents, stored_person
from bot.services.base import Service


@dataclass(slots=True)
class SignResult:
    draft: Draft
    signed: bool  # False: published before (a stale click)
    body: dict[str, Any]  # the draft message as it now reads (stamped)
    signed_by: str | None = None
    signed_at: datetime | None = None


class BulletinSignoffService(Service):
    async def signers(self, uow: UnitOfWork) -> list[Person]:
        """The principal leader; every leader when none is named."""
        principal = self.ctx.settings.principal
        if principal:
            return [await stored_person(uow, principal)]
        return await self.notifier.audience(uow, NoticeKind.BULLETIN_DRAFT, None)

    async def draft(
        self,
        uow: UnitOfWork,
        *,
        kind: str,
        key: str,
        label: str,
        body: dict[str, Any],
        chart: dict[str, Any] | None,
        summary: dict[str, Any],
        now: datetime,
    ) -> list[str]:
        """Keep the claimed bulletin as a draft and send it to the signers; returns who got it."""
        content = {**summary, "body": body, "chart": chart, "label": label}
        await uow.drafts.save_draft(kind, key, content=content)
        row = await uow.drafts.by_key(kind, key)
        assert row is not None
        signers = await self.signers(uow)
        data = {"bulletin": row.id, "label": label, "body": body}
        for person in signers:
            await self.notifier.send(
                uow, NoticeKind.BULLETIN_DRAFT, None, person, now=now, key={"bulletin": row.id}, data=data
            )
        return [p.user_id for p in signers]

    async def edit_form(self, actor_id: str, bulletin_id: int) -> Draft:
        actor = await self.people.actor(actor_id)
        async with self.ctx.uow() as uow:
            self._may_sign(actor, await self.signers(uow))
            row = await uow.drafts.get(bulletin_id)
        if row is None:
            raise DomainError("stale_action", number="?")
        return row

    async def sign(
        self, actor_id: str, bulletin_id: int, *, note: str | None = None, criticism: bool = True
    ) -> SignResult:
        """Publish the draft (as edited): queued to the channel once; a stale click learns when."""
        actor = await self.people.actor(actor_id)
        reader = self.people.reader(actor)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            self._may_sign(actor, await self.signers(uow))
            drafts = uow.drafts
            row = await drafts.get(bulletin_id)
            if row is None:
                raise DomainError("stale_action", number="?")
            content = row.content
            label = str(content.get("label", row.period_key))
            if row.status != DRAFT:
                by, at = content.get("signed_by"), row.posted_at
                stale = documents.signoff_stamp(reader, label, content.get("body") or {}, by, at)
                return SignResult(row, False, stale, by, at)
            body = documents.signed_draft(
                reader, content["body"], note=(note or "").strip(), criticism=criticism
            )
            signed = {**content, "body": body, "signed_by": actor.user_id, "note": note or ""}
            if not await drafts.sign(row.id, content=signed, now=now):  # another click won meanwhile
                fresh = await drafts.get(bulletin_id)
                assert fresh is not None
                by = fresh.content.get("signed_by")
                stale = documents.signoff_stamp(reader, label, body, by, fresh.posted_at)
                return SignResult(fresh, False, stale, by, fresh.posted_at)
            # To the channel under the bulletin's own keys: one post, whichever click or replica signs.
            keys = {"kind": row.kind, "period": row.period_key}
            channel = row.channel or ""
            await self.notifier.send(
                uow, NoticeKind.BULLETIN, None, channel, now=now, key=keys, data={"body": body}
            )
            if content.get("chart"):
                upload = {"upload": content["chart"]}
                await self.notifier.send(
                    uow, NoticeKind.BULLETIN_CHART, None, channel, now=now, key=keys, data=upload
                )
        return SignResult(
            row, True, documents.signoff_stamp(reader, label, body, actor.user_id, now), actor.user_id, now
        )

    def _may_sign(self, actor: Person, signers: list[Person]) -> None:
        if actor.deleted or actor.user_id not in {p.user_id for p in signers}:
            raise PermissionDenied("bulletin_signoff_not_yours")

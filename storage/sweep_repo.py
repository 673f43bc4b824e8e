"""The urging sweep's set-based reads and writes (the ``SweepRepository`` port).

A batch of due items comes in one query, locked for the transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so two replicas claim disjoint batches; SQLite's single writer serialises sweeps); their owners,
issue times, urging records, extension requests and people in one query each; and the urgings, dossier
events and schedules go back with one multi-row statement or executemany each. Urgings are inserted with
``ON CONFLICT (idem_key) DO NOTHING``: a key already taken (a replay, another replica) is skipped.

The dossier's per-item ``seq`` is safe to compute here because the claim holds the items locked and every
other appender locks the item row first (``storage.events.append_event``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.events import ItemEvent
from bot.domain.items import Item, Role
from bot.domain.people import Person
from bot.domain.urge_records import ExtensionRequest, UrgeRecord
from storage.db import is_postgres, to_db_utc
from storage.models import (
    DepartmentMemberRow,
    ExtensionRequestRow,
    ItemEventRow,
    ItemOwnerRow,
    ItemRow,
    RoleRow,
    UrgeRecordRow,
    UserRow,
)
from storage.outbox import _insert_for
from storage.repositories import _to_item
from storage.urging_repo import _RECORD_FIELDS, _record, _request

ITEMS = ItemRow.__table__
RECORDS = UrgeRecordRow.__table__
EVENTS = ItemEventRow.__table__

_SAVE_SCHEDULE = (
    update(ITEMS)
    .where(ITEMS.c.id == bindparam("b_id"))
    .values(
        next_urge_at=bindparam("b_next", type_=ITEMS.c.next_urge_at.type),
        urge_plan=bindparam("b_plan", type_=ITEMS.c.urge_plan.type),
        urge_stage=bindparam("b_stage", type_=ITEMS.c.urge_stage.type),
        urge_round=bindparam("b_round", type_=ITEMS.c.urge_round.type),
        last_urged_at=bindparam("b_last", type_=ITEMS.c.last_urged_at.type),
        escalated_at=bindparam("b_escalated", type_=ITEMS.c.escalated_at.type),
        updated_at=bindparam("b_now", type_=ITEMS.c.updated_at.type),
        version=ITEMS.c.version + 1,  # an ORM writer holding an older copy is refused, as with save()
    )
)
# PostgreSQL: the whole batch in one statement, one array per column (a fixed text, so it is prepared once
# whatever the batch size). Same columns and version bump as _SAVE_SCHEDULE.
_SAVE_SCHEDULES_PG = text(
    """
    UPDATE items SET next_urge_at = v.next_urge_at, urge_plan = v.urge_plan::json, urge_stage = v.urge_stage,
        urge_round = v.urge_round, last_urged_at = v.last_urged_at, escalated_at = v.escalated_at,
        updated_at = :now, version = items.version + 1
    FROM unnest(CAST(:ids AS BIGINT[]), CAST(:nexts AS TIMESTAMPTZ[]), CAST(:plans AS TEXT[]),
                CAST(:stages AS VARCHAR[]), CAST(:rounds AS INTEGER[]), CAST(:lasts AS TIMESTAMPTZ[]),
                CAST(:escalated AS TIMESTAMPTZ[]))
        AS v(id, next_urge_at, urge_plan, urge_stage, urge_round, last_urged_at, escalated_at)
    WHERE items.id = v.id
    """
).bindparams(bindparam("now", type_=ITEMS.c.updated_at.type))


def _among(session: AsyncSession, column: Any, values: list[Any]) -> ColumnElement[bool]:
    """``column IN (values)``; on PostgreSQL ``column = ANY(:array)``: one bound array instead of one
    parameter per value, so the statement's text is the same whatever the batch size (compiled and
    prepared once, not re-expanded for every batch)."""
    if is_postgres(session):
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else to_db_utc(value)


class SweepRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim_due(
        self, now: datetime, states: list[str], *, limit: int, only: list[int] | None = None
    ) -> list[Item]:
        stmt = (
            select(ITEMS)
            .where(ITEMS.c.next_urge_at <= to_db_utc(now), ITEMS.c.state.in_(states))
            .order_by(ITEMS.c.next_urge_at, ITEMS.c.id)
            .limit(limit)
        )
        if only is not None:
            stmt = stmt.where(_among(self.session, ITEMS.c.id, only))
        if is_postgres(self.session):
            stmt = stmt.with_for_update(skip_locked=True)
        rows = (await self.session.execute(stmt)).all()
        if not rows:
            return []
        owners: defaultdict[int, list[Any]] = defaultdict(list)
        owner_table = ItemOwnerRow.__table__
        for owner in await self.session.execute(
            select(owner_table).where(_among(self.session, owner_table.c.item_id, [r.id for r in rows]))
        ):
            owners[owner.item_id].append(owner)
        return [_to_item(row, owners[row.id]) for row in rows]  # type: ignore[arg-type]

    async def issued_at_many(self, item_ids: list[int]) -> dict[int, datetime]:
        rows = await self.session.execute(
            select(EVENTS.c.item_id, EVENTS.c.at)
            .where(_among(self.session, EVENTS.c.item_id, item_ids), EVENTS.c.kind == "issued")
            .order_by(EVENTS.c.item_id, EVENTS.c.seq.desc())
        )
        return {item_id: at for item_id, at in rows}  # by seq, descending: the first issue is kept last

    async def records_of(self, item_ids: list[int]) -> dict[int, list[UrgeRecord]]:
        found: dict[int, list[UrgeRecord]] = {item_id: [] for item_id in item_ids}
        rows = await self.session.execute(
            select(RECORDS).where(_among(self.session, RECORDS.c.item_id, item_ids)).order_by(RECORDS.c.id)
        )
        for row in rows:
            found[row.item_id].append(_record(row))  # type: ignore[arg-type]
        return found

    async def latest_extensions(self, item_ids: list[int]) -> dict[int, ExtensionRequest]:
        table = ExtensionRequestRow.__table__
        latest: dict[int, ExtensionRequest] = {}
        rows = await self.session.execute(
            select(table).where(_among(self.session, table.c.item_id, item_ids)).order_by(table.c.id)
        )
        for row in rows:  # by id: the last one wins
            latest[row.item_id] = _request(row)  # type: ignore[arg-type]
        return latest

    async def people(self, user_ids: list[str]) -> dict[str, Person]:
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        roles: defaultdict[str, set[Role]] = defaultdict(set)
        for user_id, role in await self.session.execute(
            select(RoleRow.user_id, RoleRow.role).where(
                _among(self.session, RoleRow.__table__.c.user_id, ids)
            )
        ):
            roles[user_id].add(Role(role))
        departments: defaultdict[str, list[int]] = defaultdict(list)
        for user_id, department_id in await self.session.execute(
            select(DepartmentMemberRow.user_id, DepartmentMemberRow.department_id).where(
                _among(self.session, DepartmentMemberRow.__table__.c.user_id, ids)
            )
        ):
            departments[user_id].append(department_id)
        users = UserRow.__table__
        return {
            row.user_id: Person(
                user_id=row.user_id,
                name=row.name,
                locale=row.preferred_locale or row.locale or "",
                tz=row.tz,
                deleted=row.deleted,
                is_bot=row.is_bot,
                roles=roles[row.user_id],
                department_ids=departments[row.user_id],
                quiet_hours=row.quiet_hours,
            )
            for row in await self.session.execute(
                select(users).where(_among(self.session, users.c.user_id, ids))
            )
        }

    async def add_records(self, records: list[UrgeRecord]) -> list[UrgeRecord]:
        if not records:
            return []
        # One cached executemany (SQLAlchemy batches it into multi-row INSERTs: "insertmanyvalues").
        stmt = (
            _insert_for(self.session)(RECORDS)
            .on_conflict_do_nothing(index_elements=["idem_key"])
            .returning(RECORDS.c.id, RECORDS.c.idem_key)
        )
        result = await self.session.execute(
            stmt, [{name: getattr(r, name) for name in _RECORD_FIELDS} for r in records]
        )
        ids = {key: record_id for record_id, key in result}
        added = []
        for record in records:
            if record.idem_key in ids:
                record.id = ids.pop(record.idem_key)  # a key twice in one batch: the first one
                added.append(record)
        return added

    async def append_events(self, events: list[tuple[int, ItemEvent]]) -> None:
        if not events:
            return
        item_ids = sorted({item_id for item_id, _ in events})
        last: dict[int, int] = dict.fromkeys(item_ids, 0)
        rows = await self.session.execute(
            select(EVENTS.c.item_id, func.max(EVENTS.c.seq))
            .where(_among(self.session, EVENTS.c.item_id, item_ids))
            .group_by(EVENTS.c.item_id)
        )
        last.update({item_id: int(seq) for item_id, seq in rows})
        values = []
        for item_id, event in events:
            last[item_id] += 1
            event.item_id, event.seq = item_id, last[item_id]
            values.append(
                {
                    "item_id": item_id,
                    "seq": event.seq,
                    "at": to_db_utc(event.at),
                    "actor_id": event.actor_id,
                    "kind": event.kind.value,
                    "payload": event.payload,
                }
            )
        await self.session.execute(EVENTS.insert(), values)

    async def save_schedules(self, items: list[Item], *, now: datetime) -> None:
        if not items:
            return
        if is_postgres(self.session):
            # One UPDATE … FROM unnest(arrays) for the batch: one statement, not one per item.
            await self.session.execute(
                _SAVE_SCHEDULES_PG,
                {
                    "now": now,
                    "ids": [item.id for item in items],
                    "nexts": [_utc(item.next_urge_at) for item in items],
                    "plans": [json.dumps(item.urge_plan.to_dict()) for item in items],
                    "stages": [item.urge_stage for item in items],
                    "rounds": [item.urge_round for item in items],
                    "lasts": [_utc(item.last_urged_at) for item in items],
                    "escalated": [_utc(item.escalated_at) for item in items],
                },
            )
            return
        await self.session.execute(
            _SAVE_SCHEDULE,
            [
                {
                    "b_id": item.id,
                    "b_next": item.next_urge_at,
                    "b_plan": item.urge_plan.to_dict(),
                    "b_stage": item.urge_stage,
                    "b_round": item.urge_round,
                    "b_last": item.last_urged_at,
                    "b_escalated": item.escalated_at,
                    "b_now": now,
                }
                for item in items
            ],
        )

    async def postpone(self, item_ids: list[int], until: datetime) -> None:
        await self.session.execute(
            update(ITEMS)
            .where(_among(self.session, ITEMS.c.id, item_ids))
            .values(next_urge_at=to_db_utc(until))
        )

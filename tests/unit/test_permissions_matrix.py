"""Every role against every action, on a normal item and on a confidential item of another department.

The expected answers are written out below as a table, from the regulations (see the docstring of
``bot.domain.permissions``), not derived from the code under test. ``Y`` allowed, ``.`` refused.

The item belongs to the reform department: its lead owner and co-owner are reform staff, the
department head is the head of *their* department (so the written notice reaches them), the unrelated
member works in another department. "fyi recipient" acts on the FYI (转办单) version of the item.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.domain.errors import DomainError, NotFound, PermissionDenied
from bot.domain.items import Item, ItemNumber, Owner, OwnerRole, Role, SourceKind
from bot.domain.lifecycle import State
from bot.domain.people import Person
from bot.domain.permissions import RULES, Action, allowed, cleared, require

COLUMNS = {
    "asg": Action.ASSIGN,
    "new": Action.NEW,
    "all": Action.LIST_ALL,
    "shw": Action.SHOW,
    "rep": Action.REPORT,
    "urg": Action.URGE,
    "ext": Action.EXTEND,
    "dex": Action.DECIDE_EXTENSION,
    "rev": Action.REVIEW,
    "apr": Action.APPROVE_PROPOSAL,
    "ins": Action.INSTRUCT,
    "wdr": Action.WITHDRAW,
    "edt": Action.EDIT,
    "rsg": Action.REASSIGN,
    "bul": Action.BULLETIN,
    "arc": Action.ARCHIVE,
    "exp": Action.EXPORT,
    "hol": Action.HOLIDAY,
    "adm": Action.ADMIN,
}

NORMAL_ITEM = """
                 asg new all shw rep urg ext dex rev apr ins wdr edt rsg bul arc exp hol adm
leader            Y   Y   Y   Y   .   Y   .   Y   Y   Y   Y   Y   Y   Y   Y   .   Y   .   .
supervisor        Y   Y   Y   Y   .   Y   .   Y   Y   .   .   Y   Y   Y   Y   Y   Y   .   .
admin             .   .   Y   Y   .   .   .   .   .   .   .   .   .   .   .   Y   Y   Y   Y
dept_head         .   .   .   Y   .   .   .   .   .   .   .   .   .   .   .   .   Y   .   .
lead_owner        .   .   .   Y   Y   .   Y   .   .   .   .   .   .   .   .   .   Y   .   .
co_owner          .   .   .   Y   Y   .   Y   .   .   .   .   .   .   .   .   .   Y   .   .
fyi_recipient     .   .   .   Y   .   .   .   .   .   .   .   .   .   .   .   .   Y   .   .
assigner          .   .   .   Y   .   .   .   .   .   .   .   Y   Y   Y   .   .   Y   .   .
unrelated         .   .   .   Y   .   .   .   .   .   .   .   .   .   .   .   .   Y   .   .
deactivated       .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .
"""

# Only what the item is about changes: heads and unrelated members may not even see it; actions
# that are not about one item (assign, list all, bulletin, export, holiday, admin) stay as they were.
CONFIDENTIAL_ITEM = """
                 asg new all shw rep urg ext dex rev apr ins wdr edt rsg bul arc exp hol adm
leader            Y   Y   Y   Y   .   Y   .   Y   Y   Y   Y   Y   Y   Y   Y   .   Y   .   .
supervisor        Y   Y   Y   Y   .   Y   .   Y   Y   .   .   Y   Y   Y   Y   Y   Y   .   .
admin             .   .   Y   Y   .   .   .   .   .   .   .   .   .   .   .   Y   Y   Y   Y
dept_head         .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   Y   .   .
lead_owner        .   .   .   Y   Y   .   Y   .   .   .   .   .   .   .   .   .   Y   .   .
co_owner          .   .   .   Y   Y   .   Y   .   .   .   .   .   .   .   .   .   Y   .   .
fyi_recipient     .   .   .   Y   .   .   .   .   .   .   .   .   .   .   .   .   Y   .   .
assigner          .   .   .   Y   .   .   .   .   .   .   .   Y   Y   Y   .   .   Y   .   .
unrelated         .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   Y   .   .
deactivated       .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .
"""

# Who may read a confidential item's title and texts (the clearance rule of the regulations).
CLEARED = {
    "leader": True,
    "supervisor": True,
    "admin": True,
    "dept_head": False,
    "lead_owner": True,
    "co_owner": True,
    "fyi_recipient": True,
    "assigner": True,
    "unrelated": False,
    "deactivated": True,  # was a supervisor; clearance is about reading, acting is refused anyway
}

HEAD = "U0HEADB"
ACTORS: dict[str, Person] = {
    "leader": Person("U0LEADER", "王建国", roles={Role.LEADER}),
    "supervisor": Person("U0SUPER2", "Tom", roles={Role.SUPERVISOR}),
    "admin": Person("U0ADMIN", "Admin", roles={Role.ADMIN}),
    "dept_head": Person(HEAD, "Sarah", roles={Role.DEPT_HEAD}, department_ids=[2]),
    "lead_owner": Person("U0STAFFB", "陈静", department_ids=[2]),
    "co_owner": Person("U0STAFFB2", "Mark", department_ids=[2]),
    "fyi_recipient": Person("U0STAFFB", "陈静", department_ids=[2]),
    "assigner": Person("U0ASSIGNER", "Former supervisor"),  # assigned it, no longer holds the role
    "unrelated": Person("U0STAFFA", "刘洋", department_ids=[1]),
    "deactivated": Person("U0GONE", "赵磊", deleted=True, roles={Role.SUPERVISOR}),
}


def _table(text: str) -> dict[tuple[str, Action], bool]:
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert [COLUMNS[h] for h in header] == list(Action), "the table must list every action, in order"
    expected = {}
    for name, *cells in rows:
        assert len(cells) == len(header), name
        for column, cell in zip(header, cells, strict=True):
            expected[(name, COLUMNS[column])] = cell == "Y"
    assert {name for name, _ in expected} == set(ACTORS)
    return expected


def _item(*, confidential: bool, fyi: bool) -> Item:
    return Item(
        id=7,
        number=ItemNumber(2026, 7),
        title="机密：改革方案",
        requirements="",
        source=SourceKind.OTHER,
        state=State.IN_PROGRESS,
        assigner_id="U0ASSIGNER",
        owners=[Owner("U0STAFFB", OwnerRole.LEAD), Owner("U0STAFFB2", OwnerRole.CO)],
        original_due=date(2026, 12, 1),
        current_due=date(2026, 12, 1),
        created_at=datetime(2026, 11, 26, 2, tzinfo=UTC),
        confidential=confidential,
        fyi=fyi,
    )


EXPECTED = {
    "normal": _table(NORMAL_ITEM),
    "confidential": _table(CONFIDENTIAL_ITEM),
}
CASES = [
    pytest.param(kind, actor, action, id=f"{kind}-{actor}-{action.value}")
    for kind in EXPECTED
    for actor in ACTORS
    for action in Action
]


@pytest.mark.parametrize(("kind", "actor", "action"), CASES)
def test_matrix_cell(kind: str, actor: str, action: Action) -> None:
    item = _item(confidential=kind == "confidential", fyi=actor == "fyi_recipient")
    person = ACTORS[actor]
    expected = EXPECTED[kind][(actor, action)]
    assert allowed(person, action, item, heads=[HEAD]) is expected
    if expected:
        require(person, action, item, heads=[HEAD])
    else:
        with pytest.raises(DomainError) as refused:
            require(person, action, item, heads=[HEAD])
        assert isinstance(refused.value, PermissionDenied | NotFound) or refused.value.code == "not_owner"


@pytest.mark.parametrize("actor", list(ACTORS))
def test_clearance_on_a_confidential_item(actor: str) -> None:
    item = _item(confidential=True, fyi=actor == "fyi_recipient")
    assert cleared(ACTORS[actor], item) is CLEARED[actor]
    assert cleared(ACTORS[actor], replace(item, confidential=False)) is True


def test_a_hidden_confidential_item_is_refused_as_not_found() -> None:
    item = _item(confidential=True, fyi=False)
    with pytest.raises(NotFound):
        require(ACTORS["dept_head"], Action.SHOW, item, heads=[HEAD])


def test_refusals_name_the_roles_that_may() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require(ACTORS["unrelated"], Action.ASSIGN)
    assert refused.value.code == "not_allowed"
    assert refused.value.params == {"roles": (Role.LEADER, Role.SUPERVISOR), "action": "assign"}
    with pytest.raises(PermissionDenied) as review:
        require(ACTORS["admin"], Action.REVIEW, _item(confidential=False, fyi=False))
    assert review.value.params["roles"] == (Role.SUPERVISOR, Role.LEADER)


def test_a_deactivated_user_is_told_so() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require(ACTORS["deactivated"], Action.URGE)
    assert refused.value.code == "user_inactive"


def test_every_action_has_a_rule() -> None:
    assert set(RULES) == set(Action)

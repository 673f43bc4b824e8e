"""The demo organisation as plain data.

Both the emulator (to populate its fake workspace) and the bot's demo setup (to give people roles and
departments) read this module, so the two always agree on who exists.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_TEAM_ID = "T0DEMO"
DEMO_TEAM_DOMAIN = "duban-demo"
DEMO_BOT_USER_ID = "U0DUBANBOT"
DEMO_BOT_ID = "B0DUBANBOT"
DEMO_APP_ID = "A0DUBAN"
DEMO_BULLETIN_CHANNEL = "C0BULLETIN"
DEMO_BULLETIN_NAME = "duban-bulletin"


@dataclass(frozen=True)
class SeedDepartment:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class SeedUser:
    user_id: str
    name: str  # display name, what colleagues see
    real_name: str
    locale: str  # Slack's form: "zh-CN" or "en-US"
    tz: str  # IANA zone
    roles: tuple[str, ...] = ()  # subset of "leader", "supervisor", "admin"
    department: str | None = None  # SeedDepartment.code
    is_head: bool = False
    deleted: bool = False
    handle: str = ""  # Slack's legacy ASCII username; derived from the id when empty

    @property
    def username(self) -> str:
        return self.handle or self.user_id.lower()

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_TEAM_DOMAIN}.test"


@dataclass(frozen=True)
class SeedChannel:
    channel_id: str
    name: str
    members: tuple[str, ...]  # user ids, the bot included when it has joined
    is_private: bool = False
    topic: str = ""


DEMO_DEPARTMENTS: tuple[SeedDepartment, ...] = (
    SeedDepartment("office", "办公室", "General Office"),
    SeedDepartment("reform", "发展改革科", "Development and Reform Section"),
)

_SH = "Asia/Shanghai"

DEMO_USERS: tuple[SeedUser, ...] = (
    SeedUser("U0LEADER", "王建国", "王建国", "zh-CN", _SH, ("leader",), handle="wangjianguo"),
    SeedUser("U0DEPUTY", "Emily Chen", "Emily Chen", "en-US", _SH, ("leader",), handle="emily.chen"),
    SeedUser("U0SUPER", "李娜", "李娜", "zh-CN", _SH, ("supervisor", "admin"), handle="lina"),
    SeedUser(
        "U0SUPER2", "Tom Baker", "Tom Baker", "en-US", "Europe/London", ("supervisor",), handle="tom.baker"
    ),
    SeedUser("U0HEADA", "张伟", "张伟", "zh-CN", _SH, (), "office", is_head=True, handle="zhangwei"),
    SeedUser("U0STAFFA", "刘洋", "刘洋", "zh-CN", _SH, (), "office", handle="liuyang"),
    SeedUser(
        "U0HEADB", "Sarah Lee", "Sarah Lee", "en-US", _SH, (), "reform", is_head=True, handle="sarah.lee"
    ),
    SeedUser("U0STAFFB", "陈静", "陈静", "zh-CN", _SH, (), "reform", handle="chenjing"),
    SeedUser("U0STAFFB2", "Mark Wu", "Mark Wu", "en-US", "America/New_York", (), "reform", handle="mark.wu"),
    # Deactivated account: lets tests exercise user_disabled / deleted handling.
    SeedUser("U0GONE", "赵磊", "赵磊", "zh-CN", _SH, (), "office", deleted=True, handle="zhaolei"),
)

DEMO_CHANNELS: tuple[SeedChannel, ...] = (
    SeedChannel(
        DEMO_BULLETIN_CHANNEL,
        DEMO_BULLETIN_NAME,
        members=(DEMO_BOT_USER_ID, *(u.user_id for u in DEMO_USERS if not u.deleted)),
        topic="督办通报 / Supervision bulletin",
    ),
)


def seed_user(user_id: str, users: tuple[SeedUser, ...] = DEMO_USERS) -> SeedUser:
    for user in users:
        if user.user_id == user_id:
            return user
    raise KeyError(user_id)


def department(code: str) -> SeedDepartment:
    for dept in DEMO_DEPARTMENTS:
        if dept.code == code:
            return dept
    raise KeyError(code)

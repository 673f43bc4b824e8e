"""The words of the ``/duban`` grammar: subcommands, option keywords, scopes, periods, locales, holiday
marks and separators, in Chinese and English (``bot.domain.command_parser`` reads commands with them)."""

from __future__ import annotations

import re
from typing import Literal

from bot.domain import correction_syntax as corrections
from bot.domain.admin_commands import ADMIN_SUBCOMMANDS
from bot.domain.commands import ListScope, Period
from bot.domain.settings_command import SETTINGS_SUBCOMMANDS

SUBCOMMANDS: dict[str, str] = {
    "help": "help",
    "帮助": "help",
    "?": "help",
    "assign": "assign",
    "交办": "assign",
    "new": "new",
    "新建": "new",
    "list": "list",
    "ls": "list",
    "列表": "list",
    "show": "show",
    "查看": "show",
    "report": "report",
    "报告": "report",
    "反馈": "report",
    "review": "review",
    "审核": "review",
    "call": "call",
    "电话": "call",
    "记录催办": "call",
    "meeting": "meeting",
    "协调会": "meeting",
    "召开协调会": "meeting",
    "archive": "archive",
    "归档": "archive",
    "urge": "urge",
    "催办": "urge",
    "extend": "extend",
    "延期": "extend",
    "instruct": "instruct",
    "批示": "instruct",
    "bulletin": "bulletin",
    "通报": "bulletin",
    "export": "export",
    "导出": "export",
    "lang": "lang",
    "language": "lang",
    "语言": "lang",
    "holiday": "holiday",
    "holidays": "holiday",
    "节假日": "holiday",
    **corrections.SUBCOMMANDS,  # withdraw / edit / reassign (撤销 / 修改 / 改派)
    **ADMIN_SUBCOMMANDS,  # roles and departments (bot.domain.admin_commands)
    **SETTINGS_SUBCOMMANDS,  # a person's own settings: quiet hours (bot.domain.settings_command)
}

# Option keywords of ``assign`` -> option kind.
OPTION_KEYWORDS: dict[str, str] = {
    "due": "due",
    "截止": "due",
    "期限": "due",
    "截止日期": "due",
    "截止时间": "due",
    "source": "source",
    "来源": "source",
    "every": "cadence",
    "频次": "cadence",
    "频率": "cadence",
    "parent": "parent",
    "上级": "parent",
    "req": "req",
    "requirements": "req",
    "要求": "req",
    "confidential": "confidential",
    "保密": "confidential",
    "机密": "confidential",
    "fyi": "fyi",
    "转办": "fyi",
    "知悉": "fyi",
    "urgent": "urgent",
    "紧急": "urgent",
    "加急": "urgent",
    # Register fields (登记要素, bot.domain.register).
    "received": "received",
    "收文": "received",
    "收文日期": "received",
    "收文时间": "received",
    "docno": "doc_number",
    "文号": "doc_number",
    "basis": "basis",
    "依据": "basis",
    "立项依据": "basis",
}
FLAGS = frozenset({"confidential", "fyi", "urgent"})

# A single token such as 每周一, 每天, 每2个工作日, 每月15日, 每季度末 is a cadence on its own.
CADENCE_TOKEN_RE = re.compile(
    r"每隔?[0-9一二两三四五六七八九十半]*个?(?:工作日|天|日|周|星期|礼拜|月|季度|季|年|旬)"
    r"[0-9一二三四五六七日天周星期初中下末底号、,至到~-]*"
)

LIST_SCOPES: dict[str, ListScope] = {
    "mine": "mine",
    "my": "mine",
    "我的": "mine",
    "overdue": "overdue",
    "逾期": "overdue",
    "超期": "overdue",
    "all": "all",
    "全部": "all",
}
PERIODS: dict[str, Period] = {
    "week": "week",
    "weekly": "week",
    "周": "week",
    "本周": "week",
    "month": "month",
    "monthly": "month",
    "月": "month",
    "本月": "month",
    "quarter": "quarter",
    "quarterly": "quarter",
    "季": "quarter",
    "季度": "quarter",
    "本季度": "quarter",
    "year": "year",
    "yearly": "year",
    "annual": "year",
    "年": "year",
    "年度": "year",
    "本年": "year",
}
POST_WORDS = frozenset({"post", "publish", "发布"})
LOCALES: dict[str, Literal["zh", "en"]] = {
    "zh": "zh",
    "zh-cn": "zh",
    "cn": "zh",
    "chinese": "zh",
    "中文": "zh",
    "汉语": "zh",
    "en": "en",
    "en-us": "en",
    "english": "en",
    "英文": "en",
    "英语": "en",
}
HOLIDAY_OFF = frozenset({"off", "休", "休息", "放假"})
HOLIDAY_WORK = frozenset({"work", "班", "上班", "补班"})
HOLIDAY_CONFIRM = frozenset({"confirm", "确认"})
HOLIDAY_LIST = frozenset({"list", "列表"})
HOLIDAY_CLEAR = frozenset({"clear", "删除", "清除"})

SEPARATORS = ",，、;；"
MENTION_PIECE_RE = re.compile(r"<@([A-Za-z0-9]+)(?:\|[^<>]*)?>|<[#!][^<>]*>|[@＠]([^\s<>@＠,，、;；]+)")

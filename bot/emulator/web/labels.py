"""The words of the fake Slack client itself (sidebar, clock, buttons), in both languages.

These belong to the emulated client, not to Duban: what the bot says comes from messages/ through the bot.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "workspace": "督办演示工作区",
        "channels": "频道",
        "apps": "应用",
        "home": "主页",
        "messages": "消息",
        "only_you": "仅你可见",
        "replies": "{n} 条回复",
        "thread": "话题",
        "reply_placeholder": "回复…",
        "message_placeholder": "发送消息到 {where}（可输入 /duban …）",
        "sign_in_as": "登录身份",
        "language": "语言",
        "clock": "演示时钟",
        "plus_hour": "+1 小时",
        "next_morning": "下个工作日上午",
        "plus_day": "+1 天",
        "go": "前往",
        "cancel": "取消",
        "submit": "提交",
        "optional": "可选",
        "download": "下载",
        "edited": "已编辑",
        "empty": "这里还没有消息。",
        "no_home": "正在打开主页…",
        "close": "关闭",
        "leader": "领导",
        "supervisor": "督查室",
        "admin": "管理员",
        "head": "部门负责人",
        "staff": "工作人员",
        "app_badge": "应用",
        "send": "发送",
        "reply_in_thread": "在话题中回复",
    },
    "en": {
        "workspace": "Duban demo workspace",
        "channels": "Channels",
        "apps": "Apps",
        "home": "Home",
        "messages": "Messages",
        "only_you": "Only visible to you",
        "replies": "{n} replies",
        "thread": "Thread",
        "reply_placeholder": "Reply…",
        "message_placeholder": "Message {where} (try /duban …)",
        "sign_in_as": "Signed in as",
        "language": "Language",
        "clock": "Demo clock",
        "plus_hour": "+1 h",
        "next_morning": "Next working morning",
        "plus_day": "+1 day",
        "go": "Go",
        "cancel": "Cancel",
        "submit": "Submit",
        "optional": "optional",
        "download": "Download",
        "edited": "edited",
        "empty": "No messages here yet.",
        "no_home": "Opening Home…",
        "close": "Close",
        "leader": "leader",
        "supervisor": "supervision office",
        "admin": "admin",
        "head": "department head",
        "staff": "staff",
        "app_badge": "APP",
        "send": "Send",
        "reply_in_thread": "Reply in thread",
    },
}


def lang_of(locale: str) -> str:
    """Slack's "zh-CN" / "en-US" (or our "zh" / "en") as one of the client's two languages."""
    return "en" if locale.lower().startswith("en") else "zh"


def label(lang: str, key: str, **values: object) -> str:
    return LABELS[lang][key].format(**values)

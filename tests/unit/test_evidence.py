"""佐证材料: reading links typed in the report form and files of a Slack message event."""

from __future__ import annotations

from bot.domain.evidence import Attachment, from_links, from_slack_files


def test_links_are_named_by_the_words_before_them_or_their_path() -> None:
    text = (
        "验收报告 https://a.example.cn/x/2026.pdf 照片 https://a.example.cn/p/1.jpg\n"
        "<https://b.example.cn/doc|纪要>\n"
        "https://c.example.cn/files/%E6%96%B9%E6%A1%88.docx。\n"
        "纸质材料另送\n"
        "ftp://old.example.cn/x"
    )
    assert from_links(text) == (
        Attachment("验收报告", "https://a.example.cn/x/2026.pdf"),
        Attachment("照片", "https://a.example.cn/p/1.jpg"),
        Attachment("纪要", "https://b.example.cn/doc"),
        Attachment("方案.docx", "https://c.example.cn/files/%E6%96%B9%E6%A1%88.docx"),
    )
    assert from_links("") == ()


def test_slack_files_keep_name_and_permalink_and_skip_odd_shapes() -> None:
    files = [
        {"id": "F1", "name": "a.pdf", "permalink": "https://t.slack.com/files/U1/F1/a.pdf"},
        {"id": "F2", "title": "b", "url_private": "https://files.slack.com/files-pri/T-F2/b"},
        {"id": "F3", "name": "no link"},
        "junk",
        {"name": 3, "permalink": "https://x"},
    ]
    assert from_slack_files(files) == (
        Attachment("a.pdf", "https://t.slack.com/files/U1/F1/a.pdf"),
        Attachment("b", "https://files.slack.com/files-pri/T-F2/b"),
    )
    assert from_slack_files(None) == () and from_slack_files({"a": 1}) == ()

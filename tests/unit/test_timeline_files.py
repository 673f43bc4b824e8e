"""``/duban show`` lists each 佐证材料 file by name, linked; a long list leaves the rest to "more"."""

from __future__ import annotations

from messages.timeline import EVIDENCE_CHARS, EVIDENCE_SHOWN, with_files


def _file(i: int, *, length: int = 0) -> dict[str, str]:
    return {"name": f"材料{i}.pdf", "permalink": f"https://t.slack.com/files/U1/F{i}/{'x' * length}"}


def test_each_file_is_a_link_named_by_the_file() -> None:
    files = [
        _file(1),
        {"name": "<b>&c", "permalink": "https://docs.example.cn/a.pdf"},
        {"name": "odd", "permalink": "https://docs.example.cn/a|b"},
        "junk",
    ]
    text, cut = with_files("提交佐证材料", files)
    assert text.split("\n") == [
        "提交佐证材料",
        ">• <https://t.slack.com/files/U1/F1/|材料1.pdf>",
        ">• <https://docs.example.cn/a.pdf|&lt;b&gt;&amp;c>",
        ">• odd https://docs.example.cn/a|b",
    ]
    assert not cut
    assert with_files("x", None) == ("x", False)


def test_a_long_list_is_cut_and_left_to_more() -> None:
    text, cut = with_files("x", [_file(i) for i in range(EVIDENCE_SHOWN + 2)])
    assert cut and text.count("\n>• ") == EVIDENCE_SHOWN
    text, cut = with_files("x", [_file(i, length=400) for i in range(8)])
    assert cut and len(text) <= EVIDENCE_CHARS and text.count("\n>• ") >= 1

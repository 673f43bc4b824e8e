"""``duban`` reads the .env of the directory it is started in; the environment wins over it."""

from __future__ import annotations

from pathlib import Path

from bot.emulator.driver import SlackEmulator
from tests.ops.conftest import operator_env, run_duban


async def test_dotenv_in_the_working_directory_is_read_and_env_wins(
    slack: SlackEmulator, workdir: Path
) -> None:
    (workdir / ".env").write_text(
        "DATABASE_URL=sqlite+aiosqlite:///from-dotenv.db\nPORT=eighty\n", encoding="utf-8"
    )
    env = operator_env(slack, "unused", DATABASE_URL=None, DUBAN_DOTENV=None, PORT="3999")
    result = await run_duban("migrate", env=env, cwd=workdir)
    assert result.code == 0, result.stderr  # PORT from the environment won over the file's junk
    assert (workdir / "from-dotenv.db").exists()

    env["DATABASE_URL"] = "sqlite+aiosqlite:///from-environment.db"
    assert (await run_duban("migrate", env=env, cwd=workdir)).code == 0
    assert (workdir / "from-environment.db").exists()


async def test_a_junk_dotenv_elsewhere_is_not_read(
    slack: SlackEmulator, workdir: Path, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=nonsense\n", encoding="utf-8")  # the parent, not the cwd
    env = operator_env(slack, "sqlite+aiosqlite:///here.db", DUBAN_DOTENV=None)
    result = await run_duban("migrate", env=env, cwd=workdir)
    assert result.code == 0, result.stderr
    assert (workdir / "here.db").exists()


async def test_a_malformed_dotenv_value_stops_with_its_name(slack: SlackEmulator, workdir: Path) -> None:
    (workdir / ".env").write_text("DUBAN_TIMEZONE=Nowhere/Land\n", encoding="utf-8")
    env = operator_env(slack, "sqlite+aiosqlite:///x.db", DUBAN_DOTENV=None)
    result = await run_duban("migrate", env=env, cwd=workdir)
    assert result.code == 2
    assert result.stderr.strip().startswith("duban: configuration error: DUBAN_TIMEZONE")

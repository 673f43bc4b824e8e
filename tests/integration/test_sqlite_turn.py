"""SQLite write turns across processes (DUBAN_WORKERS): a second process waits for the first's turn to
end, the waiting event loop keeps running, and a waiter that gives up leaves the turn free."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from storage.sqlite_turn import SqliteTurn

HOLDER = """
import asyncio, sys
from pathlib import Path
from storage.sqlite_turn import SqliteTurn

async def main() -> None:
    async with SqliteTurn(sys.argv[1]).taken():
        print("held", flush=True)
        await asyncio.sleep(float(sys.argv[2]))
        Path(sys.argv[3]).write_text("released")

asyncio.run(main())
"""


async def _hold_elsewhere(database: Path, seconds: float, mark: Path) -> asyncio.subprocess.Process:
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, str(database), str(seconds), str(mark), stdout=asyncio.subprocess.PIPE
    )
    assert holder.stdout is not None
    assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"held\n"
    return holder


async def test_a_second_process_waits_for_the_turn_and_the_loop_keeps_running(tmp_path: Path) -> None:
    database, mark = tmp_path / "duban.db", tmp_path / "released"
    holder = await _hold_elsewhere(database, 0.5, mark)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    async with SqliteTurn(str(database)).taken():
        assert mark.read_text() == "released"  # not before the other process let go
    ticker.cancel()
    assert ticks > 10  # the wait happened off the event loop
    assert await holder.wait() == 0


async def test_a_waiter_cancelled_while_another_process_holds_the_turn_leaves_it_free(tmp_path: Path) -> None:
    database, mark = tmp_path / "duban.db", tmp_path / "released"
    turn = SqliteTurn(str(database))
    holder = await _hold_elsewhere(database, 0.4, mark)

    async def wait_for_turn() -> None:
        async with turn.taken():
            raise AssertionError("cancelled before its turn")

    waiter = asyncio.create_task(wait_for_turn())
    await asyncio.sleep(0.1)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    assert await holder.wait() == 0
    # The abandoned wait acquired the lock in its thread after the holder let go, then gave it back:
    # this process and another can both take the turn again.
    async with asyncio.timeout(10), turn.taken():
        pass
    again = await _hold_elsewhere(database, 0.0, mark)
    assert await again.wait() == 0


async def test_an_in_memory_database_takes_turns_within_the_process_only() -> None:
    turn = SqliteTurn(None)
    order: list[str] = []

    async def write(name: str) -> None:
        async with turn.taken():
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(write("a"), write("b"))
    assert order == ["a in", "a out", "b in", "b out"]

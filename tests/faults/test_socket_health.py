"""``duban socket`` (a real subprocess) answers /healthz on $PORT: 200, then 503 while its PostgreSQL is
unreachable, then 200 again without a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.emulator.driver import SlackEmulator
from tests.faults.dbswitch import DatabaseSwitch
from tests.process.conftest import Service


async def _wait_status(url: str, wanted: int, seconds: float = 20.0) -> dict[str, object]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        for _ in range(int(seconds * 5)):
            try:
                async with http.get(f"{url}/healthz") as response:
                    if response.status == wanted:
                        return dict(await response.json())
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"/healthz never answered {wanted}")


async def test_duban_socket_serves_healthz_on_port_and_follows_the_database(
    emulator: SlackEmulator, empty_db_url: str, tmp_path: Path
) -> None:
    switch, bot_url = await DatabaseSwitch.around(empty_db_url)
    service = Service("socket", emulator, bot_url, tmp_path)
    try:
        await service.start()  # waits for the Socket Mode connection
        assert await _wait_status(service.url, 200) == {"ok": True}
        if switch.proxy is None:
            return  # SQLite: the file cannot be taken from another process's open connections
        switch.proxy.cut()
        assert await _wait_status(service.url, 503) == {"ok": False, "database": "unreachable"}
        await switch.up()
        assert await _wait_status(service.url, 200) == {"ok": True}
        assert service.process is not None and service.process.returncode is None  # never restarted
    finally:
        await service.cleanup()
        if switch.proxy is not None:
            await switch.proxy.close()

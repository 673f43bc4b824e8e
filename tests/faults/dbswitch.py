"""Taking the database away from a running bot, and giving it back.

PostgreSQL: the bot reaches the server through a TCP proxy on loopback; ``down()`` aborts every connection
and stops listening (new connections are refused, as with a server that is gone), ``up()`` listens again
on the same port. SQLite: the database file is moved aside and a directory put in its place, and the bot's
pooled connections are dropped, so every new connection fails with "unable to open database file";
``up()`` puts the file back. ``cut_at(engine, prefix)`` makes the connection fail in the middle of a
transaction, at the first statement starting with ``prefix``.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine


class TcpProxy:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.target_port = host, port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._links |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._links -= {writer, up_writer}

    def cut(self) -> None:
        """Synchronous, so it can run inside a SQLAlchemy event hook."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def close(self) -> None:
        self.cut()


class DatabaseSwitch:
    def __init__(self, db_url: str, proxy: TcpProxy | None) -> None:
        self.db_url, self.proxy = db_url, proxy
        self.engine: AsyncEngine | None = None  # the bot's engine, set once it exists

    @classmethod
    async def around(cls, db_url: str) -> tuple[DatabaseSwitch, str]:
        """The switch and the URL the bot must use."""
        url = make_url(db_url)
        if url.get_backend_name() == "sqlite":
            return cls(db_url, None), db_url
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        await proxy.start()
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        return cls(db_url, proxy), proxied

    @property
    def _path(self) -> Path:
        return Path(str(make_url(self.db_url).database))

    async def down(self) -> None:
        if self.proxy is not None:
            self.proxy.cut()
            return
        assert self.engine is not None
        await self.engine.dispose()  # the pooled connections go with the file
        self._path.rename(self._path.with_suffix(".away"))
        self._path.mkdir()

    async def up(self) -> None:
        if self.proxy is not None:
            await self.proxy.start()
            return
        self._path.rmdir()
        self._path.with_suffix(".away").rename(self._path)

    def cut_at(self, engine: AsyncEngine, prefix: str) -> None:
        """The next statement starting with ``prefix`` loses its connection (SQLite: its driver fails)."""
        sync_engine = engine.sync_engine

        def hook(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not statement.lstrip().upper().startswith(prefix.upper()):
                return
            event.remove(sync_engine, "before_cursor_execute", hook)
            if self.proxy is not None:
                self.proxy.cut()
            else:
                raise sqlite3.OperationalError("disk I/O error")

        event.listen(sync_engine, "before_cursor_execute", hook)

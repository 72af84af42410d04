"""A TCP proxy in front of PostgreSQL that cuts a connection at a COMMIT: its outcome unknown.

The proxy reads the frontend protocol (startup, then typed messages) and remembers which
statements each transaction ran, by text (simple ``Q`` queries, ``P`` parse) and by prepared
statement name (``B`` bind of a cached statement). When armed, the next ``COMMIT`` of a
transaction that ran a statement containing ``match`` (``inbox``: a consumer applying an
event) is cut:

* ``before``: the COMMIT never reaches the server, which rolls the transaction back;
* ``after``: the COMMIT reaches the server and commits, but its answer never reaches the client.

Either way the client sees its connection drop during COMMIT and cannot know which happened.
"""

import asyncio
import struct
from dataclasses import dataclass, field

_UNTYPED_REQUESTS = {80877103, 80877104}  # SSLRequest, GSSENCRequest: answered by one byte


@dataclass
class Cut:
    database: str
    mode: str
    statements: list[str]


@dataclass
class CommitCutter:
    upstream_host: str
    upstream_port: int
    match: bytes = b"inbox"
    armed: list[str] = field(default_factory=list)  # modes of the next cuts, in order
    cuts: list[Cut] = field(default_factory=list)
    port: int = 0
    _server: asyncio.AbstractServer | None = None
    _tasks: set = field(default_factory=set)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
        except OSError:
            client_writer.close()
            self._tasks.discard(task)
            return
        state = {"swallow": False}

        async def down() -> None:
            try:
                while data := await upstream_reader.read(65536):
                    if state["swallow"]:
                        break  # the answer to the cut COMMIT: lost
                    client_writer.write(data)
                    await client_writer.drain()
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                client_writer.close()
                upstream_writer.close()

        pump = asyncio.create_task(down())
        try:
            await self._up(client_reader, upstream_writer, client_writer, state)
        except (OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            if not state["swallow"]:
                upstream_writer.close()
                client_writer.close()
            try:
                await asyncio.wait_for(pump, timeout=10)
            except (TimeoutError, asyncio.CancelledError, Exception):
                pump.cancel()
            self._tasks.discard(task)

    async def _up(self, reader, upstream, client_writer, state) -> None:
        database = "?"
        while True:  # startup: untyped messages until the StartupMessage itself
            head = await reader.readexactly(4)
            (length,) = struct.unpack("!i", head)
            body = await reader.readexactly(length - 4)
            upstream.write(head + body)
            await upstream.drain()
            code = struct.unpack("!i", body[:4])[0]
            if code not in _UNTYPED_REQUESTS:
                parts = body[4:].split(b"\0")
                for key, value in zip(parts[::2], parts[1::2]):
                    if key == b"database":
                        database = value.decode()
                break
        prepared: dict[bytes, bytes] = {}
        touched: list[str] = []
        while True:
            kind = await reader.readexactly(1)
            head = await reader.readexactly(4)
            (length,) = struct.unpack("!i", head)
            body = await reader.readexactly(length - 4)
            if kind == b"P":
                name, _, rest = body.partition(b"\0")
                query = rest.partition(b"\0")[0]
                prepared[name] = query
                self._note(query, touched)
            elif kind == b"B":
                _portal, _, rest = body.partition(b"\0")
                name = rest.partition(b"\0")[0]
                self._note(prepared.get(name, b""), touched)
            elif kind == b"Q":
                query = body.rstrip(b"\0").strip()
                upper = query.upper()
                if upper.startswith((b"BEGIN", b"START TRANSACTION")):
                    touched.clear()
                elif upper.startswith(b"COMMIT") and touched and self.armed:
                    mode = self.armed.pop(0)
                    self.cuts.append(Cut(database, mode, list(touched)))
                    if mode == "after":
                        state["swallow"] = True
                        upstream.write(kind + head + body)
                        await upstream.drain()
                    client_writer.close()
                    if mode == "before":
                        upstream.close()
                    return
                elif upper.startswith((b"COMMIT", b"ROLLBACK")):
                    touched.clear()
                else:
                    self._note(query, touched)
            upstream.write(kind + head + body)
            await upstream.drain()

    def _note(self, query: bytes, touched: list[str]) -> None:
        if self.match in query:
            touched.append(" ".join(query.decode(errors="replace").split())[:60])

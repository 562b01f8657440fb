"""The fan-out benchmark's own helpers (bench/fanout.py, bench/fanout_client.py): the server
command read from the Procfile, and the browser-like clients' permessage-deflate, checked
against the ``websockets`` library's implementation and a real ``websockets`` server."""

from __future__ import annotations

import asyncio
import re
import sys
import time
import zlib
from pathlib import Path

import pytest
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from fanout import web_command  # noqa: E402
from fanout_client import Client, Deflate, Tally, Wire, parse_deflate  # noqa: E402


def test_web_command_is_the_procfile_line_on_loopback() -> None:
    procfile = "release: festival migrate\nweb: festival serve --host 0.0.0.0\n"
    assert web_command(procfile) == ["festival", "serve", "--host", "127.0.0.1"]
    assert web_command(procfile, workers=2) == [
        *("festival", "serve", "--host", "127.0.0.1"),
        *("--workers", "2"),
    ]
    assert web_command("web: festival serve --host=0.0.0.0 --x 'a b'") == [
        *("festival", "serve", "--x", "a b", "--host", "127.0.0.1"),
    ]
    with pytest.raises(SystemExit, match="0 web: lines"):
        web_command("release: festival migrate\n")


def test_web_command_of_the_real_procfile_serves_festival() -> None:
    command = web_command((ROOT / "Procfile").read_text())
    assert command[:2] == ["festival", "serve"]
    assert command[-2:] == ["--host", "127.0.0.1"]
    assert command.count("--host") == 1


def test_parse_deflate() -> None:
    assert parse_deflate(None) is None
    assert parse_deflate("") is None
    assert parse_deflate("x-webkit-deflate-frame") is None
    assert parse_deflate("permessage-deflate") == {}
    assert parse_deflate(
        'foo; a=1, permessage-deflate; server_no_context_takeover; client_max_window_bits="12"'
    ) == {"server_no_context_takeover": "", "client_max_window_bits": "12"}


@pytest.mark.parametrize("params", [{}, {"client_max_window_bits": "12"},
                                    {"client_no_context_takeover": ""}])  # fmt: skip
def test_deflate_reads_and_writes_what_websockets_does(params: dict[str, str]) -> None:
    ours = Deflate(params)
    bits = int(params.get("client_max_window_bits", "15"))
    reset = "client_no_context_takeover" in params
    # The server's side of the same negotiation, from the websockets library.
    server = PerMessageDeflate(False, reset, 15, bits)
    messages = [b'{"type":"chat.message","data":{"text":"0:%d:1"}}' % n for n in range(5)]
    for message in messages:  # server to client: one context over the messages
        frame = server.encode(Frame(Opcode.TEXT, message))
        assert frame.rsv1
        assert ours.inflate(frame.data) == message
    for message in messages:  # client to server
        frame = Frame(Opcode.TEXT, ours.deflate(message), rsv1=True)
        assert server.decode(frame).data == message


def test_inflate_reads_messages_each_compressed_alone() -> None:
    """A server with no context takeover may end each message's deflate stream (a final
    block, RFC 7692 7.2.3.2); the next message starts a new stream."""
    ours = Deflate({"server_no_context_takeover": ""})
    for n in range(3):
        message = b"shared frame %d " % n * 20
        alone = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = alone.compress(message) + alone.flush(zlib.Z_FINISH)
        assert ours.inflate(data) == message


async def test_browser_like_client_against_a_stock_websockets_server() -> None:
    """A client offers deflate, sends an Origin, and counts a relayed message once."""
    seen: list[tuple[str | None, str | None]] = []
    members: set[ServerConnection] = set()

    async def handler(connection: ServerConnection) -> None:
        assert connection.request is not None
        headers: Headers = connection.request.headers
        seen.append((headers.get("Origin"), headers.get("Sec-WebSocket-Extensions")))
        members.add(connection)
        async for message in connection:
            broadcast(members, message)

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        loop = asyncio.get_running_loop()
        tally = Tally(expected=1)
        wire = Wire(origin=f"http://127.0.0.1:{port}", deflate=True)
        _, client = await loop.create_connection(
            lambda: Client("reference", "/ws/rooms/a", port, tally, True, wire=wire),
            "127.0.0.1",
            port,
        )
        await asyncio.wait_for(client.open, 5)
        client.send_text(f"0:0:{time.monotonic_ns()}".encode())
        deadline = time.monotonic() + 5
        while tally.deliveries < 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        client.abort()
    assert seen == [(f"http://127.0.0.1:{port}", "permessage-deflate; client_max_window_bits")]
    assert tally.deflated == 1
    assert (tally.deliveries, tally.duplicates, tally.out_of_order) == (1, 0, 0)


def test_every_bench_command_in_the_benchmarks_doc_uses_options_that_exist() -> None:
    """docs/benchmarks.md's commands for the fan-out scripts name only options they have."""
    doc = (ROOT / "docs" / "benchmarks.md").read_text()
    commands = re.findall(r"python (bench/(?:fanout|transport)\.py)([^\n`]*)", doc)
    assert any(script == "bench/transport.py" for script, _ in commands)
    for script, rest in commands:
        source = (ROOT / script).read_text()
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", rest):
            assert f'"{option}"' in source, f"{script} has no {option} ({rest.strip()})"

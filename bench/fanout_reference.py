"""The reference for bench/fanout.py: a plain ``websockets`` server that relays every message a
client sends to everyone in its room with ``websockets.broadcast()`` (no storage, no protocol).

    python bench/fanout_reference.py --port 8765     # rooms are the paths: /ws/rooms/<name>

As a stock ``websockets`` server it accepts permessage-deflate when a client offers it
(``--compression none`` refuses it).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import defaultdict

import uvloop
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

ROOMS: dict[str, set[ServerConnection]] = defaultdict(set)


async def handler(connection: ServerConnection) -> None:
    assert connection.request is not None
    members = ROOMS[connection.request.path]
    members.add(connection)
    try:
        async for message in connection:
            broadcast(members, message)
    except ConnectionClosed:
        pass  # the benchmark's clients leave by resetting their connections
    finally:
        members.discard(connection)


async def main(port: int, compression: str | None) -> None:
    async with serve(
        handler, "127.0.0.1", port, compression=compression, backlog=4096, max_size=2**20
    ):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    args = parser.parse_args()
    uvloop.run(main(args.port, None if args.compression == "none" else args.compression))

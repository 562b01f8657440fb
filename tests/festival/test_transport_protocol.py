"""festival/transport.py in a real uvicorn server, in this process: the handshake's parsed
request and response are let go once answered, and the connection works on."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send
from websockets.asyncio.client import connect

from festival.transport import RawWriter, RoomWebSocketProtocol


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Accepts a WebSocket, then answers each text with whether the raw writer is there."""
    if scope["type"] != "websocket":
        return
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = scope["extensions"].get("festival.transport")
        text = f"{message['text']} {isinstance(raw, RawWriter)}"
        await send({"type": "websocket.send", "text": text})


async def test_transport_lets_the_handshake_go_once_answered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    config = uvicorn.Config(
        echo, host="127.0.0.1", port=0, ws=RoomWebSocketProtocol, log_config=None, lifespan="off"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(20):
            while not server.started:
                await asyncio.sleep(0.01)
            port = server.servers[0].sockets[0].getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}/ws") as ws:
                await ws.send("hello")
                reply = await ws.recv()
                [protocol] = list(server.server_state.connections)
                kept: dict[str, Any] = vars(protocol)
                await ws.send("again")
                again = await ws.recv()
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 20)
    assert isinstance(protocol, RoomWebSocketProtocol)
    assert (reply, again) == ("hello True", "again True")
    assert "request" not in kept and "response" not in kept
    # uvicorn's line for the accepted connection, not the state machine's repeats of it.
    messages = [record.getMessage() for record in caplog.records]
    assert any("[accepted]" in message for message in messages)
    assert "connection open" not in messages and "connection closed" not in messages

"""Live rooms over the web: the room pages ``/rooms/{room}`` and the WebSocket ``/ws/rooms/{room}``.

Who is who: every browser gets one signed guest cookie (``festival_guest``, signed with
``settings.secret_key``) holding a random token; a guest's identity is ``g:<token>``. Someone
signed in is ``u:account-<id>`` in every browser (one person, one identity: one vote where only
signed-in people may vote), or ``u:<token>`` for the ``ADMIN_PASSWORD`` sign-in, which has no
account. Who may moderate the room (``festival.auth.can_moderate_room``: admins everywhere, a
session's hosts and organisers in its room) gets moderator rights, decided when the connection
opens. Display names are chosen in the page and checked by the room (realtime.identity).

Guests are counted against their network address (realtime/admission.py): a new guest
identity handed out by the handshake or the room page, and each connection.
"""

from __future__ import annotations

import functools
import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from festival import auth, cookies
from festival.addresses import address_key
from festival.errors import NotFoundError
from festival.i18n import gettext as _
from festival.settings import Settings
from festival.state import state
from festival.stores import accounts as accounts_store
from festival.stores import changes as changes_store
from festival.templating import render
from festival.viewer import resolve_viewer
from realtime import connection, protocol, wire
from realtime.admission import AddressLimitedError
from realtime.errors import RoomError
from realtime.identity import GUEST_PREFIX, USER_PREFIX, Identity, validate_display_name

GUEST_COOKIE = "festival_guest"
GUEST_MAX_AGE = 365 * 24 * 3600  # seconds
_SALT = "festival.guest"


@functools.lru_cache(maxsize=4)
def _serializer(secret_key: str) -> URLSafeSerializer:
    """The guest cookie's signer: built once per secret (each join reads or writes a cookie)."""
    return URLSafeSerializer(secret_key, salt=_SALT)


def read_guest_token(conn: HTTPConnection) -> str | None:
    """The browser's guest token, if its cookie carries a valid signature."""
    raw = conn.cookies.get(GUEST_COOKIE)
    if not raw:
        return None
    try:
        token = _serializer(state(conn).settings.secret_key).loads(raw)
    except BadSignature:
        return None
    return token if isinstance(token, str) and 8 <= len(token) <= 40 else None


def guest_cookie_value(settings: Settings, token: str) -> str:
    signed = _serializer(settings.secret_key).dumps(token)
    assert isinstance(signed, str)
    return signed


def new_guest_token() -> str:
    return secrets.token_urlsafe(12)


def set_cookie_header(settings: Settings, token: str) -> str:
    """A Set-Cookie header for the WebSocket handshake response (what ``http.cookies`` would
    write, without building a cookie jar on every join: the signed value is URL-safe base64
    and dots, which a cookie carries unquoted)."""
    value = guest_cookie_value(settings, token)
    secure = "; Secure" if cookies.secure(settings) else ""
    return (
        f"{GUEST_COOKIE}={value}; HttpOnly; Max-Age={GUEST_MAX_AGE}; Path=/; SameSite=Lax{secure}"
    )


async def may_moderate(conn: HTTPConnection, room: str) -> bool:
    """Whether the signed-in person (if any) moderates ``room`` (festival/auth/account.py)."""
    account = await auth.current_account(conn)
    if account is None:
        return False
    if account.is_admin:
        return True
    async with state(conn).sessions() as db:
        owner = await accounts_store.room_owner(db, room)
    return auth.can_moderate_room(account, owner)


async def identity_for(conn: HTTPConnection, token: str, room: str) -> Identity:
    """Signed-in people join as users (the room's moderators with moderator rights); everyone
    else is a guest. The name comes with ``join``."""
    account = await auth.current_account(conn)
    if account is None:
        return Identity(GUEST_PREFIX + token, "")
    key = token if account.id is None else f"account-{account.id}"
    moderator = await may_moderate(conn, room)
    return Identity(USER_PREFIX + key, "", moderator=moderator, signed_in=True)


def client_address(conn: HTTPConnection) -> str:
    """The opaque key of the client's network address (festival/addresses.py)."""
    host = conn.client.host if conn.client is not None else None
    return address_key(host, state(conn).settings.secret_key)


async def may_mint_guest(conn: HTTPConnection, address: str) -> None:
    """Count a new guest identity against the client's address; raises AddressLimitedError.

    Signed-in people are not counted (their identity is their account's).
    """
    if await auth.current_account(conn) is None:
        await state(conn).hub.admission.check("new_guests", address)


async def room_socket(websocket: WebSocket) -> None:
    settings = state(websocket).settings
    origin = websocket.headers.get("origin")
    if not connection.origin_allowed(origin, settings.site_url, websocket.headers.get("host")):
        await websocket.close(code=protocol.CLOSE_POLICY)  # before accept: HTTP 403
        return
    address = client_address(websocket)
    token = read_guest_token(websocket)
    headers: list[tuple[bytes, bytes]] = []
    if token is None:
        try:
            await may_mint_guest(websocket, address)
        except AddressLimitedError as exc:
            await websocket.accept()
            await connection.refuse(websocket, exc, protocol.CLOSE_TRY_AGAIN)
            return
        token = new_guest_token()
        headers.append((b"set-cookie", set_cookie_header(settings, token).encode("latin-1")))
    await websocket.accept(headers=headers)
    room = websocket.path_params["room"]
    identity = await identity_for(websocket, token, room)
    # The server's transport, when it exposes one (festival/transport.py): frames built once
    # per view are written to it directly (realtime/wire.py).
    raw = websocket.scope.get("extensions", {}).get(wire.EXTENSION)
    hub = state(websocket).hub
    await connection.serve(websocket, hub, room, identity, address=address, raw=raw)


async def _account_name(request: Request) -> str:
    account = await auth.current_account(request)
    if account is None or account.id is None:
        return ""
    try:
        return validate_display_name(account.name)
    except RoomError:
        return ""


async def room_page(request: Request) -> Response:
    """The room: chat, Q&A, polls, quiz, reactions, presence, countdown (static/js/room.js)."""
    viewer = resolve_viewer(request, strict=False)
    name = request.path_params["room"]
    try:
        info = await state(request).hub.catalog.describe(name)
    except RoomError:
        raise NotFoundError(
            _("There is no room called %(name)s.", name=repr(name)), "room.unknown"
        ) from None
    settings = state(request).settings
    token = read_guest_token(request)
    session_uid = info.name.removeprefix("session-") if info.kind == "session" else None
    notice = None
    if session_uid is not None:
        async with state(request).sessions() as db:
            notice = await changes_store.notice_of(db, session_uid)
    context = {
        "room": info,
        "notice": notice,
        "moderator": await may_moderate(request, info.name),
        "socket_path": f"/ws/rooms/{info.name}",
        "session_uid": session_uid,
        # Signed in: the name field starts with the account's name (a name chosen in this
        # browser before still wins: static/js/room.js).
        "default_name": await _account_name(request),
    }
    response = render(request, "room/room.html", context, viewer=viewer)
    if token is None:
        try:
            await may_mint_guest(request, client_address(request))
        except AddressLimitedError:
            return response  # no cookie: the room's socket says why when it connects
        value = guest_cookie_value(settings, new_guest_token())
        cookies.set_cookie(response, settings, GUEST_COOKIE, value, GUEST_MAX_AGE)
    return response


routes: list[BaseRoute] = [
    Route("/rooms/{room}", room_page, name="room"),
    WebSocketRoute("/ws/rooms/{room}", room_socket, name="room_socket"),
]

"""Client network addresses: who is connecting behind trusted proxies, and the key limits use.

The client address is decided here and nowhere else. A connection's peer is the client,
unless the peer is one of ``TRUSTED_PROXIES`` (addresses or CIDR networks, or ``unix`` for a
peer on a Unix socket): then ``X-Forwarded-For`` is read from the right, each trusted proxy
skipped, and the first address that is not a trusted proxy is the client (the left part of the
header is whatever the client chose to send; only what our proxies appended can be believed).
Without trusted proxies the header is ignored, whoever sends it. :class:`ClientAddressMiddleware`
puts the decision in the ASGI scope's ``client`` for every route.

Limits and bans never see the address itself: :func:`address_key` turns it into an opaque key
(a keyed hash), grouping IPv6 addresses by their /64 network, which is what one household or
one device usually gets (RFC 6177), so that a client cannot dodge a limit by walking its
prefix. The key is what Redis and the room logs hold.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("festival.addresses")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: How a peer on a Unix socket (no address) is named in ``TRUSTED_PROXIES``.
UNIX_PEER = "unix"
#: IPv6 clients are counted per network of this size.
IPV6_PREFIX = 64


class TrustedProxiesError(ValueError):
    """A ``TRUSTED_PROXIES`` entry that is neither an address, a network nor ``unix``."""


def _parse_address(text: str) -> IPAddress | None:
    """An address from a header or a socket (``[v6]:port`` and ``v4:port`` forms too)."""
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1 : text.find("]")] if "]" in text else text
    elif text.count(":") == 1:  # 198.51.100.7:51234
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True, slots=True)
class TrustedProxies:
    """The peers whose ``X-Forwarded-For`` is believed (none by default)."""

    networks: tuple[IPNetwork, ...] = ()
    unix: bool = False

    @classmethod
    def parse(cls, entries: Iterable[str]) -> TrustedProxies:
        """From ``TRUSTED_PROXIES`` entries: ``10.0.0.5``, ``10.0.0.0/8``, ``fd00::/8``, unix."""
        networks: list[IPNetwork] = []
        unix = False
        for raw in entries:
            entry = raw.strip()
            if not entry:
                continue
            if entry.lower() == UNIX_PEER:
                unix = True
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise TrustedProxiesError(
                    f"TRUSTED_PROXIES entry {entry!r}: give an IP address, a network such as "
                    f"10.0.0.0/8, or {UNIX_PEER!r}"
                ) from None
        return cls(tuple(networks), unix)

    def trusts(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)

    def trusts_peer(self, peer: str | None) -> bool:
        if peer is None:
            return self.unix
        address = _parse_address(peer)
        return address is not None and self.trusts(address)


def client_host(peer: str | None, forwarded_for: list[str], trusted: TrustedProxies) -> str | None:
    """The client's address as text: the peer, or what trusted proxies say it was.

    ``forwarded_for`` holds the ``X-Forwarded-For`` header values in the order received (a
    request may carry several). An entry that is not an address ends the walk: what lies left
    of it cannot be read, so the last proxy that wrote something readable is the client (a
    stricter answer, never a looser one).
    """
    if not forwarded_for or not trusted.trusts_peer(peer):
        return peer
    hops = [hop for value in forwarded_for for hop in value.split(",")]
    client = peer
    for hop in reversed(hops):
        address = _parse_address(hop)
        if address is None:
            break
        client = str(address)
        if not trusted.trusts(address):
            break
    return client


def address_key(host: str | None, secret: str) -> str:
    """The opaque key of a client address for limits and bans (the same on every worker)."""
    address = _parse_address(host) if host is not None else None
    if address is None:
        group = host or UNIX_PEER  # not an IP: a test client, a Unix socket
    elif isinstance(address, ipaddress.IPv6Address):
        group = str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    else:
        group = str(address)
    digest = hmac.new(secret.encode(), b"address:" + group.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


class ClientAddressMiddleware:
    """Sets ``scope["client"]`` to the client's address for HTTP and WebSocket requests.

    Replaces uvicorn's own proxy-header handling (run uvicorn with ``--no-proxy-headers``; the
    Procfile and ``festival serve`` do), so that ``TRUSTED_PROXIES`` is the one setting.
    """

    def __init__(self, app: ASGIApp, trusted: TrustedProxies) -> None:
        self.app = app
        self.trusted = trusted
        self._warned = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            forwarded = [
                value.decode("latin-1")
                for name, value in scope["headers"]
                if name == b"x-forwarded-for"
            ]
            if forwarded:
                peer_pair = scope.get("client")
                peer = peer_pair[0] if peer_pair else None
                host = client_host(peer, forwarded, self.trusted)
                if host != peer and host is not None:
                    scope["client"] = (host, 0)
                elif not self._warned and not self.trusted.trusts_peer(peer):
                    self._warned = True
                    log.warning(
                        "X-Forwarded-For from %s ignored: that peer is not in TRUSTED_PROXIES. "
                        "If it is your load balancer, add it; until then every client behind "
                        "it counts as one network address.",
                        peer or UNIX_PEER,
                    )
        await self.app(scope, receive, send)

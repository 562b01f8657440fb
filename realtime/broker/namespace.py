"""Which deployment a Redis key or channel belongs to: every deployment has a prefix of its own.

Redis pub/sub ignores the database number: a message published on a connection to database 1
reaches the subscribers of that channel on every database. So a database of its own keeps two
deployments' keys apart but not their rooms' messages; the prefix put before every channel and
key (``RedisBroker(prefix=...)``) does both. It is chosen once, in ``make_broker``:

| ``REDIS_URL`` database | ``REDIS_NAMESPACE`` | prefix |
|---|---|---|
| 0 | unset | ``festival:`` (as before namespaces existed: old and new workers meet) |
| N > 0 | unset | ``festival:db<N>:`` |
| 0 | ``blue`` | ``festival:blue:`` |
| N > 0 | ``blue`` | ``festival:blue:db<N>:`` |

Deployments on different databases are apart without any setting; two deployments sharing one
database must set different namespaces. A namespace has no ``:`` or braces (the key layout and
the Redis Cluster hash tags stay unambiguous) and is not ``db<N>`` (another database's default),
so two different (database, namespace) pairs never give one prefix.
"""

from __future__ import annotations

import re

from redis.asyncio.connection import parse_url

#: Before every Redis key and channel of the application.
APP_PREFIX = "festival:"
_NAMESPACE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_RESERVED = re.compile(r"db[0-9]+", re.IGNORECASE)
NAMESPACE_RULE = (
    "1-64 letters, digits, '_', '.' or '-', starting with a letter or digit, and not db<number>"
)


def is_namespace(value: str) -> bool:
    """True when ``value`` may name a deployment (see NAMESPACE_RULE)."""
    return _NAMESPACE.fullmatch(value) is not None and _RESERVED.fullmatch(value) is None


def redis_prefix(redis_url: str, namespace: str | None = None) -> str:
    """The prefix of every key and channel of the deployment using ``redis_url``."""
    if namespace is not None and not is_namespace(namespace):
        raise ValueError(f"REDIS_NAMESPACE={namespace!r}: use {NAMESPACE_RULE}")
    database = int(parse_url(redis_url).get("db") or 0)
    return (
        APP_PREFIX
        + (f"{namespace}:" if namespace is not None else "")
        + (f"db{database}:" if database else "")
    )

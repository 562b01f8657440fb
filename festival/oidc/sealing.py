"""Sealing a secret for the database: AES-256-GCM under a key derived from ``SECRET_KEY``.

Used for the token of a signed-in account's agenda (festival/models/identities.py): the
database alone does not reveal the feed address; with ``SECRET_KEY`` the site can hand the
agenda to the account's next device. A changed ``SECRET_KEY`` opens nothing sealed before
(the agenda then gets a new address at the next sign-in).
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12


def _key(secret_key: str, purpose: str) -> bytes:
    return hashlib.sha256(f"festival:{purpose}:{secret_key}".encode()).digest()


def seal(secret_key: str, purpose: str, value: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(secret_key, purpose)).encrypt(nonce, value.encode(), purpose.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(secret_key: str, purpose: str, sealed: str) -> str | None:
    """The value, or None when it was sealed with another key or purpose, or altered."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        opened = AESGCM(_key(secret_key, purpose)).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], purpose.encode()
        )
        return opened.decode()
    except (InvalidTag, ValueError):
        return None

"""``ADMIN_PASSWORD``: the first sign-in of a new site, retired once an admin account exists.

The path from the shared password to accounts:

1. A new site sets ``ADMIN_PASSWORD``; signing in at ``/admin/login`` with it gives an admin
   session (a server-side sign-in session with no account: ``Account.id is None``).
2. An admin account is created: ``festival createadmin --email ...`` on the command line, or
   the form the admin pages show to a ``ADMIN_PASSWORD`` admin.
3. From then on ``ADMIN_PASSWORD`` opens nothing: ``/admin/login`` sends people to ``/signin``,
   and every sign-in made with it stops counting at once. The variable can then be removed.

Changing ``ADMIN_PASSWORD`` also ends every sign-in made with the old one: the session keeps a
fingerprint of the password it was made with.
"""

from __future__ import annotations

import hashlib
import hmac

from festival.settings import Settings


def fingerprint(settings: Settings) -> str | None:
    """A keyed digest of ``ADMIN_PASSWORD`` (None when unset), kept in the admin's session."""
    if not settings.admin_password:
        return None
    mac = hmac.new(
        settings.secret_key.encode(), b"admin:" + settings.admin_password.encode(), "sha256"
    )
    return mac.hexdigest()[:32]


def fingerprint_matches(settings: Settings, given: object) -> bool:
    expected = fingerprint(settings)
    return (
        expected is not None
        and isinstance(given, str)
        and hmac.compare_digest(given.encode(), expected.encode())
    )


def password_matches(settings: Settings, given: str) -> bool:
    """Whether ``given`` is ``ADMIN_PASSWORD`` (False when none is set)."""
    if not settings.admin_password:
        return False
    # Compare digests so the comparison time does not depend on the lengths either.
    a = hashlib.sha256(given.encode()).digest()
    b = hashlib.sha256(settings.admin_password.encode()).digest()
    return hmac.compare_digest(a, b)

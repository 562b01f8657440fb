"""Who is speaking: identities of participants and the rules for display names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from realtime.errors import InvalidError
from realtime.fields import is_hidden_format

MAX_NAME_CHARS = 40
GUEST_PREFIX = "g:"
USER_PREFIX = "u:"
_SPACES = re.compile(r"\s+")
#: Beyond invisible format characters (refused in any text): controls, surrogates, private-use
#: and unassigned code points, line and paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}


@dataclass(frozen=True, slots=True)
class Identity:
    """A participant as the room sees them: a stable id, a display name, a role."""

    id: str
    name: str
    moderator: bool = False
    #: Signed in (an account, or the ADMIN_PASSWORD sign-in), not a free guest identity: limits
    #: per network address and address bans do not apply, and it may vote where the host
    #: lets only signed-in people vote.
    signed_in: bool = False

    @property
    def is_guest(self) -> bool:
        return self.id.startswith(GUEST_PREFIX)

    def public(self) -> dict[str, str]:
        """What other participants see of this identity."""
        return {"id": self.id, "name": self.name}


def validate_display_name(raw: object) -> str:
    """The cleaned display name, or :class:`InvalidError` ``name.invalid``.

    NFC-normalised, trimmed, inner whitespace collapsed to one space; 1 to 40 characters;
    no control, format (bidi overrides, zero-width spaces), private-use or unassigned characters.
    """
    if not isinstance(raw, str):
        raise InvalidError("The display name is text.", "name.invalid")
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    if not name:
        raise InvalidError("Choose a display name.", "name.invalid")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidError(
            f"Display names are at most {MAX_NAME_CHARS} characters.", "name.invalid"
        )
    for char in name:
        if is_hidden_format(char) or unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise InvalidError(
                "Display names cannot contain control or invisible formatting characters.",
                "name.invalid",
            )
    return name


def guest_id(token: str) -> str:
    """The identity id of a guest whose signed cookie holds ``token``."""
    return GUEST_PREFIX + token


def default_name(identity_id: str) -> str:
    """A readable placeholder for someone who has not chosen a name yet."""
    return f"Guest {identity_id[-4:]}"

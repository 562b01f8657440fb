"""Who may do what, everywhere: every route of the route table × every method it takes × every
kind of person, with the exact answer each gets; CSRF refusals for every form; and every live
room command × who sends it.

The tables below are the expectations. ``test_matrix_covers_every_route`` enumerates
``festival.routes.table``: a route (or a method of it) without a row fails, and so does a row
for a route that no longer exists. A refused request must leave every table as it was.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import itsdangerous
import pytest
from sqlalchemy import select
from sqlmodel import SQLModel
from starlette.routing import BaseRoute, Match, Mount, Route, WebSocketRoute
from starlette.testclient import TestClient

import festival.models  # noqa: F401 - every table in SQLModel.metadata, for Tables
from festival import auth, routes
from festival import db as dbmod
from festival.app import create_app
from festival.oidc.config import OidcProvider
from festival.settings import Settings
from festival.stores import accounts as accounts_store
from realtime.rooms import room as room_rules
from scheduling.clock import FixedClock
from tests.conftest import make_settings
from tests.festival.organisers_seed import EDITION, ORG_A, Texts, World, seed_world
from tests.festival.test_ws import Conn
from tests.festival.toolkits_seed import seed_toolkits

ADMIN_PASSWORD = "the shared first-sign-in password"
#: A sign-in provider that does not answer (port 9 of loopback, "discard": nothing listens).
DEAD_PROVIDER = OidcProvider(
    name="matrix-id",
    issuer="http://127.0.0.1:9",
    client_id="matrix",
    client_secret="matrix-secret",
    label="Matrix ID",
)

# -- who ----------------------------------------------------------------------------------------

ANON, GUEST, ORG_A_ROLE, ORG_B_ROLE, HOST, ADMIN, ATTENDEE = (
    "anonymous",
    "guest",
    "organiser A",
    "organiser B",
    "host",
    "admin",
    "attendee",  # signed in (as a provider's first sign-in makes them): no organisation, no admin
)
#: The columns of the HTTP table, in this order (the attendee's is a keyword of ``row``).
ROLES = (ANON, GUEST, ORG_A_ROLE, ORG_B_ROLE, HOST, ADMIN, ATTENDEE)
SIGNED_IN = (ORG_A_ROLE, ORG_B_ROLE, HOST, ADMIN, ATTENDEE)


# -- what they get ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """An exact answer: the status, the error code of a refusal, where a redirect goes
    (a template over the row's names; ``*`` at the end: any address starting so)."""

    status: int
    code: str | None = None
    location: str | None = None

    @property
    def refused(self) -> bool:
        return self.status >= 400

    def __str__(self) -> str:
        return " ".join(str(p) for p in (self.status, self.code, self.location) if p is not None)


def see(location: str) -> Expect:
    """303 See Other to ``location``."""
    return Expect(303, location=location)


OK = Expect(200)
#: Signed in, but without the role.
FORBIDDEN = Expect(403, "auth.forbidden")
#: A write (or an API call) by nobody signed in.
SIGN_IN_FIRST = Expect(403, "auth.signin_required")
#: A page for signed-in people, asked for by nobody signed in.
TO_SIGNIN = see("/signin?next={url}")
TO_ADMIN_LOGIN = see("/admin/login?next={url}")
GONE = Expect(404, "not_found")
NO_SESSION = Expect(404, "session.not_found")
NO_ROOM = Expect(404, "room.unknown")
NO_PROPOSAL = Expect(404, "proposal.not_found")
NO_TOOLKIT = Expect(404, "toolkit.not_found")
NO_RESOURCE = Expect(404, "resource.not_found")
#: /calendar: the default edition's calendar page.
TO_CALENDAR = Expect(307, location="/editions/{edition}/calendar")


# -- the rows -----------------------------------------------------------------------------------

Form = Callable[["Matrix"], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    """One address and method: who gets what (in :data:`ROLES` order)."""

    method: str
    url: str  # the address asked, a template over the world's names (``{a_live}``)
    outcomes: tuple[Expect, ...]
    form: Form | None = None  # the fields of a write (its CSRF token is added)
    signs_out: bool = False  # the request ends the sign-in (then it is made again)
    # A refused password check is still counted (signin_attempt): that is its limit's point.
    counts_attempt: bool = False

    def expect(self, role: str) -> Expect:
        return self.outcomes[ROLES.index(role)]


def row(
    method: str,
    url: str,
    *outcomes: Expect,
    form: Form | None = None,
    signs_out: bool = False,
    counts_attempt: bool = False,
    attendee: Expect | None = None,
) -> Row:
    """A row; one outcome means the same for everyone. The signed-in attendee (no role) gets
    ``attendee``, by default what organiser B (signed in, no role in organisation A) gets."""
    if len(outcomes) == 1:
        outcomes = outcomes * (len(ROLES) - 1)
    assert len(outcomes) == len(ROLES) - 1, f"{method} {url}: one outcome per role"
    outcomes = (*outcomes, attendee or outcomes[ROLES.index(ORG_B_ROLE)])
    return Row(method, url, tuple(outcomes), form, signs_out, counts_attempt)


def ics_upload(m: Matrix) -> dict[str, Any]:
    return {
        "data": {"edition": EDITION, "organisation": ORG_A, "language": "en"},
        "files": {"file": ("programme.ics", ICS, "text/calendar")},
    }


def agenda_uid(m: Matrix) -> dict[str, Any]:
    return {"data": {"uid": m.names["a_live"]}}


def nothing(m: Matrix) -> dict[str, Any]:
    return {"data": {}}


def admin_password(m: Matrix) -> dict[str, Any]:
    return {"data": {"password": ADMIN_PASSWORD, "next": "/admin"}}


def new_edition(m: Matrix) -> dict[str, Any]:
    return {
        "data": {
            **EDITION_FORM,
            "slug": "matrix-2028",
            "first_day": "2028-01-24",
            "last_day": "2028-01-24",
        }
    }


def same_edition(m: Matrix) -> dict[str, Any]:
    return {"data": EDITION_FORM}


def new_organisation(m: Matrix) -> dict[str, Any]:
    return {"data": {**ORGANISATION_B_FORM, "name": "Matrix org"}}


def same_organisation(m: Matrix) -> dict[str, Any]:
    return {"data": ORGANISATION_B_FORM}


def not_admin(m: Matrix) -> dict[str, Any]:
    return {"data": {"admin": "0"}}


def a_moderator(m: Matrix) -> dict[str, Any]:
    return {"data": {"email": "other-host@example.org", "role": "moderator"}}


def publish(m: Matrix) -> dict[str, Any]:
    return {"data": {"publish": "1"}}


def decline_message(m: Matrix) -> dict[str, Any]:
    return {"data": {"message": "Not this year."}}


def robot(m: Matrix) -> dict[str, Any]:
    return {"data": {"website": "http://spam.example", "title": "Buy now"}}


def nothing_moved(m: Matrix) -> dict[str, Any]:
    from festival.routes.admin_tzcheck import digest
    from festival.tzcheck import TzCheckReport

    return {"data": {"expected": digest(TzCheckReport())}}


def new_session(m: Matrix) -> dict[str, Any]:
    """A whole session of A, without ``confirm``: the editor's preview, nothing saved."""
    return {"data": {"organisation": ORG_A, **SESSION_FORM}}


def the_draft(m: Matrix) -> dict[str, Any]:
    return {"data": {**SESSION_FORM, "title": "A draft", "start": "18:00"}}


def submit(m: Matrix) -> dict[str, Any]:
    return {"data": {"step": "submit"}}


TOOLKIT_FORM = {
    "title": "Matrix kit",
    "summary": "",
    "languages": "en",
    "age_groups": "teenagers",
    "licence": "cc-by-4.0",
}


def new_toolkit(m: Matrix) -> dict[str, Any]:
    return {"data": {**TOOLKIT_FORM, "organisation": ORG_A}}


def same_toolkit(m: Matrix) -> dict[str, Any]:
    """The published toolkit's fields as they are (tests/festival/toolkits_seed.py)."""
    return {
        "data": {
            "title": m.texts.toolkit_title,
            "summary": m.texts.toolkit_summary,
            "languages": "en, sw",
            "age_groups": "teenagers",
            "sdgs": ["4", "13"],
            "topics": m.texts.toolkit_topic,
            "licence": "cc-by-4.0",
        }
    }


def still_draft(m: Matrix) -> dict[str, Any]:
    return {"data": {"status": "draft"}}


def a_link(m: Matrix) -> dict[str, Any]:
    return {"data": {"url": "https://example.org/more", "link_title": "More"}}


def a_text_file(m: Matrix) -> dict[str, Any]:
    return {
        "data": {"file_title": "Notes"},
        "files": {"file": ("notes.txt", b"Plain notes for the session.\n", "text/plain")},
    }


def the_draft_toolkit(m: Matrix) -> dict[str, Any]:
    return {"data": {"toolkit": m.names["toolkit_draft"]}}


def not_featured(m: Matrix) -> dict[str, Any]:
    return {"data": {"featured": "0"}}


SESSION_FORM = {
    "title": "Matrix session",
    "kind": "workshop",
    "audience": "everyone",
    "languages": "en",
    "edition": EDITION,
    "date": "2027-01-24",
    "start": "10:00",
    "duration": "60",
    "zone": "Africa/Nairobi",
}
TIME_QUERY = (
    "date=2027-01-24&start=09:00&duration=60&zone=Africa/Nairobi&edition={edition}"
    "&organisation={org_a}"
)

#: The admin forms' fields as they are (saving them changes nothing another row reads).
EDITION_FORM = {
    "name": "Test Fest 2027",
    "kind": "flagship",
    "first_day": "2027-01-24",
    "last_day": "2027-01-24",
}
ORGANISATION_B_FORM = {
    "name": "Organisation B",
    "kind": "other",
    "country": "FR",
    "tz_name": "Europe/Paris",
}

_unique = itertools.count()


def wrong_signin(m: Matrix) -> dict[str, Any]:
    """A wrong password, for an address of its own each time (no per-account limit reached)."""
    return {"data": {"email": f"guess{next(_unique)}@example.org", "password": "x" * 12}}


def reset_ask(m: Matrix) -> dict[str, Any]:
    return {"data": {"email": f"forgot{next(_unique)}@example.org"}}


def new_password(m: Matrix) -> dict[str, Any]:
    password = "a brand new passphrase"
    return {"data": {"password": password, "password_again": password, "name": "New"}}


def wrong_current_password(m: Matrix) -> dict[str, Any]:
    return {"data": {"current_password": "not the password", **new_password(m)["data"]}}


def not_confirmed(m: Matrix) -> dict[str, Any]:
    return {"data": {"confirm": "no"}}


def invitation(m: Matrix) -> dict[str, Any]:
    return {"data": {"email": f"invitee{next(_unique)}@example.org", "organisation": ORG_A}}


ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:imported-1\r\n"
    b"SUMMARY:Imported talk\r\nDTSTART;TZID=Africa/Nairobi:20270124T090000\r\n"
    b"DURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)

# Short names for the table's cells.
A, F, S, LOGIN = OK, FORBIDDEN, SIGN_IN_FIRST, TO_ADMIN_LOGIN

# fmt: off
ROWS: tuple[Row, ...] = (
    #   method  address                                anonymous guest organiser A, B  host admin
    # -- health, metrics: public ---------------------------------------------------------------
    row("GET",  "/healthz",                            OK),
    row("GET",  "/readyz",                             OK),
    row("GET",  "/metrics",                            OK),
    # -- the API: published things only, for everyone ------------------------------------------
    row("GET",  "/api/editions",                       OK),
    row("GET",  "/api/editions/{edition}",             OK),
    row("GET",  "/api/editions/{edition}/window",      OK),
    row("GET",  "/api/editions/{edition}/sessions",    OK),
    row("GET",  "/api/editions/{edition}/live",        OK),
    row("GET",  "/api/editions/{edition}/coverage",    OK),
    row("GET",  "/api/editions/{edition}/conflicts",   OK),
    row("GET",  "/api/sessions/{a_live}",              OK),
    row("GET",  "/api/sessions/{a_draft}",             NO_SESSION),
    row("GET",  "/api/organisations",                  OK),
    row("GET",  "/api/organisations/{org_a}",          OK),
    # -- feeds and exports: published things only ----------------------------------------------
    row("GET",  "/calendar",                           TO_CALENDAR),
    row("GET",  "/editions/{edition}/calendar",        OK),
    row("GET",  "/editions/{edition}/calendar.ics",    OK),
    row("GET",  "/editions/{edition}/schedule.xml",    OK),
    row("GET",  "/editions/{edition}/schedule.json",   OK),
    row("GET",  "/organisations/{org_a}/calendar.ics", OK),
    row("GET",  "/sessions/{a_live}/calendar.ics",     OK),
    row("GET",  "/sessions/{a_draft}/calendar.ics",    NO_SESSION),
    # The agenda's address is its secret: whoever has it reads it, a wrong one is the plain 404.
    row("GET",  "/agenda/{agenda}.ics",                OK),
    row("GET",  "/agenda/{agenda_wrong}.ics",          GONE),
    # -- the personal agenda: no account needed ------------------------------------------------
    row("GET",  "/agenda",                             OK),
    row("POST", "/agenda/save",                        see("/agenda?saved={a_live}#s-{a_live}"),
        form=agenda_uid),
    row("POST", "/agenda/remove",                      see("/agenda"), form=agenda_uid),
    row("POST", "/agenda/rotate",                      see("/agenda*"), form=nothing),
    # -- admin: the .ics import ----------------------------------------------------------------
    row("GET",  "/admin",                              LOGIN, LOGIN, F, F, F, A),
    row("GET",  "/admin/import",                       LOGIN, LOGIN, F, F, F, A),
    row("POST", "/admin/import",                       S, S, F, F, F, see("/admin/import/*"),
        form=ics_upload),
    row("GET",  "/admin/import/{import_token}",        LOGIN, LOGIN, F, F, F, A),
    row("POST", "/admin/import/{import_token}/confirm",
        S, S, F, F, F, see("/admin/import/{import_token}"), form=nothing),
    # -- admin: editions, organisations, people and roles, sessions, the tz check -------------
    row("GET",  "/admin/editions",                     LOGIN, LOGIN, F, F, F, A),
    row("POST", "/admin/editions",                     S, S, F, F, F,
        see("/admin/editions?saved=matrix-2028"), form=new_edition),
    row("GET",  "/admin/editions/new",                 LOGIN, LOGIN, F, F, F, A),
    row("GET",  "/admin/editions/{edition}",           LOGIN, LOGIN, F, F, F, A),
    row("POST", "/admin/editions/{edition}",           S, S, F, F, F,
        see("/admin/editions?saved={edition}"), form=same_edition),
    row("GET",  "/admin/organisations",                LOGIN, LOGIN, F, F, F, A),
    row("POST", "/admin/organisations",                S, S, F, F, F,
        see("/admin/organisations?saved=matrix-org"), form=new_organisation),
    row("GET",  "/admin/organisations/new",            LOGIN, LOGIN, F, F, F, A),
    row("GET",  "/admin/organisations/{org_b}",        LOGIN, LOGIN, F, F, F, A),
    row("POST", "/admin/organisations/{org_b}",        S, S, F, F, F,
        see("/admin/organisations?saved={org_b}"), form=same_organisation),
    row("GET",  "/admin/people",                       LOGIN, LOGIN, F, F, F, A),
    row("POST", "/admin/people/{org_b_account}/admin", S, S, F, F, F,
        see("/admin/people?done=not-admin&who={org_b_account}"), form=not_admin),
    # Organiser B is no organiser of A: the removal changes nothing another row reads.
    row("POST", "/admin/people/{org_b_account}/organisations/{org_a_id}/remove", S, S, F, F, F,
        see("/admin/people?done=removed&who={org_b_account}"), form=nothing),
    row("GET",  "/admin/sessions",                     LOGIN, LOGIN, F, F, F, A),
    row("GET",  "/admin/sessions.csv",                 LOGIN, LOGIN, F, F, F, A),
    row("GET",  "/admin/sessions/{a_draft}",           LOGIN, LOGIN, F, F, F, A),
    row("POST", "/admin/sessions/{a_draft}/hosts",     S, S, F, F, F,
        see("/admin/sessions/{a_draft}?done=host-added#hosts"), form=a_moderator),
    row("POST", "/admin/sessions/{a_draft}/hosts/{org_b_account}/remove", S, S, F, F, F,
        see("/admin/sessions/{a_draft}?done=host-removed#hosts"), form=nothing),
    row("GET",  "/admin/tz-check",                     LOGIN, LOGIN, F, F, F, A),
    row("POST", "/admin/tz-check",                     S, S, F, F, F,
        see("/admin/tz-check?applied=0"), form=nothing_moved),
    # -- organisers: the session editor (a check shows a preview and saves nothing) ------------
    row("GET",  "/organiser",                          TO_SIGNIN, TO_SIGNIN, A, A, A, A),
    row("GET",  "/organiser/zones.json?q=Nairobi",     OK),
    row("GET",  "/organiser/time.json?" + TIME_QUERY,  OK),
    row("GET",  "/organiser/sessions/new?organisation={org_a}",
        *[see("/signin?next=/organiser/sessions/new%3Forganisation%3D{org_a}")] * 2, A, F, F, A),
    row("POST", "/organiser/sessions/new",             S, S, A, F, F, A, form=new_session),
    row("GET",  "/organiser/sessions/{a_draft}",       TO_SIGNIN, TO_SIGNIN, A, F, F, A),
    row("GET",  "/organiser/sessions/{a_draft}/edit",  TO_SIGNIN, TO_SIGNIN, A, F, F, A),
    row("POST", "/organiser/sessions/{a_draft}/edit",  S, S, A, F, F, A, form=the_draft),
    # The organiser submits the draft for review; an admin publishes rather than submits.
    row("POST", "/organiser/sessions/{a_draft}/step",  S, S,
        see("/organiser/sessions/{a_draft}?done=submit"), F, F,
        Expect(400, "session.step_not_allowed"), form=submit),
    # -- organisers: toolkits, and the materials of their sessions -----------------------------
    row("GET",  "/organiser/toolkits",                 TO_SIGNIN, TO_SIGNIN, A, A, A, A),
    row("GET",  "/organiser/toolkits/new?organisation={org_a}",
        *[see("/signin?next=/organiser/toolkits/new%3Forganisation%3D{org_a}")] * 2, A, F, F, A),
    row("POST", "/organiser/toolkits/new",             S, S, see("/organiser/toolkits/matrix-kit*"),
        F, F, see("/organiser/toolkits/matrix-kit*"), form=new_toolkit),
    row("GET",  "/organiser/toolkits/{toolkit_draft}", TO_SIGNIN, TO_SIGNIN, A, F, F, A),
    row("POST", "/organiser/toolkits/{toolkit}",       S, S,
        see("/organiser/toolkits/{toolkit}?done=saved"), F, F,
        see("/organiser/toolkits/{toolkit}?done=saved"), form=same_toolkit),
    row("POST", "/organiser/toolkits/{toolkit_draft}/status", S, S,
        see("/organiser/toolkits/{toolkit_draft}?done=draft"), F, F,
        see("/organiser/toolkits/{toolkit_draft}?done=draft"), form=still_draft),
    row("POST", "/organiser/toolkits/{toolkit_draft}/links", S, S,
        see("/organiser/toolkits/{toolkit_draft}?done=link#resources"), F, F,
        see("/organiser/toolkits/{toolkit_draft}?done=link#resources"), form=a_link),
    row("POST", "/organiser/toolkits/{toolkit_draft}/files", S, S,
        see("/organiser/toolkits/{toolkit_draft}?done=file#resources"), F, F,
        see("/organiser/toolkits/{toolkit_draft}?done=file#resources"), form=a_text_file),
    row("POST", "/organiser/toolkits/{toolkit_draft}/resources/{no_proposal}/remove",
        S, S, NO_RESOURCE, F, F, NO_RESOURCE, form=nothing),
    row("POST", "/organiser/sessions/{a_live}/toolkits", S, S,
        see("/organiser/sessions/{a_live}?done=materials#materials"), F, F,
        see("/organiser/sessions/{a_live}?done=materials#materials"), form=the_draft_toolkit),
    row("POST", "/organiser/sessions/{a_draft}/toolkits/{toolkit}/remove", S, S,
        see("/organiser/sessions/{a_draft}?done=materials#materials"), F, F,
        see("/organiser/sessions/{a_draft}?done=materials#materials"), form=nothing),
    row("POST", "/admin/toolkits/{toolkit}/feature",   S, S, F, F, F,
        see("/organiser/toolkits?done=unfeatured"), form=not_featured),
    row("GET",  "/admin/audit",                        LOGIN, LOGIN, F, F, F, A),
    row("GET",  "/admin/review",                       LOGIN, LOGIN, F, F, F, A),
    # No such proposal (the call for sessions has its own tests): a 404 to the admin only.
    row("GET",  "/admin/proposals/{no_proposal}",      LOGIN, LOGIN, F, F, F, NO_PROPOSAL),
    row("POST", "/admin/proposals/{no_proposal}/accept", S, S, F, F, F, NO_PROPOSAL,
        form=publish),
    row("POST", "/admin/proposals/{no_proposal}/decline", S, S, F, F, F, NO_PROPOSAL,
        form=decline_message),
    # -- the call for sessions: public (a robot's form, so that nothing is stored) -------------
    row("GET",  "/propose",                            OK),
    row("POST", "/propose",                            see("/propose/thanks"), form=robot),
    row("GET",  "/propose/thanks",                     OK),
    row("GET",  "/propose/celebration",                OK),
    row("POST", "/propose/celebration",                see("/propose/thanks"), form=robot),
    row("GET",  "/admin/celebration-proposals/{no_proposal}", LOGIN, LOGIN, F, F, F, NO_PROPOSAL),
    row("POST", "/admin/celebration-proposals/{no_proposal}/accept", S, S, F, F, F, NO_PROPOSAL,
        form=nothing),
    row("POST", "/admin/celebration-proposals/{no_proposal}/decline", S, S, F, F, F,
        NO_PROPOSAL, form=decline_message),
    # -- signing in: ADMIN_PASSWORD is retired once an admin account exists --------------------
    row("GET",  "/admin/login",                        see("/signin?next=/admin")),
    row("POST", "/admin/login",                        Expect(403), form=admin_password),
    row("POST", "/admin/logout",                       see("/"), form=nothing, signs_out=True),
    # -- accounts: sign-in, reset and invitation links, the account page -----------------------
    row("GET",  "/signin",                             OK),
    row("POST", "/signin",                             Expect(403), form=wrong_signin,
        counts_attempt=True),
    row("POST", "/signout",                            see("/signin?done=signed-out"), form=nothing,
        signs_out=True),
    row("GET",  "/signin/reset",                       OK),
    row("POST", "/signin/reset",                       OK, form=reset_ask),
    row("GET",  "/reset/{bad_token}",                  Expect(400)),
    row("POST", "/reset/{bad_token}",                  Expect(400), form=new_password),
    row("GET",  "/invite/{bad_token}",                 Expect(400)),
    row("POST", "/invite/{bad_token}",                 Expect(400), form=new_password),
    row("GET",  "/account",                            TO_SIGNIN, TO_SIGNIN, A, A, A, A),
    row("POST", "/account/password",                   S, S, *[Expect(403)] * 4,
        form=wrong_current_password, counts_attempt=True),
    row("POST", "/account/signout-everywhere",
        S, S, *[see("/signin?done=signed-out-everywhere")] * 4, form=nothing, signs_out=True),
    row("POST", "/account/first-admin",
        S, S, F, F, F, see("/account"), form=nothing),
    # -- a person's own data; deleting needs the typed confirmation (here refused) --------------
    row("GET",  "/account/data",                       TO_SIGNIN, TO_SIGNIN, A, A, A, A),
    row("GET",  "/account/delete",                     TO_SIGNIN, TO_SIGNIN, A, A, A, A),
    row("POST", "/account/delete",                     S, S, *[Expect(400)] * 4,
        form=not_confirmed),
    # -- sign-in with a provider (the matrix's provider does not answer: nobody gets in) -------
    row("POST", "/signin/oidc/{provider}",             Expect(502), form=nothing),
    row("POST", "/signin/oidc/no-such-provider",       Expect(404, "oidc.provider_not_found"),
        form=nothing),
    row("GET",  "/signin/oidc/{provider}/callback?state=forged&code=x", Expect(400)),
    row("POST", "/admin/people/{org_b_account}/identities/{no_identity}/unlink", S, S, F, F, F,
        Expect(404, "identity.not_found"), form=nothing),
    row("GET",  "/admin/invitations",                  TO_SIGNIN, TO_SIGNIN, F, F, F, A),
    row("POST", "/admin/invitations",                  S, S, F, F, F, A, form=invitation),
    # -- live rooms: open to everyone; drafts have none ----------------------------------------
    row("GET",  "/rooms/{a_room}",                     OK),
    row("GET",  "/rooms/{lobby}",                      OK),
    row("GET",  "/rooms/{a_draft_room}",               NO_ROOM),
    row("WEBSOCKET", "/ws/rooms/{a_room}",             OK),
    # -- public pages: published things only --------------------------------------------------
    row("GET",  "/",                                   OK),
    row("GET",  "/programme",                          OK),
    row("GET",  "/editions",                           OK),
    row("GET",  "/editions/{edition}",                 OK),
    row("GET",  "/editions/{edition}/programme",       OK),
    row("GET",  "/sessions/{a_live}",                  OK),
    row("GET",  "/sessions/{a_draft}",                 NO_SESSION),
    row("GET",  "/organisations",                      OK),
    row("GET",  "/organisations/{org_a}",              OK),
    row("GET",  "/static/css/site.css",                OK),
    # -- the toolkit library: published toolkits for everyone, drafts for their organisers ----
    row("GET",  "/toolkits",                           OK),
    row("GET",  "/toolkits/{toolkit}",                 OK),
    row("GET",  "/toolkits/{toolkit_draft}",           NO_TOOLKIT, NO_TOOLKIT, A, NO_TOOLKIT,
        NO_TOOLKIT, A),
    row("GET",  "/toolkits/{toolkit}/resources/{toolkit_file}", OK),
    row("GET",  "/toolkits/{toolkit}/resources/{toolkit_link}",
        Expect(303, location="https://example.org/guide")),
    row("GET",  "/api/toolkits",                       OK),
    row("GET",  "/api/toolkits/{toolkit}",             OK),
    row("GET",  "/api/toolkits/{toolkit_draft}",       NO_TOOLKIT),
    row("GET",  "/celebrations",                       OK),
)
# fmt: on


# -- the table covers the route table ---------------------------------------------------------

#: Stand-ins for what the fixture makes at run time (tokens), to match addresses to routes.
SAMPLE_NAMES = {
    **World({}, {}, {}).values(),
    "import_token": "t" * 22,
    "agenda": "a" * 43,
    "agenda_wrong": "x" * 43,
    "org_b_account": "1",
    "org_a_id": "1",
    "no_proposal": "999999",
    "bad_token": "b" * 43,
    "toolkit": "reading-circle-kit",
    "toolkit_draft": "a-draft-kit",
    "toolkit_link": "1",
    "toolkit_file": "2",
    "provider": "matrix-id",
    "no_identity": "999999",
}


def route_of(table: list[BaseRoute], method: str, url: str) -> str | None:
    """The path of the route that answers ``method url`` (the first full match, as the router
    picks), or None."""
    path = url.format(**SAMPLE_NAMES).partition("?")[0]  # routes match the path only
    scope = {
        "type": "websocket" if method == "WEBSOCKET" else "http",
        "path": path,
        "method": method,
        "root_path": "",
    }
    for entry in table:
        match, _ = entry.matches(scope)
        if match == Match.FULL:
            return entry.path if isinstance(entry, (Route, WebSocketRoute, Mount)) else None
    return None


def route_methods(table: list[BaseRoute]) -> set[tuple[str, str]]:
    """Every (method, path) the site answers: HEAD goes with GET (it is checked with it), a
    WebSocket route is WEBSOCKET, a mounted app takes GET."""
    found: set[tuple[str, str]] = set()
    for entry in table:
        if isinstance(entry, Route):
            found |= {(m, entry.path) for m in (entry.methods or {"GET"}) if m != "HEAD"}
        elif isinstance(entry, WebSocketRoute):
            found.add(("WEBSOCKET", entry.path))
        elif isinstance(entry, Mount):
            found.add(("GET", entry.path))
        else:
            raise AssertionError(f"a route of an unknown kind: {entry!r}")
    return found


def test_matrix_covers_every_route_and_method() -> None:
    table = routes.table(make_settings("sqlite+aiosqlite:///unused.db"))
    covered = {(r.method, route_of(table, r.method, r.url)) for r in ROWS}

    assert sorted(route_methods(table) - covered) == []  # a route without expectations
    assert [r.url for r in ROWS if route_of(table, r.method, r.url) is None] == []


def test_matrix_route_methods_sees_every_kind_of_route() -> None:
    """The enumeration itself: GET implies HEAD, websockets and mounts are counted, and an
    address is matched to its route by method."""
    table: list[BaseRoute] = [
        Route("/a", lambda r: None, methods=["GET"]),
        Route("/b/{x}", lambda r: None, methods=["POST"]),
        WebSocketRoute("/c", lambda ws: None),
        Mount("/d", routes=[]),
    ]

    assert route_methods(table) == {
        ("GET", "/a"),
        ("POST", "/b/{x}"),
        ("WEBSOCKET", "/c"),
        ("GET", "/d"),
    }
    assert [
        route_of(table, "GET", "/a"),
        route_of(table, "HEAD", "/a"),
        route_of(table, "POST", "/a"),
        route_of(table, "POST", "/b/{edition}"),
        route_of(table, "WEBSOCKET", "/c"),
        route_of(table, "GET", "/c"),
        route_of(table, "GET", "/d/e.css"),
    ] == ["/a", "/a", None, "/b/{x}", "/c", None, "/d"]


# -- running the table --------------------------------------------------------------------------


Rows = dict[str, list[tuple[str, ...]]]


class Tables:
    """Every table's rows, read on demand (to prove that a refused request changed nothing)."""

    def __init__(self, database_url: str) -> None:
        self.runner = asyncio.Runner()
        self.engine = dbmod.make_engine(database_url)

    def __enter__(self) -> Tables:
        return self

    def __exit__(self, *exc: object) -> None:
        self.runner.run(self.engine.dispose())
        self.runner.close()

    async def _read(self) -> Rows:
        found: Rows = {}
        async with self.engine.connect() as conn:
            for table in SQLModel.metadata.sorted_tables:
                rows = (await conn.execute(select(table))).all()
                found[table.name] = sorted(tuple(repr(v) for v in r) for r in rows)
        return found

    def read(self) -> Rows:
        return self.runner.run(self._read())


def signin_cookie(settings: Settings, sid: str) -> str:
    """The signed cookie session that signing in gives (Starlette's SessionMiddleware)."""
    signer = itsdangerous.TimestampSigner(settings.secret_key)
    data = base64.b64encode(json.dumps({"sid": sid}).encode())
    return signer.sign(data).decode()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Matrix:
    """The app over the seeded world, one cookie jar per person, and what they have made."""

    client: TestClient
    settings: Settings
    world: World
    clock: FixedClock
    texts: Texts = field(default_factory=Texts)
    jars: dict[str, httpx.Cookies] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def request(self, role: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with ``role``'s cookies (an anonymous visitor keeps none)."""
        self.client.cookies = self.jars.get(role, httpx.Cookies())
        try:
            return self.client.request(method, url, follow_redirects=False, **kwargs)
        finally:
            if role != ANON:
                self.jars[role] = self.client.cookies

    def csrf(self, role: str) -> str:
        """``role``'s CSRF token, from a page with a form (the session's save-to-agenda)."""
        page = self.request(role, "GET", f"/sessions/{self.names['a_live']}")
        found = CSRF.search(page.text)
        assert found is not None, page.text[:500]
        if role == ANON:  # an anonymous visitor keeps the cookie session the token lives in
            self.jars[ANON] = self.client.cookies
        return found.group(1)

    def sign_in(self, role: str, jar: str | None = None) -> None:
        """A fresh sign-in for ``role``'s account, as signing in gives (into ``jar``'s cookies,
        by default the role's own)."""
        account_id = self.world.account_ids[role]

        async def start(db: Any) -> str:
            return await accounts_store.start_signin(db, account_id, self.clock.now())

        from tests.dbtools import with_db

        sid = with_db(self.settings, start)
        cookies = self.jars.setdefault(jar or role, httpx.Cookies())
        cookies.set(auth.SESSION_COOKIE, signin_cookie(self.settings, sid))


@contextmanager
def open_matrix(
    database_url: str, clock: FixedClock, texts: Texts | None = None, **changes: Any
) -> Iterator[Matrix]:
    """The app over a seeded world (people's texts from ``texts``; settings ``changes``),
    everyone signed in."""
    texts = texts or Texts()
    media_dir = tempfile.TemporaryDirectory(prefix="festival-media-")
    settings = make_settings(database_url).with_(
        admin_password=ADMIN_PASSWORD,
        room_rate_limits=False,
        media_dir=Path(media_dir.name),
        oidc_providers=(DEAD_PROVIDER,),
        **changes,
    )
    world = seed_world(settings, texts)
    toolkits = seed_toolkits(settings, world, texts)
    with media_dir, TestClient(create_app(settings, clock=clock)) as client:
        m = Matrix(client, settings, world, clock, texts)
        m.names = dict(world.values())
        m.names.update(toolkits.values())
        m.names["org_b_account"] = str(world.account_ids[ORG_B_ROLE])
        m.names["org_a_id"] = str(world.organisation_ids[ORG_A])
        m.names["no_proposal"] = "999999"
        m.names["provider"] = DEAD_PROVIDER.name
        m.names["no_identity"] = "999999"
        for role in (*SIGNED_IN, "other host"):
            m.sign_in(role)
        # A guest is a browser that has been in a live room (it holds the guest cookie).
        assert m.request(GUEST, "GET", f"/rooms/{m.names['a_room']}").status_code == 200
        # What the rows refer to: a pending import (by the admin, through the upload) and an
        # agenda's secret address (saved by someone else).
        token = m.csrf(ADMIN)
        upload = m.request(ADMIN, "POST", "/admin/import", **_with_token(ics_upload(m), token))
        assert upload.status_code == 303, upload.text[:500]
        m.names["import_token"] = upload.headers["location"].rsplit("/", 1)[1]
        saver = "agenda owner"
        saved = m.request(
            saver,
            "POST",
            "/agenda/save",
            data={"uid": m.names["a_live"], "csrf_token": m.csrf(saver)},
        )
        assert saved.status_code == 303
        m.names["agenda"] = m.jars[saver]["festival_agenda"]
        m.names["agenda_wrong"] = "x" * len(m.names["agenda"])
        m.names["bad_token"] = "b" * 43  # a reset or invitation token nobody was given
        yield m


@pytest.fixture
def matrix(database_url: str, clock: FixedClock) -> Iterator[Matrix]:
    with open_matrix(database_url, clock) as m:
        yield m


def _with_token(form: dict[str, Any], token: str | None) -> dict[str, Any]:
    data = dict(form.get("data", {}))
    if token is not None:
        data["csrf_token"] = token
    return {**form, "data": data}


def error_code(response: httpx.Response) -> str | None:
    """The stable code of a refusal (JSON for the API and feeds, the error page otherwise)."""
    if response.headers.get("content-type", "").startswith("application/json"):
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None
        return code if isinstance(code, str) else None
    found = re.search(r"Error code: <code>([^<]+)</code>", response.text)
    return found.group(1) if found else None


def mismatch(
    expect: Expect, response: httpx.Response, url: str, names: dict[str, str]
) -> str | None:
    """What differs from the expectation, or None."""
    got_location = response.headers.get("location")
    wanted = expect.location.format(url=url, **names) if expect.location else None
    problems = []
    if response.status_code != expect.status:
        problems.append(f"status {response.status_code}")
    if expect.code is not None and error_code(response) != expect.code:
        problems.append(f"code {error_code(response)}")
    if wanted is not None and not (
        got_location == wanted
        or (wanted.endswith("*") and (got_location or "").startswith(wanted[:-1]))
    ):
        problems.append(f"location {got_location}")
    return ", ".join(problems) or None


def execution_order(r: Row) -> list[str]:
    """Refusals first: a write someone is allowed changes what the next person finds."""
    return sorted(ROLES, key=lambda role: not r.expect(role).refused)


def state_of(tables: Tables, r: Row) -> Rows:
    """What a refusal of the row must leave as it was (a counted attempt aside)."""
    found = tables.read()
    if r.counts_attempt:
        found.pop("signin_attempt")
    return found


def run_row(m: Matrix, r: Row, tables: Tables) -> list[str]:
    """Ask the row's address as every role; the differences from the table."""
    problems: list[str] = []
    for role in execution_order(r):
        expect = r.expect(role)
        url = r.url.format(**m.names)
        if r.method == "WEBSOCKET":
            got = websocket_join(m, role, url)
            if got != expect.status:
                problems.append(f"{r.method} {url} as {role}: expected {expect}, got {got}")
            continue
        kwargs: dict[str, Any] = {}
        if r.form is not None:
            kwargs = _with_token(r.form(m), m.csrf(role))
        before = state_of(tables, r) if expect.refused else None
        response = m.request(role, r.method, url, **kwargs)
        problem = mismatch(expect, response, url, m.names)
        if problem:
            problems.append(f"{r.method} {url} as {role}: expected {expect}, got {problem}")
        if before is not None and state_of(tables, r) != before:
            problems.append(f"{r.method} {url} as {role}: refused, but the database changed")
        if r.method == "GET":
            head = m.request(role, "HEAD", url)
            if (head.status_code, head.content) != (response.status_code, b""):
                problems.append(f"HEAD {url} as {role}: {head.status_code}, not as GET")
        if r.signs_out and role in SIGNED_IN:
            m.sign_in(role)
        if role == ANON:
            m.jars.pop(ANON, None)
    return problems


def websocket_join(m: Matrix, role: str, url: str) -> int:
    """200 when the room's socket takes ``role`` and answers a join, else the close code."""
    m.client.cookies = m.jars.get(role, httpx.Cookies())
    try:
        with m.client.websocket_connect(url) as ws:
            reply = Conn(ws).join("Someone")
    except Exception as exc:  # noqa: BLE001 - a refusal is reported as its close code
        return int(getattr(exc, "code", 0)) or 500
    return 200 if reply["type"] == "ok" else 500


def test_matrix_every_route_every_method_every_role(matrix: Matrix) -> None:
    with Tables(matrix.settings.database_url) as tables:
        problems = [p for r in ROWS for p in run_row(matrix, r, tables)]

    assert problems == [], "\n".join(problems)


def test_matrix_methods_a_route_does_not_take_are_405(matrix: Matrix) -> None:
    table = routes.table(matrix.settings)
    taken: dict[str, set[str]] = {}
    for method, path in route_methods(table):
        taken.setdefault(path, set()).add(method)
    answers: dict[str, int] = {}
    for r in ROWS:
        route = route_of(table, r.method, r.url)
        if r.method == "WEBSOCKET" or route is None or route in answers:
            continue
        other = next(m for m in ("DELETE", "PUT", "PATCH") if m not in taken[route])
        response = matrix.request(ADMIN, other, r.url.format(**matrix.names))
        answers[route] = response.status_code

    assert {route: status for route, status in answers.items() if status != 405} == {}


# -- CSRF: every form refused without its token --------------------------------------------------


def post_rows() -> list[Row]:
    return [r for r in ROWS if r.method == "POST"]


def csrf_role(r: Row) -> str:
    """Someone the row allows (so only the token can refuse them), else the admin."""
    return next((role for role in reversed(ROLES) if not r.expect(role).refused), ADMIN)


def test_csrf_every_form_is_refused_without_its_token(matrix: Matrix) -> None:
    other = matrix.csrf("someone else")  # a real token, of another browser
    problems: list[str] = []
    with Tables(matrix.settings.database_url) as tables:
        for r in post_rows():
            role = csrf_role(r)
            url = r.url.format(**matrix.names)
            assert r.form is not None, f"POST {r.url}: a form row says its fields"
            matrix.csrf(role)  # the session has a token: the form just does not carry it
            for label, token in (
                ("no token", None),
                ("a wrong token", "x" * 43),
                ("another's", other),
            ):
                before = tables.read()
                response = matrix.request(role, "POST", url, **_with_token(r.form(matrix), token))
                got = (response.status_code, error_code(response))
                if got != (403, "auth.csrf"):
                    problems.append(f"POST {url} as {role} with {label}: {got}")
                if tables.read() != before:
                    problems.append(f"POST {url} as {role} with {label}: the database changed")

    assert post_rows() and problems == [], "\n".join(problems)


# -- the live room: every command × who sends it ----------------------------------------------

#: Commands only the room's moderators may send (the room's own rule, restated so that a
#: command losing its flag fails here).
MODERATOR_ONLY = {
    "room.open",
    "room.end",
    "room.configure",
    "qa.approve",
    "qa.answer",
    "qa.pin",
    "qa.hide",
    "poll.create",
    "poll.close",
    "quiz.add",
    "quiz.ask",
    "quiz.reveal",
    "quiz.finish",
    "mod.mute",
    "mod.unmute",
    "mod.ban",
    "mod.unban",
    "mod.audit",
}
#: Who sends: the session's host moderates its room, the admin every room; a host of another
#: session, the other organisation's organiser and a guest moderate nothing here.
WS_ROLES = {
    GUEST: False,
    HOST: True,
    "other host": False,
    ORG_A_ROLE: True,
    ORG_B_ROLE: False,
    ADMIN: True,
}


def test_ws_moderator_only_is_what_the_room_says() -> None:
    flagged = {n for n, c in room_rules.COMMANDS.items() if c.moderator}
    flagged |= {n for n, q in room_rules.QUERIES.items() if q.moderator}

    assert flagged == MODERATOR_ONLY


@dataclass
class Room:
    """Connections to A's live room: the one under test, and a moderator and a guest to set
    things up; ``target_id`` is whom the moderation commands are about (a signed-in attendee:
    a guest's ban would also cover the test client's address, so every guest)."""

    actor: Conn
    mod: Conn
    guest: Conn
    target_id: str
    n: int = 0

    def ref(self) -> str:
        self.n += 1
        return f"r{self.n}"

    def do(self, conn: Conn, message_type: str, **data: Any) -> dict[str, Any]:
        ref = self.ref()
        conn.send(message_type, ref, **data)
        return conn.reply(ref)

    def made(self, conn: Conn, message_type: str, **data: Any) -> int:
        """Set-up by the moderator or the guest: must succeed; the new thing's id (its seq)."""
        reply = self.do(conn, message_type, **data)
        assert reply["type"] == "ok", (message_type, reply)
        seq: int = reply["data"]["seq"]
        return seq


def _question(r: Room) -> int:
    return r.made(r.guest, "qa.ask", text="Why?")


def _waiting_question(r: Room) -> int:
    r.made(r.mod, "room.configure", qa_moderation=True)
    asked = r.made(r.guest, "qa.ask", text="Queued?")
    r.made(r.mod, "room.configure", qa_moderation=False)
    return asked


def _fresh_poll(r: Room) -> int:
    r.do(r.mod, "poll.close")  # the last one, if open
    return r.made(r.mod, "poll.create", question="Tea?", options=["yes", "no"])


def _fresh_quiz(r: Room) -> int:
    r.do(r.mod, "quiz.reveal")  # the running one, if any
    return r.made(r.mod, "quiz.add", text="2+2?", options=["4", "5"], correct=0)


def _asked_quiz(r: Room) -> int:
    question = _fresh_quiz(r)
    r.made(r.mod, "quiz.ask", id=question)
    return question


def _guest_message(r: Room) -> int:
    return r.made(r.guest, "chat.send", text="hello from the guest")


def _own_message(r: Room) -> int:
    return r.made(r.actor, "chat.send", text="mine")


def _upvoted(r: Room) -> int:
    question = _question(r)
    r.made(r.actor, "qa.upvote", id=question)
    return question


#: For each client message type: the data to send, after setting the room up for it (so that a
#: moderator's command succeeds and only the sender's rights can refuse it). Derived cases have
#: a label: ``chat.delete`` of one's own message, and of someone else's (hiding it).
WS_CASES: dict[str, Callable[[Room], dict[str, Any]]] = {
    "join": lambda r: {"name": "Again"},
    "ping": lambda r: {},
    "room.open": lambda r: {},
    "room.configure": lambda r: {"slow_mode_seconds": 0},
    "chat.send": lambda r: {"text": "hi"},
    "chat.delete": lambda r: {"id": _own_message(r)},
    "chat.delete (another's message)": lambda r: {"id": _guest_message(r)},
    "qa.ask": lambda r: {"text": "How?"},
    "qa.upvote": lambda r: {"id": _question(r)},
    "qa.unvote": lambda r: {"id": _upvoted(r)},
    "qa.approve": lambda r: {"id": _waiting_question(r)},
    "qa.answer": lambda r: {"id": _question(r)},
    "qa.pin": lambda r: {"id": _question(r)},
    "qa.hide": lambda r: {"id": _question(r)},
    "poll.create": lambda r: (r.do(r.mod, "poll.close"), {"question": "Q?", "options": ["a", "b"]})[
        1
    ],
    "poll.vote": lambda r: {"id": _fresh_poll(r), "choices": [0]},
    "poll.close": lambda r: {"id": _fresh_poll(r)},
    "quiz.add": lambda r: {"text": "1+1?", "options": ["2", "3"], "correct": 0},
    "quiz.ask": lambda r: {"id": _fresh_quiz(r)},
    "quiz.answer": lambda r: {"id": _asked_quiz(r), "choice": 0},
    "quiz.reveal": lambda r: {"id": _asked_quiz(r)},
    "quiz.finish": lambda r: (r.do(r.mod, "quiz.reveal"), {})[1],
    "quiz.standing": lambda r: {},
    "mod.mute": lambda r: {"id": r.target_id, "minutes": 5},
    "mod.unmute": lambda r: (
        r.made(r.mod, "mod.mute", id=r.target_id, minutes=5),
        {"id": r.target_id},
    )[1],
    "mod.audit": lambda r: {},
    "react": lambda r: {"emoji": "👏"},
    # Last: they end the room, or a guest's place in it (undone after each).
    "mod.ban": lambda r: {"id": r.target_id},
    "mod.unban": lambda r: (r.made(r.mod, "mod.ban", id=r.target_id), {"id": r.target_id})[1],
    "room.end": lambda r: {},
}
#: How a non-moderator is refused, when it is not the room's general rule (auth.forbidden).
WS_REFUSAL = {"chat.delete (another's message)": "chat.not_yours"}


def ws_message_type(case: str) -> str:
    return case.split(" (")[0]


def test_ws_cases_cover_every_client_message_type() -> None:
    from realtime import protocol

    assert {ws_message_type(c) for c in WS_CASES} == set(protocol.CLIENT_TYPES)


def ws_expected(case: str, moderator: bool) -> str:
    """``ok``, or the refusal's code."""
    message_type = ws_message_type(case)
    if case in WS_REFUSAL:
        return "ok" if moderator else WS_REFUSAL[case]
    return "ok" if moderator or message_type not in MODERATOR_ONLY else "auth.forbidden"


def _undo(r: Room, case: str) -> None:
    """Put the room back as the next case expects it (whether the case was refused or not)."""
    if case in ("mod.ban", "mod.unban"):
        r.do(r.mod, "mod.unban", id=r.target_id)
    if case in ("mod.mute", "mod.unmute"):
        r.do(r.mod, "mod.unmute", id=r.target_id)
    if case == "room.end":
        r.do(r.mod, "room.open")


def _connect(m: Matrix, stack: ExitStack, jar: str) -> tuple[Conn, dict[str, Any]]:
    """A joined connection to A's live room with the cookies of ``jar`` (and its join reply)."""
    m.client.cookies = m.jars.get(jar, httpx.Cookies())
    conn = Conn(stack.enter_context(m.client.websocket_connect(f"/ws/rooms/{m.names['a_room']}")))
    return conn, conn.join(jar.title())


def run_ws_role(m: Matrix, role: str) -> dict[str, str]:
    """Every case sent by ``role`` in A's live room: ``ok`` or the refusal's code, by case."""
    m.sign_in(ADMIN, jar="ws moderator")
    m.sign_in("attendee", jar="ws attendee")
    results: dict[str, str] = {}
    with ExitStack() as stack:
        mod, _ = _connect(m, stack, "ws moderator")
        guest, _ = _connect(m, stack, f"ws guest of {role}")
        _, target = _connect(m, stack, "ws attendee")
        actor, actor_joined = _connect(m, stack, role)
        results["join"] = "ok" if actor_joined["type"] == "ok" else actor_joined["data"]["code"]
        r = Room(actor, mod, guest, target["data"]["you"]["id"])
        for case, prepare in WS_CASES.items():
            if case == "join":
                continue
            data = prepare(r)
            reply = r.do(actor, ws_message_type(case), **data)
            results[case] = "ok" if reply["type"] == "ok" else reply["data"]["code"]
            _undo(r, case)
            if case in ("mod.ban", "mod.unban"):  # the ban closed the attendee's connection
                _, again = _connect(m, stack, "ws attendee")
                assert again["type"] == "ok", again
    return results


def test_ws_every_command_every_role(matrix: Matrix) -> None:
    expected = {
        role: {case: ws_expected(case, moderator) for case in WS_CASES}
        for role, moderator in WS_ROLES.items()
    }
    got = {role: run_ws_role(matrix, role) for role in WS_ROLES}

    differences = [
        f"{case} by {role}: expected {want}, got {got[role].get(case)}"
        for role, cases in expected.items()
        for case, want in cases.items()
        if got[role].get(case) != want
    ]
    assert got == expected, "\n".join(differences)

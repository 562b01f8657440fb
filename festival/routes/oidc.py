"""Signing in with an OpenID Connect provider: ``POST /signin/oidc/{provider}`` sends the browser
to the provider, ``GET /signin/oidc/{provider}/callback`` takes its answer back and signs in
(festival/oidc/ checks the answer, festival/stores/identities.py decides the account).

A refused answer shows the error page with the reason and creates nothing.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth, cookies, i18n
from festival.db import session_scope
from festival.errors import NotFoundError
from festival.i18n import gettext as _
from festival.oidc import errors
from festival.oidc.client import Flow
from festival.oidc.config import OidcProvider
from festival.routes.agenda import AGENDA_COOKIE, AGENDA_COOKIE_MAX_AGE
from festival.state import state
from festival.stores import account_agendas, identities
from festival.templating import render

#: The cookie session's keys: sign-ins started here (by state), and the provider of this one.
FLOWS_KEY = "oidc_flows"
SIGNED_IN_KEY = "oidc"
#: Sign-ins started at once in one browser (several tabs); older ones are forgotten.
MAX_FLOWS = 3


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A sign-in page: never cached, never sent elsewhere as a referrer."""
    response = render(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _provider(request: Request) -> OidcProvider:
    found = state(request).oidc.provider(str(request.path_params["provider"]))
    if found is None:
        raise NotFoundError(_("There is no such sign-in provider."), "oidc.provider_not_found")
    return found


def redirect_uri(request: Request, provider: OidcProvider) -> str:
    """Where the provider sends the browser back (registered at the provider; docs/sign-in.md)."""
    return f"{state(request).settings.site_url}/signin/oidc/{provider.name}/callback"


def failed(request: Request, provider: OidcProvider, exc: errors.SignInError) -> Response:
    context: dict[str, Any] = {
        "provider": provider,
        "message": exc.message,
        "code": exc.code,
        # The language switch leads to the sign-in page: the callback's query (the provider's
        # free text, a used state) is never repeated in the page.
        "language_switch": i18n.switch_links(auth.SIGNIN_PATH, []),
    }
    return page(request, "auth/oidc_error.html", context, exc.status_code)


async def start(request: Request) -> Response:
    """Send the browser to the provider (a form with a CSRF token: a link would let another
    site start sign-ins in this browser)."""
    form = await request.form()
    await auth.verify_csrf(request, form)  # first: a refused form learns nothing
    provider = _provider(request)
    next_path = auth.safe_next(text(form, "next"), "/account")
    account = await auth.current_account(request)
    link = account.id if account is not None and text(form, "link") == "1" else None
    app = state(request)
    try:
        url, flow = await app.oidc.begin(
            provider, redirect_uri(request, provider), next_path, app.clock.now(), link
        )
    except errors.SignInError as exc:
        return failed(request, provider, exc)
    flows = request.session.get(FLOWS_KEY)
    kept = dict(flows) if isinstance(flows, dict) else {}
    kept[flow.state] = flow.to_json()
    request.session[FLOWS_KEY] = dict(list(kept.items())[-MAX_FLOWS:])
    return RedirectResponse(url, status_code=303)


def _take_flow(request: Request, provider: OidcProvider) -> Flow:
    """The sign-in this answer belongs to, forgotten at once (an answer replayed finds none)."""
    given = request.query_params.get("state", "")
    flows = request.session.get(FLOWS_KEY)
    kept = dict(flows) if isinstance(flows, dict) else {}
    flow = Flow.from_json(kept.pop(given, None)) if given else None
    request.session[FLOWS_KEY] = kept
    if flow is None or flow.provider != provider.name:
        raise errors.StateError(
            _(
                "This answer does not belong to a sign-in started in this browser (it was used "
                "already, or comes from elsewhere). Start again from the sign-in page."
            )
        )
    return flow


async def callback(request: Request) -> Response:
    """The provider's answer: check it, find or create the account, sign in."""
    provider = _provider(request)
    app = state(request)
    try:
        flow = _take_flow(request, provider)
        if flow.link_account_id is not None:
            # Linking: still the same person signed in here as when it started.
            account = await auth.current_account(request)
            if account is None or account.id != flow.link_account_id:
                raise errors.StateError(
                    _(
                        "You are no longer signed in as when you asked to link this identity. "
                        "Sign in, then link it again from your account page."
                    )
                )
        if "error" in request.query_params or not request.query_params.get("code"):
            # Only an RFC 6749 §4.1.2.1 error code is repeated, never free text from the URL.
            given = request.query_params.get("error", "")
            reason = given if re.fullmatch(r"[a-z_]{1,40}", given) else "no code"
            raise errors.DeniedError(
                _(
                    "%(provider)s did not sign you in (%(reason)s). You can try again.",
                    provider=provider.label,
                    reason=reason if reason != "no code" else _("no code"),
                )
            )
        claims = await app.oidc.finish(
            provider,
            flow,
            request.query_params["code"],
            redirect_uri(request, provider),
            app.clock.now(),
        )
        guest_token = request.cookies.get(AGENDA_COOKIE, "").strip() or None
        async with session_scope(app.sessions) as db:
            signed = await identities.sign_in_with(
                db, claims, provider.name, app.clock.now(), flow.link_account_id
            )
            # The guest agenda of this browser joins the account's (one transaction with the
            # sign-in: all of it or nothing).
            agenda_token = await account_agendas.merge_at_sign_in(
                db, signed.account_id, guest_token, app.settings.secret_key, app.clock.now()
            )
    except errors.SignInError as exc:
        return failed(request, provider, exc)
    except identities.IdentityTakenError as exc:
        return failed(request, provider, errors.SignInError(exc.message, exc.code))
    await auth.sign_in(request, signed.account_id)
    # For the sign-out at the provider (RP-Initiated Logout: id_token_hint).
    request.session[SIGNED_IN_KEY] = {"provider": provider.name, "id_token": claims.id_token}
    response = RedirectResponse(flow.next_path, status_code=303)
    if agenda_token is not None:
        cookies.set_cookie(
            response, app.settings, AGENDA_COOKIE, agenda_token, AGENDA_COOKIE_MAX_AGE
        )
    return response


async def provider_logout(request: Request, signed_out_path: str) -> str | None:
    """Where to send a browser that signs out: the provider's end-session endpoint when this
    sign-in came through a provider that offers one; None otherwise. Read before the cookie
    session is cleared."""
    kept = request.session.get(SIGNED_IN_KEY) if "session" in request.scope else None
    if not isinstance(kept, dict):
        return None
    provider = state(request).oidc.provider(str(kept.get("provider")))
    if provider is None:
        return None
    id_token = kept.get("id_token")
    return await state(request).oidc.logout_url(
        provider,
        id_token if isinstance(id_token, str) else None,
        state(request).settings.site_url + signed_out_path,
    )


async def forget_account_agenda(request: Request, response: Response, account_id: int) -> None:
    """Signing out: a browser that holds the account's agenda forgets it (the next person on a
    shared computer must not see it); a guest agenda stays."""
    async with state(request).sessions() as db:
        link = await account_agendas.find_link(db, account_id)
    if link is not None:
        response.delete_cookie(AGENDA_COOKIE, path="/")


routes: list[BaseRoute] = [
    Route("/signin/oidc/{provider}", start, methods=["POST"], name="oidc_start"),
    Route("/signin/oidc/{provider}/callback", callback, methods=["GET"], name="oidc_callback"),
]

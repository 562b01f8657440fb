"""An organiser whose browser speaks French, in Chromium at 390 px and 1280 px: signs in, meets
the clocks' gap in French (the city named), takes the suggested time, saves the draft and
publishes it, every page in French, without sideways scroll, and without a serious or critical
axe violation. Then every admin page, in French on a phone: the same checks.

A real uvicorn server over a fresh SQLite database; Debian's Chromium driven by Playwright
(``locale="fr-FR"``: the browser's own Accept-Language). Outside CI a missing Chromium or
axe-core skips with the reason; in CI it fails.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from festival import migrate
from festival.app import create_app
from festival.auth import passwords
from festival.models import Edition, Organisation
from festival.settings import Settings
from festival.stores import accounts as accounts_store
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.e2e.audit import axe_source, axe_violations, overflow
from tests.e2e.browser import chromium
from tests.e2e.test_browser_zone import _free_port

pytestmark = pytest.mark.e2e

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
EMAIL = "amina@example.org"
ADMIN_EMAIL = "ada@example.org"
ADMIN_PAGES = (
    "/admin",
    "/admin/sessions",
    "/admin/review",
    "/admin/editions",
    "/admin/editions/new",
    "/admin/organisations",
    "/admin/organisations/new",
    "/admin/people",
    "/admin/audit",
    "/admin/import",
    "/admin/tz-check",
    "/admin/invitations",
    "/account",
)
PASSWORD = "une phrase de passe assez longue"
NBSP = "\u00a0"
TIMEOUT_MS = 15_000
#: Why 02:30 on 14 March 2027 is refused in St. John's, in French, the city named as CLDR says.
GAP_FR = (
    f"02:30 n’existe pas à Saint-Jean de Terre-Neuve le dim. 14 mars 2027{NBSP}: cette nuit-là, "
    "les horloges avancent de 02:00 à 03:00. Choisissez 01:59 ou avant, ou 03:00 ou après."
)
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@dataclass(frozen=True)
class Server:
    url: str
    settings: Settings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import uvicorn

    path: Path = tmp_path_factory.mktemp("organiser-fr") / "festival.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    settings = Settings(
        database_url=url,
        secret_key="e2e-secret-key-not-for-production",
        secret_key_generated=False,
    )

    async def seed(db: AsyncSession) -> None:
        db.add(
            Edition(
                slug="spring-2027",
                name="Journée d’apprentissage de printemps",
                kind="celebration",
                first_day=date(2027, 3, 14),
                last_day=date(2027, 3, 14),
            )
        )
        org = Organisation(
            slug="nl-schools",
            name="Newfoundland Schools",
            country="CA",
            tz_name="America/St_Johns",
            trusted=True,  # its organisers publish their sessions themselves
        )
        db.add(org)
        await db.flush()
        account = await accounts_store.create_account(
            db,
            email=EMAIL,
            name="Amina",
            password_hash=passwords.hash_password_sync(PASSWORD),
            now=NOW,
        )
        assert account.id is not None and org.id is not None
        await accounts_store.add_membership(db, account.id, org.id, NOW)
        await accounts_store.create_account(
            db,
            email=ADMIN_EMAIL,
            name="Ada",
            password_hash=passwords.hash_password_sync(PASSWORD),
            now=NOW,
            is_admin=True,
        )

    with_db(settings, seed)
    app = create_app(settings, clock=FixedClock(NOW))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvicorn_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", settings)
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


def audit(page: Any, axe: str, problems: dict[str, Any]) -> None:
    """Record the page's serious/critical axe violations and its sideways scroll, if any."""
    path = re.sub(r"^https?://[^/]+", "", page.url)
    found = axe_violations(page, axe)
    if found:
        problems[f"axe {path}"] = found
    wide = overflow(page)
    if wide is not None:
        problems[f"scroll {path}"] = wide


def sign_in(page: Any, server: Server, email: str) -> None:
    page.goto(server.url + "/signin")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.wait_for_url(re.compile(r"/account"))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_organiser_in_french_creates_and_publishes_a_session(
    server: Server, browser: Any, axe: str, viewport: str
) -> None:
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[viewport])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: dict[str, Any] = {}
    title = f"Cercle de lecture ({viewport})"
    try:
        page.goto(server.url + "/signin")
        assert page.locator("html").get_attribute("lang") == "fr"
        page.get_by_role("heading", name="Se connecter").wait_for()
        audit(page, axe, problems)
        page.get_by_label("Adresse e-mail").fill(EMAIL)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter", exact=True).click()
        page.wait_for_url(re.compile(r"/account"))
        page.get_by_role("heading", name="Votre compte").wait_for()

        page.goto(server.url + "/organiser")
        page.get_by_role("heading", name="Vos sessions").wait_for()
        audit(page, axe, problems)
        page.get_by_role("link", name="Nouvelle session", exact=True).click()
        page.wait_for_url(re.compile(r"/organiser/sessions/new"))
        page.get_by_role("heading", name="Une nouvelle session de Newfoundland Schools").wait_for()
        page.get_by_label("Titre").fill(title)
        page.get_by_label("Ce qui se passe pendant la session").fill("Des histoires au port.")
        page.get_by_label("Édition du festival").select_option("spring-2027")
        page.get_by_label("Durée, en minutes").fill("60")
        page.get_by_label("Langues").fill("fr")
        page.get_by_label("Date", exact=True).fill("2027-03-14")
        page.get_by_label("Commence à").fill("02:30")
        page.get_by_role("button", name="Vérifier et enregistrer le brouillon").click()
        page.wait_for_load_state("load")

        gap = " ".join(page.locator("#start-error").inner_text().split(" "))
        summary = page.locator("#form-errors").inner_text()
        audit(page, axe, problems)
        # The live preview (static/js/editor.js) offers the same time in French too.
        page.locator("#time-preview").get_by_role("button", name="Utiliser 03:00").wait_for()
        page.locator("#f-start").get_by_role("button", name="Utiliser 03:00").click()
        page.get_by_role("heading", name="Vérifiez, puis enregistrez").wait_for()
        meant = page.locator("#preview [data-meaning]").inner_text()
        page.get_by_role("button", name="Enregistrer le brouillon").click()
        page.wait_for_url(re.compile(r"/organiser/sessions/[0-9a-f-]+\?saved=1"))
        saved = page.get_by_role("status").first.inner_text()
        audit(page, axe, problems)
        page.get_by_role("button", name="Publier", exact=True).click()
        page.wait_for_url(re.compile(r"\?done=publish"))
        published = page.get_by_role("status").first.inner_text()
        audit(page, axe, problems)
    finally:
        context.close()

    assert gap == GAP_FR
    assert meant == (
        "dim. 14 mars 2027, 03:00, heure de Saint-Jean de Terre-Neuve (UTC−02:30) = 05:30 "
        "UTC = 00:30, heure de New York = 06:30, heure de Paris"
    )
    assert summary.startswith(f"Rien n’a été enregistré. 1 point demande votre attention{NBSP}:")
    assert saved == "Enregistré."
    assert published == (f"Publiée{NBSP}: elle figure dans le programme, l’API et les calendriers.")
    assert problems == {}


def test_every_admin_page_in_french_on_a_phone(server: Server, browser: Any, axe: str) -> None:
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS["phone"])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: dict[str, Any] = {}
    headings: dict[str, str] = {}
    try:
        sign_in(page, server, ADMIN_EMAIL)
        for path in ADMIN_PAGES:
            page.goto(server.url + path)
            headings[path] = " ".join(page.locator("h1").first.inner_text().split())
            audit(page, axe, problems)
    finally:
        context.close()

    assert headings == {
        "/admin": "Administration",
        "/admin/sessions": "Sessions",
        "/admin/review": "File de relecture",
        "/admin/editions": "Éditions du festival",
        "/admin/editions/new": "Nouvelle édition du festival",
        "/admin/organisations": "Organisations",
        "/admin/organisations/new": "Nouvelle organisation",
        "/admin/people": "Personnes et rôles",
        "/admin/audit": "Journal d’audit",
        "/admin/import": "Importer des sessions depuis un fichier .ics",
        "/admin/tz-check": "Vérification des fuseaux",
        "/admin/invitations": "Inviter un organisateur",
        "/account": "Votre compte",
    }
    assert problems == {}

"""The organisers' and admins' pages in French (``Accept-Language: fr``): headings, buttons and
labels translated, the session editor's errors in French (the clocks' gap and fold named with
the city), sign-in errors in French with their stable codes unchanged, English the default.
On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from starlette.testclient import TestClient

from festival import i18n
from festival.app import create_app
from festival.editor import Typed, check_time, sentence
from festival.models import Edition
from festival.settings import Settings
from scheduling import meaning
from scheduling.clock import FixedClock
from tests.festival import admin_browser
from tests.festival import test_organiser as organiser
from tests.festival import test_proposals as proposals_test
from tests.festival.accounts_seed import PASSWORD, add_account, csrf_from
from tests.festival.accounts_seed import sign_in as sign_in_by_form
from tests.festival.test_organiser import (
    AUTUMN,
    NOW,
    SPRING,
    World,
    field_error,
    form,
    post_new,
    sign_in_as,
)

# The session editor's world (two organisations, an admin) and its app, as its own tests use.
world = organiser.world
app_client = organiser.app_client
proposal_editions = proposals_test.editions

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
ADMIN_PO = Path(i18n.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "admin.po"
NBSP = "\u00a0"


def translated_msgids() -> set[str]:
    """The admin domain's English texts whose French differs (the ones that must not remain)."""
    with ADMIN_PO.open("rb") as f:
        catalogue = read_po(f, locale="fr")
    return {
        str(m.id)
        for m in catalogue
        if m.id and isinstance(m.id, str) and m.string and m.string != m.id
    }


def visible_labels(page: str) -> list[str]:
    """The text of the page's headings, buttons, labels, legends and table headers."""
    found = re.findall(
        r"<(h1|h2|h3|button|label|legend|th)\b[^>]*>(.*?)</\1>", page, flags=re.S | re.I
    )
    texts = []
    for _tag, inner in found:
        text = html.unescape(re.sub(r"<[^>]+>", " ", inner))
        texts.append(" ".join(text.split()))
    return [t for t in texts if t]


def leftover_english(page: str) -> list[str]:
    english = translated_msgids()
    return [text for text in visible_labels(page) if text in english]


@pytest.fixture
def french(app_client: TestClient) -> TestClient:
    app_client.headers.update(FRENCH)
    return app_client


# -- pages ------------------------------------------------------------------------------------


def test_organiser_pages_in_french_have_no_english_heading_or_button(
    world: World, french: TestClient
) -> None:
    sign_in_as(french, world, world.organiser_a)

    index = french.get("/organiser")
    editor = french.get("/organiser/sessions/new?organisation=nl-schools")

    assert index.headers["content-language"] == "fr"
    assert "<h1>Vos sessions</h1>" in index.text
    assert ">Nouvelle session</a>" in index.text
    assert "<h1>Une nouvelle session de Newfoundland Schools</h1>" in editor.text
    assert '<label for="start">Commence à</label>' in editor.text
    assert "Vérifier et enregistrer le brouillon</button>" in editor.text
    assert (leftover_english(index.text), leftover_english(editor.text)) == ([], [])


def test_a_session_page_in_french_says_its_history_in_french(
    world: World, french: TestClient
) -> None:
    sign_in_as(french, world, world.organiser_a)
    uid = organiser.create(french, form())

    page = html.unescape(french.get(f"/organiser/sessions/{uid}").text)

    assert "créée par amina@example.org (révision 1)" in page
    assert "Soumettre pour relecture</button>" in page
    assert '<h2 id="history-title">Historique</h2>' in page


def test_organiser_pages_in_english_by_default(world: World, app_client: TestClient) -> None:
    sign_in_as(app_client, world, world.organiser_a)

    editor = app_client.get("/organiser/sessions/new?organisation=nl-schools")

    assert editor.headers["content-language"] == "en"
    assert "<h1>A new session of Newfoundland Schools</h1>" in editor.text
    assert "Check and save the draft</button>" in editor.text
    # The leftover check can fail: on the English page it finds the English texts.
    assert {"Starts at", "Time zone", "Check and save the draft"} <= set(
        leftover_english(editor.text)
    )


def test_admin_pages_in_french_have_no_english_heading_or_button(
    world: World, french: TestClient
) -> None:
    sign_in_as(french, world, world.admin)
    pages = {
        path: french.get(path)
        for path in (
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
    }

    assert {path: r.status_code for path, r in pages.items()} == dict.fromkeys(pages, 200)
    assert "<h1>Administration</h1>" in pages["/admin"].text
    assert ">File de relecture</a>" in pages["/admin"].text
    assert "<h1>Personnes et rôles</h1>" in pages["/admin/people"].text
    assert "<h1>Vérification des fuseaux</h1>" in pages["/admin/tz-check"].text
    assert ">Créer l’édition</button>" in pages["/admin/editions/new"].text
    assert {path: leftover_english(r.text) for path, r in pages.items()} == dict.fromkeys(pages, [])


def test_signin_page_in_french(french: TestClient) -> None:
    page = french.get("/signin")

    assert "<h1>Se connecter</h1>" in page.text
    assert '<label for="password">Mot de passe</label>' in page.text
    assert f"Mot de passe oublié{NBSP}?" in page.text
    assert leftover_english(page.text) == []


# -- errors -----------------------------------------------------------------------------------


def test_a_gap_is_refused_in_french_with_the_city_named(world: World, french: TestClient) -> None:
    sign_in_as(french, world, world.organiser_a)

    response = post_new(french, form(edition=SPRING, date="2027-03-14", start="02:30"))

    assert response.status_code == 400
    assert field_error(response.text, "start") == (
        f"02:30 n’existe pas à Saint-Jean de Terre-Neuve le dim. 14 mars 2027{NBSP}: cette "
        "nuit-là, les horloges avancent de 02:00 à 03:00. Choisissez 01:59 ou avant, ou 03:00 "
        "ou après."
    )
    assert f"<strong>Rien n’a été enregistré.</strong> 1 point demande votre attention{NBSP}:" in (
        response.text
    )
    assert ">Utiliser 03:00</button>" in response.text


def test_an_empty_title_is_refused_in_french(world: World, french: TestClient) -> None:
    sign_in_as(french, world, world.organiser_a)

    response = post_new(french, form(title=""))

    assert response.status_code == 400
    assert field_error(response.text, "title") == "Un titre est obligatoire."


def test_a_zone_typed_in_french_is_found_by_its_french_name(
    world: World, french: TestClient
) -> None:
    sign_in_as(french, world, world.organiser_a)

    preview = post_new(french, form(zone="Katmandou"))
    found = french.get("/organiser/zones.json?q=Katmandou").json()["zones"]

    assert preview.status_code == 200
    assert "dim. 24 janv. 2027, 09:00, heure de Katmandou (UTC+05:45) = 03:15 UTC" in html.unescape(
        preview.text
    )
    assert [(z["zone"], z["label"]) for z in found] == [
        ("Asia/Kathmandu", "Katmandou, Népal (UTC+05:45)")
    ]


def test_a_time_that_happens_twice_is_asked_in_french(world: World, french: TestClient) -> None:
    sign_in_as(french, world, world.organiser_a)

    response = post_new(french, form(edition=AUTUMN, date="2027-11-07", start="01:30"))

    assert response.status_code == 400
    assert (
        "01:30 a lieu deux fois à Saint-Jean de Terre-Neuve le dim. 7 nov. 2027, quand les "
        "horloges reculent. Choisissez laquelle vous voulez dire."
    ) in html.unescape(response.text)
    assert f"<legend>Quelle heure 01:30{NBSP}?</legend>" in response.text


def test_editor_time_errors_follow_the_language_of_the_moment() -> None:
    edition = Edition(slug=SPRING, name="Spring", first_day=NOW.date(), last_day=NOW.date())
    typed = Typed({"date": "2027-03-14", "start": "02:30", "duration": "60"})
    typed.values["zone"] = "Europe/London"
    typed.values["start"] = "01:30"
    typed.values["date"] = "2027-03-28"

    with i18n.use_locale("fr"):
        french = check_time(typed, edition, NOW).errors["start"]
    english = check_time(typed, edition, NOW).errors["start"]

    assert french.startswith("01:30 n’existe pas à Londres le dim. 28 mars 2027")
    assert english.startswith("01:30 does not exist in London on Sun 28 Mar 2027")


def test_the_meaning_of_a_time_is_said_in_french_with_cities_named() -> None:
    found = meaning.explain(datetime(2027, 1, 24, 9, 0), "Asia/Kathmandu", 60)  # noqa: DTZ001

    with i18n.use_locale("fr"):
        french = sentence(found)
    english = sentence(found)

    assert french == (
        "dim. 24 janv. 2027, 09:00, heure de Katmandou (UTC+05:45) = 03:15 UTC = 22:15 "
        "(sam. 23), heure de New York = 04:15, heure de Paris"
    )
    assert english == found.sentence
    assert english.startswith("Sun 24 Jan 2027, 09:00 in Kathmandu (UTC+05:45) = 03:15 UTC")


@pytest.fixture
def signin_client(settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    add_account(settings, "ana@example.org", name="Ana")
    with TestClient(create_app(settings, clock=clock)) as client:
        client.headers.update(FRENCH)
        yield client


def test_signin_error_in_french_keeps_its_status(signin_client: TestClient) -> None:
    wrong = sign_in_by_form(signin_client, "ana@example.org", "not the password")
    right = sign_in_by_form(signin_client, "ana@example.org", PASSWORD)

    assert wrong.status_code == 403
    assert (
        "Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte. Vérifiez les "
        "deux, ou réinitialisez votre mot de passe par e-mail."
    ) in html.unescape(wrong.text)
    assert right.status_code == 303


def test_the_reset_mail_is_in_the_language_of_the_page_it_was_asked_from(
    signin_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = csrf_from(signin_client.get("/signin/reset").text)
    with caplog.at_level(logging.WARNING, logger="festival.mail"):
        answer = signin_client.post(
            "/signin/reset", data={"csrf_token": token, "email": "ana@example.org"}
        )

    assert answer.status_code == 200
    assert "Subject: Réinitialisez votre mot de passe du #LearningPlanet Festival" in caplog.text
    assert "Bonjour Ana,\n\nQuelqu’un (vous, nous l’espérons) a demandé" in caplog.text
    assert "http://testserver/reset/" in caplog.text


def test_a_proposal_in_the_gap_is_refused_in_french(
    proposal_editions: Settings, clock: FixedClock
) -> None:
    gap = {**proposals_test.GOOD, "edition": "spring-2027", "date": "2027-03-14"}
    with admin_browser.browser(proposal_editions, clock) as b:
        b.client.headers.update(FRENCH)
        refused = b.post("/propose", {**gap, "start": "02:30"})

    assert refused.status_code == 400
    assert admin_browser.field_error(refused.text, "start") == (
        f"02:30 n’existe pas à Saint-Jean de Terre-Neuve le dim. 14 mars 2027{NBSP}: cette "
        "nuit-là, les horloges avancent de 02:00 à 03:00. Choisissez 01:59 ou avant, ou 03:00 "
        "ou après."
    )
    assert '<label for="title">Titre</label>' in refused.text


def test_error_codes_stay_the_same_in_french(world: World, french: TestClient) -> None:
    """A refusal answered as JSON keeps its stable code; only its message is French."""
    sign_in_as(french, world, world.organiser_b)

    response = french.get(
        "/organiser/sessions/new?organisation=nl-schools", headers={"Accept": "application/json"}
    )

    assert response.status_code == 403
    assert "Seuls les organisateurs de cette organisation" in html.unescape(response.text)
    assert "auth.forbidden" in response.text

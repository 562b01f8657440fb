"""The language of a request: ``?locale=`` > ``lang`` cookie > ``Accept-Language`` > English;
pages in French; the language switch; the JavaScript catalogue."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from festival import i18n


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, "", "en"),
        (None, None, "fr-CA", "fr"),
        (None, None, "fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        (None, None, "de", "en"),
        (None, None, "de-DE,fr;q=0.5,en;q=0.4", "fr"),
        (None, None, "en;q=0.3,fr;q=0.9", "fr"),
        (None, None, "fr;q=0,en", "en"),
        (None, None, "*", "en"),
        (None, None, "x" * 5000, "en"),
        (None, "en", "fr", "en"),
        (None, "fr", "en", "fr"),
        (None, "de", "fr", "fr"),
        ("fr", "en", "en", "fr"),
        ("FR", None, "", "fr"),
        ("xx", "fr", "en", "fr"),
        ("xx", None, "en", "en"),
    ],
)
def test_negotiate(query: str | None, cookie: str | None, header: str, expected: str) -> None:
    assert i18n.negotiate(query, cookie, header) == expected


def lang_of(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, html[:200]
    return match.group(1)


def test_english_by_default_and_french_from_accept_language(client: TestClient) -> None:
    english = client.get("/celebrations")
    assert english.status_code == 200
    assert lang_of(english.text) == "en"
    assert "Skip to main content" in english.text
    assert "Accept-Language" in english.headers["vary"] and "Cookie" in english.headers["vary"]
    assert english.headers["content-language"] == "en"
    french = client.get("/celebrations", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert lang_of(french.text) == "fr"
    assert "Aller au contenu principal" in french.text
    assert ">Accueil</a>" in french.text
    assert "Skip to main content" not in french.text
    assert french.headers["content-language"] == "fr"
    assert "set-cookie" not in french.headers or "lang=" not in french.headers["set-cookie"]
    assert lang_of(client.get("/celebrations", headers={"Accept-Language": "de"}).text) == "en"


def test_lang_query_sets_a_cookie_that_beats_the_header(client: TestClient) -> None:
    response = client.get("/celebrations?locale=fr", headers={"Accept-Language": "en"})
    assert lang_of(response.text) == "fr"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("lang=fr;")
    assert "Max-Age=31536000" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    # The client keeps the cookie: the next page is French although the browser asks English.
    again = client.get("/celebrations", headers={"Accept-Language": "en"})
    assert lang_of(again.text) == "fr"
    assert "lang=" not in again.headers.get("set-cookie", "")
    back = client.get("/celebrations?locale=en")
    assert lang_of(back.text) == "en" and back.headers["set-cookie"].startswith("lang=en;")


def test_an_invalid_lang_is_ignored(client: TestClient) -> None:
    response = client.get("/celebrations?locale=xx", headers={"Accept-Language": "fr"})
    assert lang_of(response.text) == "fr"
    assert "set-cookie" not in response.headers or "lang=" not in response.headers["set-cookie"]
    injected = client.get("/celebrations", headers={"Cookie": "lang=<script>"})
    assert lang_of(injected.text) == "en"


def test_the_language_switch_keeps_the_path_and_query(client: TestClient) -> None:
    html = client.get("/celebrations?tz=Asia/Kathmandu&lang=es&locale=fr").text
    switch = re.search(r'<nav class="language-switch"[^>]*>(.*?)</nav>', html, re.S)
    assert switch, html
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)"[^>]*>([^<]+)</a>', switch.group(1))
    assert links == [
        ("/celebrations?tz=Asia%2FKathmandu&amp;lang=es&amp;locale=en", "en", "English"),
        ("/celebrations?tz=Asia%2FKathmandu&amp;lang=es&amp;locale=fr", "fr", "Français"),
    ]
    assert 'aria-current="true">Français' in switch.group(1)
    assert 'aria-label="Langue"' in html


def test_the_js_catalogue_is_json_of_the_current_language(client: TestClient) -> None:
    def catalogue(html: str) -> object:
        match = re.search(
            r'<script type="application/json" id="js-catalogue">(.*?)</script>', html, re.S
        )
        assert match
        return json.loads(match.group(1))

    assert catalogue(client.get("/celebrations").text) == {}
    french = catalogue(client.get("/celebrations?locale=fr").text)
    assert french == i18n._js_table("fr")
    assert isinstance(french, dict)


def test_js_table_shape(tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    path = i18n.po_path("fr", "room", base)
    path.parent.mkdir(parents=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Send"\nmsgstr "Envoyer"\n\n'
        '#, fuzzy\nmsgid "Ask"\nmsgstr "Demander"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        'msgid "{n} vote"\nmsgid_plural "{n} votes"\nmsgstr[0] "{n} vote"\nmsgstr[1] "{n} votes"\n',
        encoding="utf-8",
    )
    assert i18n._js_table("fr", base) == {"Send": "Envoyer", "{n} vote": ["{n} vote", "{n} votes"]}


def test_websocket_scope_gets_the_locale() -> None:
    import asyncio

    seen: list[str] = []

    async def app(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        seen.append(i18n.current_locale())
        seen.append(scope["state"]["locale"])

    middleware = i18n.LocaleMiddleware(app)  # type: ignore[arg-type]
    scope = {
        "type": "websocket",
        "path": "/ws/rooms/x",
        "query_string": b"",
        "headers": [(b"accept-language", b"fr-FR")],
    }
    asyncio.run(middleware(scope, None, None))  # type: ignore[arg-type]
    assert seen == ["fr", "fr"]
    assert i18n.current_locale() == "en"


def test_a_french_page_names_the_zone_with_cldr_city_and_french_dates(
    demo_client: TestClient,
) -> None:
    english = demo_client.get("/", params={"tz": "Asia/Kathmandu"})
    french = demo_client.get(
        "/", params={"tz": "Asia/Kathmandu"}, headers={"Accept-Language": "fr"}
    )
    assert english.status_code == french.status_code == 200
    assert lang_of(french.text) == "fr"
    assert "Katmandou (UTC+05:45)" in french.text
    assert "Kathmandu (UTC+05:45)" in english.text and "Katmandou" not in english.text
    assert "En direct dans le monde" in french.text and "Live now around the world" in english.text
    # Dates from CLDR: French day and month names, never English ones.
    assert re.search(r"(dim|lun|mar|mer|jeu|ven|sam)\. \d\d (janv|févr)\.", french.text)
    assert not re.search(r"\b(Sun|Mon|Sat) \d\d Jan\b", french.text)
    # The footer says the zone in French, with the city.
    assert "Heures affichées\u00a0: Katmandou (UTC+05:45)." in french.text


def test_an_api_error_keeps_its_code_and_says_it_in_french(demo_client: TestClient) -> None:
    path = "/api/editions/no-such-edition/sessions"
    english = demo_client.get(path)
    french = demo_client.get(path, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert english.status_code == french.status_code == 404
    assert english.json()["error"]["code"] == french.json()["error"]["code"] == "edition.not_found"
    assert english.json()["error"]["message"] == (
        "There is no festival edition called 'no-such-edition'."
    )
    assert french.json()["error"]["message"] == (
        "Il n’existe pas d’édition du festival appelée 'no-such-edition'."
    )
    assert "Accept-Language" in french.headers["vary"]


def test_the_error_page_is_french(client: TestClient) -> None:
    page = client.get("/no/such/page", headers={"Accept-Language": "fr"})
    assert page.status_code == 404
    assert "<h1>Introuvable</h1>" in page.text
    assert "Code d’erreur\u00a0: <code>" in page.text


def test_session_titles_carry_the_session_language(demo_client: TestClient) -> None:
    sessions = demo_client.get("/api/editions/learningplanet-2027/sessions").json()["sessions"]
    spanish = next(s for s in sessions if s["languages"][0] == "es")
    page = demo_client.get(f"/sessions/{spanish['uid']}", headers={"Accept-Language": "fr"})
    assert lang_of(page.text) == "fr"
    assert '<h1 id="session-title" dir="auto" lang="es">' in page.text
    assert "espagnol" in page.text  # the language's name, from CLDR in French


def test_feeds_in_french_parse_and_never_reach_an_english_reader(
    demo_client: TestClient, demo_settings: object
) -> None:
    from icalendar import Calendar

    from tests.festival.test_agenda import feed_url, published_uids, save

    path = "/editions/learningplanet-2027/calendar.ics"
    # French first, so that an English copy could only come from a cache mixing languages.
    french = demo_client.get(path, headers={"Accept-Language": "fr"})
    english = demo_client.get(path)
    assert french.status_code == english.status_code == 200
    assert (
        french.headers["content-language"] == "fr" and english.headers["content-language"] == "en"
    )
    assert "Accept-Language" in english.headers["vary"]
    fr_events = Calendar.from_ical(french.content).walk("VEVENT")
    en_events = Calendar.from_ical(english.content).walk("VEVENT")
    assert len(fr_events) == len(en_events) > 10
    assert all("Organisée par" in str(e["DESCRIPTION"]) for e in fr_events)
    assert all("Organised by" in str(e["DESCRIPTION"]) for e in en_events)
    assert not any("Organisée" in str(e["DESCRIPTION"]) for e in en_events)
    assert french.headers["etag"] != english.headers["etag"]

    # A personal agenda: its title is French when asked in French (?locale=, as its links say).
    save(demo_client, published_uids(demo_settings, 1)[0])  # type: ignore[arg-type]
    agenda_path = feed_url(demo_client)
    agenda_fr = Calendar.from_ical(demo_client.get(agenda_path + "?locale=fr").content)
    assert str(agenda_fr["X-WR-CALNAME"]) == "Mon agenda #LearningPlanet"
    demo_client.cookies.clear()
    agenda_en = Calendar.from_ical(demo_client.get(agenda_path).content)
    assert str(agenda_en["X-WR-CALNAME"]) == "My #LearningPlanet agenda"


def test_feed_links_on_a_french_page_ask_for_french(demo_client: TestClient) -> None:
    path = "/editions/learningplanet-2027/calendar"
    french = demo_client.get(path, headers={"Accept-Language": "fr"}).text
    english = demo_client.get(path).text
    assert "Tout le festival" in french
    assert "/editions/learningplanet-2027/calendar.ics?locale=fr" in french
    assert "/editions/learningplanet-2027/calendar.ics?download=1" in english
    assert "locale=" not in english.split("<main", 1)[1].split("</main>", 1)[0]


def test_mail_says_its_language() -> None:
    from email import message_from_bytes

    from festival.mail import Mail, _message
    from festival.settings import SmtpSettings

    smtp = SmtpSettings("127.0.0.1", sender="Festival <festival@example.org>")
    english = _message(smtp, Mail("a@example.org", "Hello", "Body"))
    with i18n.use_locale("fr"):
        french = _message(smtp, Mail("a@example.org", "Bonjour", "Corps"))
        chosen = _message(smtp, Mail("a@example.org", "Hi", "Body", language="en"))
    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"
    assert chosen["Content-Language"] == "en"
    assert message_from_bytes(french.as_bytes())["Subject"] == "Bonjour"


def test_the_zone_picker_finds_french_names_on_a_french_page(demo_client: TestClient) -> None:
    french = {"Accept-Language": "fr"}
    page = demo_client.get("/programme", params={"tz": "Katmandou"}, headers=french)
    assert page.status_code == 200
    assert 'data-viewer-zone="Asia/Kathmandu"' in page.text
    assert "Katmandou (UTC+05:45)" in page.text
    # English names still work on a French page, French ones in English do not.
    assert 'data-viewer-zone="Asia/Kolkata"' in (
        demo_client.get("/programme", params={"tz": "Inde"}, headers=french).text
    )
    assert 'data-viewer-zone="Asia/Kolkata"' in (
        demo_client.get("/programme", params={"tz": "India"}, headers=french).text
    )
    demo_client.cookies.clear()
    english = demo_client.get("/programme", params={"tz": "Katmandou"})
    assert english.status_code == 400 and "Type a city or a country" in english.text
    refused = demo_client.get("/programme", params={"tz": "Atlantis"}, headers=french)
    assert refused.status_code == 400
    assert "&#39;Atlantis&#39; n’est pas un fuseau horaire. Saisissez une ville ou un pays" in (
        refused.text
    )
    several = demo_client.get("/programme", params={"tz": "Argentine"}, headers=french)
    assert "fuseaux correspondent à «\u00a0Argentine\u00a0»" in several.text
    assert "Ushuaïa" in several.text or "Ushuaia" in several.text


def test_the_organisers_time_reads_in_french(demo_client: TestClient) -> None:
    sessions = demo_client.get("/api/editions/learningplanet-2027/sessions").json()["sessions"]
    kathmandu = next(s for s in sessions if s["local"]["tz"] == "Asia/Kathmandu")
    path = f"/sessions/{kathmandu['uid']}"
    french = demo_client.get(
        path, params={"tz": "Africa/Nairobi"}, headers={"Accept-Language": "fr"}
    )
    english = demo_client.get(path, params={"tz": "Africa/Nairobi"})
    organiser_fr = re.search(r"<dd data-organiser-time>([^<]+)</dd>", french.text)
    organiser_en = re.search(r"<dd data-organiser-time>([^<]+)</dd>", english.text)
    assert organiser_fr and organiser_en
    assert re.fullmatch(
        r"(dim|lun|mar|mer|jeu|ven|sam)\. \d\d janv\., \d\d:\d\d, "
        r"heure de Katmandou \(UTC\+05:45\)",
        organiser_fr.group(1),
    ), organiser_fr.group(1)
    assert re.fullmatch(
        r"(Sun|Mon|Sat) \d\d Jan, \d\d:\d\d in Kathmandu \(UTC\+05:45\)", organiser_en.group(1)
    ), organiser_en.group(1)
    assert "Heure de l’organisateur" in french.text


def test_api_data_stays_english_for_a_french_reader(demo_client: TestClient) -> None:
    french = {"Accept-Language": "fr"}
    english = demo_client.get("/api/organisations").json()
    in_french = demo_client.get("/api/organisations", headers=french).json()
    assert english == in_french
    toolkits = demo_client.get("/api/toolkits", headers=french).json()
    assert toolkits == demo_client.get("/api/toolkits").json()
    assert "Ethiopia" in str(english) and "Éthiopie" not in str(in_french)


def test_the_language_switch_survives_pages_with_their_own_languages(
    demo_client: TestClient,
) -> None:
    # The calendar page's context has "languages" (its filter's): the switch is still there.
    html = demo_client.get("/editions/learningplanet-2027/calendar").text
    switch = re.search(r'<nav class="language-switch"[^>]*>(.*?)</nav>', html, re.S)
    assert switch and 'hreflang="fr">Français</a>' in switch.group(1)


def test_times_in_french_come_from_cldr_and_english_is_unchanged() -> None:
    from datetime import UTC, date, datetime

    from festival import times

    start = datetime(2027, 1, 24, 8, 15, tzinfo=UTC)
    end = datetime(2027, 1, 24, 9, 45, tzinfo=UTC)
    english = (
        times.format_range(start, end, "Asia/Kathmandu"),
        times.long_day(date(2027, 1, 24)),
        times.month_day(date(2027, 1, 24)),
        times.hours_text(80),
        times.hours_text(0),
        times.zone_city("America/St_Johns"),
    )
    with i18n.use_locale("fr"):
        french = (
            times.format_range(start, end, "Asia/Kathmandu"),
            times.long_day(date(2027, 1, 24)),
            times.month_day(date(2027, 1, 24)),
            times.hours_text(80),
            times.hours_text(0),
            times.zone_city("America/St_Johns"),
        )
    assert english == (
        "Sun 24 Jan, 14:00–15:30 Kathmandu (UTC+05:45)",
        "Sunday 24 January 2027",
        "January 24",
        "3 days",
        "less than a minute",
        "St Johns",
    )
    assert french == (
        "dim. 24 janv., 14:00–15:30 Katmandou (UTC+05:45)",
        "dimanche 24 janvier 2027",
        "24 janvier",
        "3 jours",
        "moins d’une minute",
        "Saint-Jean de Terre-Neuve",
    )


def test_the_live_banner_in_french(demo_client: TestClient) -> None:
    html = demo_client.get("/", headers={"Accept-Language": "fr"}).text
    assert re.search(
        r"Nous sommes le 24 janvier dans <strong>\d+</strong> fuseaux horaires en ce moment "
        r"\(\d+ décalages UTC différents\)\u00a0; il reste <strong>[^<]+</strong>\.",
        html,
    ), html[html.find("banner") : html.find("banner") + 400]

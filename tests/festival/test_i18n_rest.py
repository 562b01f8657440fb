"""French for the rest of the site's messages: form and field problems (numbers kept), store and
upload refusals, and the proposal mails written in the language the proposal was sent in."""

from __future__ import annotations

import ast
import html
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from festival import editions, filetypes, organisations, sessions, toolkits, uploads, zonenames
from festival.errors import BadRequestError
from festival.forms import Fields, too_long
from festival.i18n import ngettext, use_locale
from festival.scheduling_text import NOTE_SAY, SAY, SKIP_SAY, note_text, say, skip_reason
from festival.settings import Settings, SmtpSettings
from scheduling import ics_import, programme, tz, window
from scheduling.clock import FixedClock
from scheduling.errors import FilterError, SchedulingError
from scheduling.zonesearch import Place, ZoneMatch
from tests.festival.admin_browser import browser
from tests.festival.mailserver import smtp_server
from tests.festival.programme_seed import add_edition
from tests.festival.test_proposals import GOOD, stored
from tests.festival.test_sessions import entered

NBSP = "\u00a0"
ROOT = Path(__file__).resolve().parents[2]


def test_a_field_too_long_says_its_label_and_number_in_french() -> None:
    with use_locale("fr"):
        fields = Fields({"name": "x" * 201, "website": "ftp://x"})
        assert organisations.read_form(fields) is None
        assert fields.errors["name"] == f"Le nom{NBSP}: 200 caractères au plus."
        assert fields.errors["website"] == (
            "Donnez une adresse web commençant par https:// (ou laissez le champ vide)."
        )
        assert fields.errors["kind"] == "Choisissez le type d’organisation."
        assert too_long(1) == "Ce texte dépasse 1 caractère."
    with use_locale("en"):  # English unchanged
        fields = Fields({"name": "x" * 201})
        organisations.read_form(fields)
        assert fields.errors["name"] == "The name is longer than 200 characters."
        assert too_long(5000) == "This is longer than 5000 characters."


def test_edition_and_toolkit_problems_in_french() -> None:
    with use_locale("fr"):
        edition = Fields({"slug": "Bad Slug", "first_day": "2028-01-24", "last_day": "2030-01-01"})
        assert editions.read_form(edition, creating=True) is None
        kit = Fields({"title": "", "languages": "english", "topics": ",".join("abcdefghijklmn")})
        assert toolkits.read_form(kit, {}) is None
    assert edition.errors["slug"].endswith("(80 caractères au plus).")
    assert edition.errors["last_day"] == "Une édition dure au plus 366 jours."
    assert edition.errors["kind"] == "Choisissez le type d’édition."
    assert kit.errors["title"] == "Donnez un titre à la boîte à outils."
    assert kit.errors["languages"].startswith("Indiquez les langues par des codes")
    assert kit.errors["age_groups"] == "Choisissez au moins une tranche d’âge."
    assert kit.errors["topics"] == "Indiquez au plus 10 thèmes."


def test_and_n_more_has_a_french_plural() -> None:
    with use_locale("fr"):
        one = ngettext("%(titles)s and %(num)s more", "%(titles)s and %(num)s more", 1, titles="a")
        two = ngettext("%(titles)s and %(num)s more", "%(titles)s and %(num)s more", 2, titles="a")
    assert (one, two) == ("a et 1 autre", "a et 2 autres")


def test_session_rules_in_french_and_english() -> None:
    with use_locale("fr"), pytest.raises(BadRequestError) as french:
        sessions.validate_input(entered(title="x" * 201, capacity=0))
    with pytest.raises(BadRequestError) as english:
        sessions.validate_input(entered(title="x" * 201, capacity=0))
    assert french.value.message == (
        "Le titre dépasse 200 caractères; la capacité doit être d’au moins 1."
    )
    assert english.value.message == (
        "The title is longer than 200 characters; capacity must be at least 1."
    )
    assert french.value.code == english.value.code == "session.invalid"


def test_upload_refusals_in_french_keep_their_codes() -> None:
    with use_locale("fr"):
        with pytest.raises(filetypes.Refused) as empty:
            filetypes.sniff(b"")
        with pytest.raises(filetypes.Refused) as markup:
            filetypes.sniff(b"<html><script>alert(1)</script></html>")
        too_large = uploads.too_large(5 * 1024 * 1024)
    assert (empty.value.message, empty.value.code) == ("Le fichier est vide.", "file.empty")
    assert markup.value.code == "file.markup_refused"
    assert markup.value.message.endswith(
        f"{NBSP}: envoyez des PDF, des images (PNG, JPEG, GIF, WebP), des documents "
        "bureautiques ou du texte brut."
    )
    assert too_large.message.startswith(f"Le fichier dépasse 5{NBSP}Mo,")
    assert too_large.code == "file.too_large"


@pytest.fixture
def festival_2027(settings: Settings) -> Settings:
    add_edition(settings, "learningplanet-2027", date(2027, 1, 24))
    return settings


def send(settings: Settings, clock: FixedClock, locale: str, **changes: str) -> int:
    with browser(settings, clock, address="192.0.2.1") as b:
        b.client.cookies.set("lang", locale)
        assert b.post("/propose", {**GOOD, **changes}).status_code == 303
    return stored(settings)[-1].id or 0


def test_proposal_mails_are_written_in_the_language_the_proposal_was_sent_in(
    festival_2027: Settings, clock: FixedClock
) -> None:
    from tests.festival.accounts_seed import add_account

    admin = add_account(festival_2027, "admin@example.org", name="Ada", is_admin=True)
    french = send(festival_2027, clock, "fr")
    english = send(festival_2027, clock, "en", title="Second", contact_email="jo@example.org")
    declined_fr = send(festival_2027, clock, "fr", title="Third", contact_email="lu@example.org")
    assert [p.contact_language for p in stored(festival_2027)] == ["fr", "en", "fr"]
    with smtp_server() as inbox:
        smtp = SmtpSettings("127.0.0.1", inbox.port, "festival@example.org", starttls=False)
        with browser(festival_2027.with_(smtp=smtp), clock, admin) as b:  # the admin reads English
            for proposal in (french, english):
                accepted = b.post(f"/admin/proposals/{proposal}/accept", {"publish": "1"})
                assert accepted.status_code == 303
            declined = b.post(
                f"/admin/proposals/{declined_fr}/decline", {"message": "Complet ce jour-là."}
            )
            assert declined.status_code == 303
    [(_, fr_mail), (_, en_mail), (_, decline_mail)] = inbox.messages
    assert fr_mail["Content-Language"] == "fr"
    assert fr_mail["Subject"] == "St. John's Reading Circles rejoint le #LearningPlanet Festival"
    body = fr_mail.get_content().replace("\r\n", "\n")
    assert body.startswith(f"Bonjour Mary Walsh,\n\nVotre proposition est acceptée{NBSP}:")
    assert "Elle figure désormais au programme du festival." in body
    assert en_mail["Content-Language"] == "en"
    assert en_mail["Subject"] == "St. John's Reading Circles joins the #LearningPlanet Festival"
    assert "Your proposal is accepted" in en_mail.get_content()
    assert decline_mail["Content-Language"] == "fr"
    assert decline_mail["Subject"] == f"Votre proposition au #LearningPlanet Festival{NBSP}: Third"
    assert "L’équipe du festival n’a pas pu l’accepter" in decline_mail.get_content()
    assert "Complet ce jour-là." in decline_mail.get_content()


def test_a_proposal_whose_language_is_no_longer_offered_is_answered_in_english() -> None:
    from festival.models.proposals import Proposal
    from festival.proposals import contact_language

    row = Proposal.model_construct(contact_language="xx")
    assert contact_language(row) == "en"
    assert contact_language(Proposal.model_construct(contact_language="fr")) == "fr"


# -- the scheduling core's errors, said at the festival edge ---------------------------------


def scheduling_errors() -> dict[str, SchedulingError]:
    """One real error of every kind the scheduling core raises, by kind."""
    found: dict[str, SchedulingError] = {}

    def catch(work: Callable[[], object]) -> None:
        try:
            work()
        except SchedulingError as exc:
            found[exc.kind] = exc
        else:
            raise AssertionError("no error")

    for zone in ("", "UTC", "Pacific Standard Time", "Tokyo", "Europe/Atlantis"):
        catch(lambda zone=zone: tz.canonical_name(zone))
    catch(lambda: ics_import.read_tzid("Mars/Olympus_Mons"))
    for params in (
        {"q": ["a", "b"]},
        {"kind": ["keynote"]},
        {"lang": ["english"]},
        {"org": ["no spaces"]},
        {"country": ["Kenya"]},
        {"sdg": ["18"]},
        {"from": ["25:00"], "to": ["26:00"]},
        {"from": ["09:00"]},
        {"day": ["24/01/2027"]},
        {"q": ["x" * 500]},
    ):
        catch(lambda params=params: programme.parse_filters(params))
    gap, twice = (
        datetime.fromisoformat("2027-03-14T02:30"),
        datetime.fromisoformat("2027-11-07T01:30"),
    )
    catch(lambda: tz.to_utc(gap, "America/St_Johns", None))
    catch(lambda: tz.to_utc(twice, "America/St_Johns", None))
    outside = programme.parse_filters({"day": ["2027-02-01"]})
    festival = window.window_for_dates([date(2027, 1, 24)])
    catch(lambda: programme.check_day_in_window(outside, festival, "Asia/Kathmandu"))
    return found


def kinds_raised_in_scheduling() -> set[str]:
    """The ``kind`` literals the scheduling core gives its errors (read from its source)."""
    position = {
        "UnknownZoneError": 2,
        "FilterError": 1,
        "OutsideFestivalError": 1,
        "__init__": 1,
        "_matching": 5,  # its kind, given to FilterError
    }
    kinds = set()
    for path in (ROOT / "scheduling").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                index = position.get(name)
                if index is not None and len(node.args) > index:
                    arg = node.args[index]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        kinds.add(arg.value)
    return kinds


def test_every_kind_of_scheduling_error_is_said_in_french() -> None:
    errors = scheduling_errors()
    assert set(errors) == set(SAY) == kinds_raised_in_scheduling()
    for kind, exc in errors.items():
        with use_locale("en"):
            assert say(exc) == exc.message, kind  # English: the core's sentence, unchanged
        with use_locale("fr"):
            french = say(exc)
        assert french != exc.message, kind
        assert exc.code in {
            "time.unknown_zone",
            "filter.invalid",
            "time.nonexistent",
            "time.ambiguous",
            "time.outside_festival",
        }
    with use_locale("fr"):
        assert say(errors["not_in_tzdb"]) == (
            f"'Europe/Atlantis' n’est pas un fuseau horaire utilisable{NBSP}: absent de la base "
            f"tz{NBSP}; indiquez un nom comme Asia/Tokyo"
        )


def test_an_error_festival_wrote_itself_is_kept_as_it_is() -> None:
    exc = FilterError("Déjà en français.")
    assert say(exc) == "Déjà en français."


def test_a_filter_error_on_the_programme_and_the_api_is_french(demo_client: TestClient) -> None:
    french = {"Accept-Language": "fr"}
    page = demo_client.get("/programme?kind=keynote", headers=french)
    api = demo_client.get("/api/editions/learningplanet-2027/sessions?kind=keynote", headers=french)
    english = demo_client.get("/api/editions/learningplanet-2027/sessions?kind=keynote")

    assert f"kind 'keynote' inconnu{NBSP}; valeurs autorisées" in html.unescape(page.text)
    assert api.status_code == english.status_code == 400
    assert api.json()["error"]["code"] == english.json()["error"]["code"] == "filter.invalid"
    assert "inconnu" in api.json()["error"]["message"]
    assert english.json()["error"]["message"].startswith("Unknown kind 'keynote'; allowed values:")


def test_a_zone_label_says_and_n_more_in_french_with_its_plural() -> None:
    def match(countries: tuple[str, ...], region: str = "") -> ZoneMatch:
        codes = tuple(f"C{n}" for n in range(len(countries)))
        place = Place("America/Puerto_Rico", "Porto Rico", codes, countries, region)
        return ZoneMatch(place, "UTC−04:00")

    four = match(("Porto Rico", "Anguilla", "Aruba", "Bonaire"))
    three = match(("Porto Rico", "Anguilla", "Aruba"), region="most of it")
    with use_locale("en"):  # English: the core's own label, byte for byte
        assert [zonenames.label(m) for m in (four, three)] == [four.label, three.label]
        assert zonenames.label(four) == "Porto Rico, Porto Rico, Anguilla and 2 more (UTC−04:00)"
    with use_locale("fr"):
        assert zonenames.label(four) == "Porto Rico, Porto Rico, Anguilla et 2 autres (UTC−04:00)"
        assert zonenames.label(three) == (
            "Porto Rico, Porto Rico, Anguilla et 1 autre — most of it (UTC−04:00)"
        )


def test_every_reason_an_imported_event_is_left_out_is_said_in_french() -> None:
    from tests.scheduling.test_ics_import import DAYS, NAIROBI, calendar, event

    paris = "DTSTART;TZID=Europe/Paris"
    plan = ics_import.plan_import(
        calendar(
            event("allday", "DTSTART;VALUE=DATE:20270124"),
            event("weekly", "DTSTART:20270124T100000", extra="RRULE:FREQ=WEEKLY;COUNT=3"),
            event("mars", "DTSTART;TZID=Mars/Olympus_Mons:20270124T100000"),
            event("mars-end", "DTSTART:20270124T100000", "DTEND;TZID=Mars/Olympus:20270124T110000"),
            event("tomorrow", "DTSTART;TZID=Asia/Tokyo:20270125T090000"),
            event("cancelled", "DTSTART:20270124T100000", extra="STATUS:CANCELLED"),
            event("untitled", "DTSTART:20270124T100000", summary=""),
            event("long", "DTSTART:20270124T100000", "DTEND:20270126T100000"),
            event("nostart", "DURATION:PT1H"),
            event("dateend", "DTSTART:20270124T100000", "DTEND;VALUE=DATE:20270125"),
            event("garbage", "DTSTART:notatime"),
            event("far", "DTSTART:99991231T235959Z"),
            event("gap", f"{paris}:20270328T023000", "DURATION:PT1H"),
            event(
                "gap-end",
                f"{paris}:20270328T013000",
                f"{paris.replace('START', 'END')}:20270328T023000",
            ),
            event("dup", "DTSTART:20270124T100000"),
            event("dup", "DTSTART:20270124T110000"),
        ),
        NAIROBI,
        [*DAYS, date(2027, 3, 28)],
    )
    # Made where no calendar file reaches them (the database's side, a DURATION that icalendar
    # reads as something else than a length): as festival/importer.py and ics_import write them.
    made = [
        ics_import.SkippedEvent(
            1, "u", "t", "unreadable", "its DURATION could not be read", "unreadable_duration"
        ),
        ics_import.SkippedEvent(
            2,
            "u",
            "t",
            ics_import.ALREADY_IMPORTED,
            "it was imported before (session abc); edit that session instead",
            params={"uid": "abc"},
        ),
        ics_import.SkippedEvent(
            3,
            "u",
            "t",
            ics_import.AMBIGUOUS_TIME,
            "its start 2027-11-07 01:30 happens twice in America/St_Johns: choose the "
            "occurrence on the admin import page (/admin/import)",
            params={"start": "2027-11-07 01:30", "zone": "America/St_Johns"},
        ),
    ]
    skipped = [*plan.skipped, *made]
    assert {s.kind or s.code for s in skipped} == set(SKIP_SAY)
    for s in skipped:
        with use_locale("en"):
            assert skip_reason(s) == s.reason, s.source_uid
        with use_locale("fr"):
            assert skip_reason(s) != s.reason, s.source_uid
    by_uid = {s.source_uid: s for s in plan.skipped}
    with use_locale("fr"):
        assert skip_reason(by_uid["gap"]) == (
            f"son heure de début n’existe pas{NBSP}: 2027-03-28 02:30 n’existe pas à Europe/Paris"
            f"{NBSP}: cette nuit-là, à 02:00, les horloges avancent à 03:00. Choisissez 01:59 ou "
            "plus tôt, ou 03:00 ou plus tard."
        )


def test_what_was_done_to_a_person_is_said_in_french() -> None:
    from festival.routes.admin_people import DONE

    with use_locale("fr"):
        assert DONE["admin"] % {"who": "ada@example.org"} == (
            "ada@example.org est désormais administrateur."
        )
    with use_locale("en"):
        assert DONE["unlinked"] % {"who": "ada@example.org"} == (
            "ada@example.org no longer signs in with that identity."
        )


def test_the_tz_check_page_says_why_a_session_needs_a_decision_in_french(
    settings: Settings, clock: FixedClock
) -> None:
    from tests.festival.accounts_seed import add_account
    from tests.festival.test_admin_tzcheck import arrange

    _moved, gap = arrange(settings)
    admin = add_account(settings, "admin@example.org", is_admin=True)
    with browser(settings, clock, admin) as b:
        french = b.get("/admin/tz-check", headers={"Accept-Language": "fr"})
        english = b.get("/admin/tz-check")
    assert f"{gap} 'Paris workshop': 2027-03-28 02:30 n’existe pas à Europe/Paris{NBSP}:" in (
        html.unescape(french.text)
    )
    assert f"{gap} 'Paris workshop': 2027-03-28 02:30 does not exist in Europe/Paris: at" in (
        html.unescape(english.text)
    )


def test_every_note_on_an_imported_event_is_said_in_french() -> None:
    from tests.scheduling.test_ics_import import DAYS, NAIROBI, calendar, event

    day = "20270124T100000"
    plan = ics_import.plan_import(
        calendar(
            event("utc-name", f"DTSTART;TZID=UTC:{day}", "DURATION:PT1H"),
            event("fixed", f"DTSTART;TZID=Etc/GMT-3:{day}", "DURATION:PT1H"),
            event("windows", f"DTSTART;TZID=E. Africa Standard Time:{day}", "DURATION:PT1H"),
            event(
                "path",
                f"DTSTART;TZID=/mozilla.org/20050126_1/Africa/Nairobi:{day}",
                "DURATION:PT1H",
            ),
            event("floating", f"DTSTART:{day}", "DURATION:PT1H"),
            event("utc", "DTSTART:20270124T070000Z", "DTEND:20270124T080030Z"),
            event("long-title", f"DTSTART:{day}", summary="x" * 250),
        ),
        NAIROBI,
        DAYS,
    )
    st_johns, autumn = "America/St_Johns", [date(2027, 11, 7)]
    folds = ics_import.plan_import(
        calendar(
            event("twice", f"DTSTART;TZID={st_johns}:20271107T013000", "DURATION:PT30M"),
            event(
                "end",
                f"DTSTART;TZID={st_johns}:20271107T003000",
                f"DTEND;TZID={st_johns}:20271107T013000",
            ),
        ),
        st_johns,
        autumn,
    ).sessions
    chosen = [ics_import.choose_occurrence(folds[0], fold) for fold in (0, 1)]
    notes = [n for s in (*plan.sessions, *folds, *chosen) for n in s.notes]

    assert {n.kind for n in notes if isinstance(n, ics_import.Note)} == set(NOTE_SAY)
    assert all(isinstance(n, ics_import.Note) for n in notes)
    for note in notes:
        with use_locale("en"):
            assert note_text(note) == note  # the core's English, unchanged
        with use_locale("fr"):
            assert note_text(note) != note
    with use_locale("fr"):
        assert note_text(plan.sessions[4].notes[0]) == (
            "heure flottante lue dans le fuseau de l’organisateur, Africa/Nairobi"
        )
    assert note_text("a plain note") == "a plain note"

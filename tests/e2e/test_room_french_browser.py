"""The room in French, in Chromium at 320 px: a host and two attendees whose browsers ask for
French (Accept-Language), through chat, Q&A with approval, a poll, a quiz, reactions and an
offline period; axe-core in every room state (lobby, live, ended, moderator view) and no
sideways scroll (French strings are longer).

The same server, rooms and helpers as the English flows (test_room_attendee_browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.audit import axe_source

from .test_room_attendee_browser import (
    SENT,
    Person,
    ask_quiz,
    browser,
    check,
    open_poll,
    room,
    rooms,
    server,
)

pytestmark = pytest.mark.e2e

__all__ = ["browser", "room", "rooms", "server"]  # the English flows' fixtures, shared

FRENCH = "fr-FR"
NBSP = "\u00a0"
# Words of the English room that must not be left on a French page.
ENGLISH = [
    "Connecting",
    "Live now",
    "Lobby",
    "No poll yet",
    "No quiz yet",
    "Say something",
    "Change your name",
    "people here",
    "person here",
    "Send",
]


@pytest.fixture
def french(browser: Any, room: str) -> Iterator[tuple[Person, Person, Person]]:
    host = Person(browser, room, "Hôte", admin=True, locale=FRENCH)
    ana = Person(browser, room, "Ana", locale=FRENCH)
    ben = Person(browser, room, "Ben", locale=FRENCH)
    yield host, ana, ben
    errors = host.errors + ana.errors + ben.errors
    for person in (host, ana, ben):
        person.close()
    assert errors == []


def english_left(person: Person) -> list[str]:
    text = person.page.locator("#room").inner_text()
    return [word for word in ENGLISH if re.search(rf"\b{word}\b", text)]


def test_room_french_flow_with_a_host_and_two_attendees(
    french: tuple[Person, Person, Person],
) -> None:
    host, ana, ben = french
    ana.wait_status("lobby")
    lang = ana.page.locator("html").get_attribute("lang")
    lobby = ana.page.locator("#room-status").inner_text()
    presence = ana.page.locator("#presence-label").inner_text()
    english_in_lobby = english_left(ana) + english_left(host)

    # Questions wait for approval; the host opens the room.
    host.tab("mod")
    host.page.get_by_label("Les questions attendent une approbation").check()
    host.page.get_by_role("button", name="Enregistrer", exact=True).click()
    host.page.click('[data-action="room.open"]')
    ana.announced("La salle est en direct.")
    live = ana.page.locator("#room-status").inner_text()

    ana.chat("Bonjour à tous")
    ben.page.locator(SENT, has_text="Bonjour à tous").wait_for()

    ana.ask("Y aura-t-il un enregistrement ?")
    host.tab("qa")
    pending = host.page.locator("#qa-pending .qa-item", has_text="enregistrement")
    pending.get_by_role("button", name="Approuver").click()
    ben.tab("qa")
    vote = ben.page.locator("#qa-open .qa-item", has_text="enregistrement").locator("button.vote")
    vote.click()
    ben.page.locator('#qa-open button.vote[aria-pressed="true"]').wait_for()
    vote_name = ben.page.get_by_role("button", name=re.compile(r"^1 vote, soutenir")).count()

    open_poll(host, "Où êtes-vous ?", "Afrique\nAsie\nAmériques")
    ben.announced(f"Nouveau sondage{NBSP}: Où êtes-vous ?")
    ben.tab("poll")
    ben.page.get_by_role("button", name="Asie").click()
    total = ben.page.locator(".poll-total", has_text="Vous avez voté.")
    total.wait_for()
    poll_total = total.inner_text()

    ask_quiz(host, "Combien d’ODD ?", "12\n17\n20", correct=2)
    ana.tab("quiz")
    ana.page.locator(".quiz-option", has_text="17").click()
    mine = ana.page.locator(".quiz-option.mine")
    mine.wait_for()
    quiz_mine = mine.inner_text()
    timer = ana.page.locator(".quiz-timer").inner_text()

    ana.page.get_by_role("button", name="Réagir 🎉 fête").click()
    ben.page.locator("#reaction-burst .bubble", has_text="🎉").first.wait_for()

    # Offline for a while: what Ana sees, then her message arrives once.
    ana.context.set_offline(True)
    ana.wait_connection("offline")
    offline_text = ana.page.locator("#room-connection").inner_text()
    ana.chat("écrit dans l’ascenseur")
    sending = ana.page.locator("#chat-list .chat-item.sending .chat-time").inner_text()
    ana.context.set_offline(False)
    ana.wait_connection("open")
    ben.tab("chat")
    ben.page.locator(SENT, has_text="écrit dans l’ascenseur").wait_for()
    delivered = ben.page.locator(SENT, has_text="écrit dans l’ascenseur").count()

    host.tab("mod")
    host.page.locator("#audit li", has_text="A approuvé une question").wait_for()
    host.page.click('[data-action="room.end"]')
    ana.wait_status("ended")
    ended = ana.page.locator("#room-status").inner_text()
    english_at_end = english_left(ana) + english_left(host)

    assert lang == "fr"
    assert (lobby, live, ended) == (
        "En attente",
        "En direct",
        "Cette salle est fermée (lecture seule)",
    )
    assert presence in {"personne présente", "personnes présentes"}
    assert vote_name == 1
    assert poll_total == "1 vote. Vous avez voté."
    assert quiz_mine.endswith("votre réponse")
    assert timer.startswith("Encore ") and timer.endswith(f"{NBSP}s")
    assert offline_text == "Vous êtes hors ligne. La salle se mettra à jour dès votre retour."
    assert sending == "envoi…"
    assert delivered == 1
    assert english_in_lobby == english_at_end == []


def test_room_french_every_state_passes_axe_and_fits_320_px(
    french: tuple[Person, Person, Person],
) -> None:
    host, ana, ben = french
    source = axe_source()
    guest_tabs = ["chat", "qa", "poll", "quiz"]
    host_tabs = [*guest_tabs, "mod"]
    ana.wait_status("lobby")
    problems = check(ana, source, guest_tabs) + check(host, source, host_tabs)

    host.tab("mod")
    host.page.click('[data-action="room.open"]')
    ana.wait_status("live")
    for person in (ana, ben, host):
        person.chat("Un message un peu plus long que d’habitude, pour voir la mise en page")
    ana.ask("Une question assez longue pour tester l’affichage sur un petit écran ?")
    open_poll(host, "Quelle est votre région du monde ?", "Afrique\nAsie\nAmériques")
    ask_quiz(host, "Combien y a-t-il d’objectifs ?", "12\n17\n20", correct=2)
    ana.page.locator(".quiz-option", has_text="17").wait_for(state="attached")
    problems += check(ana, source, guest_tabs) + check(host, source, host_tabs)

    host.tab("mod")
    host.page.click('[data-action="room.end"]')
    ana.wait_status("ended")
    problems += check(ana, source, guest_tabs) + check(host, source, host_tabs)
    assert problems == []

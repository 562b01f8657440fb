"""The room as attendees use it, in Chromium at 320 px: what they see of their own choices,
where the keyboard stays, what a screen reader hears, and axe-core in every room state.

A host (the admin) and guests in one session room of the demo festival on a real server: the
room goes lobby → live → ended, with chat, a question, a poll and a quiz question.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from festival import demo, migrate
from festival.settings import Settings
from scheduling import tz
from tests.e2e.audit import axe_source, axe_violations, overflow
from tests.e2e.browser import chromium

from .rooms_server import RoomServer

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = "attendee-test-admin"
TIMEOUT_MS = 15_000
EDITION = Settings().default_edition
SENT = "#chat-list .chat-item:not(.sending) .chat-text"
# Every value #room's data-connection takes, in order (an init script: before the page's code).
RECORD_STATES = """
window.__states = [];
new MutationObserver((changes) => {
  for (const change of changes) {
    const state = change.target.dataset.connection;
    if (change.attributeName === "data-connection") window.__states.push(state);
  }
}).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-connection"] });
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoomServer]:
    path = tmp_path_factory.mktemp("room-attendee") / "festival.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    asyncio.run(demo.seed_database(url))
    running = RoomServer(url, ADMIN_PASSWORD=ADMIN_PASSWORD).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser(server: RoomServer) -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def session_rooms(server: RoomServer) -> Iterator[str]:
    """Each session's room, one per test: each test its own room, in the lobby."""
    api = f"{server.http}/api/editions/{EDITION}/sessions"
    with urllib.request.urlopen(api, timeout=10) as response:
        sessions = json.loads(response.read())["sessions"]
    for session in sessions:
        yield f"{server.http}/rooms/session-{session['uid']}"


@pytest.fixture(scope="module")
def rooms(server: RoomServer) -> Iterator[str]:
    return session_rooms(server)


class Person:
    """One browser context on a room page, 320 px wide, named; its browser's language is
    ``locale`` (sent as Accept-Language: the site answers in it)."""

    def __init__(
        self, browser: Any, url: str, name: str, admin: bool = False, locale: str = "en-GB"
    ) -> None:
        self.context = browser.new_context(
            timezone_id="America/St_Johns",
            viewport={"width": 320, "height": 640},
            locale=locale,
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.add_cookies([{"name": "tz", "value": "America/St_Johns", "url": url}])
        self.context.add_init_script(RECORD_STATES)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        if admin:
            self.page.goto(url.split("/rooms/")[0] + "/admin/login")
            self.page.fill('input[name="password"]', ADMIN_PASSWORD)
            self.page.locator('form button[type="submit"]').first.click()
            self.page.wait_for_load_state("load")
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.wait_connection("open")
        self.page.fill("#name-input", name)
        self.page.press("#name-input", "Enter")
        self.wait_connection("open")
        self.page.locator(".room.named").wait_for(state="attached")

    def wait_connection(self, state: str) -> None:
        self.page.locator(f'#room[data-connection="{state}"]').wait_for(state="attached")

    def wait_status(self, status: str) -> None:
        self.page.locator(f'#room[data-status="{status}"]').wait_for(state="attached")

    def tab(self, name: str) -> None:
        self.page.click(f'.room-tabs a[data-tab="{name}"]')

    def chat(self, text: str) -> None:
        self.tab("chat")
        self.page.fill("#chat-input", text)
        self.page.click("#chat-form button[type=submit]")

    def ask(self, text: str) -> None:
        self.tab("qa")
        self.page.fill("#qa-input", text)
        self.page.click("#qa-form button[type=submit]")
        self.page.locator(".qa-item", has_text=text).wait_for()

    def focused(self, what: str) -> str:
        value: str = self.page.evaluate(f"document.activeElement?.{what} ?? ''")
        return value

    def announced(self, text: str) -> None:
        self.page.locator("#room-announce", has_text=text).wait_for(state="attached")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def room(rooms: Iterator[str]) -> str:
    return next(rooms)


@pytest.fixture
def people(browser: Any, room: str) -> Iterator[tuple[Person, Person, Person]]:
    host = Person(browser, room, "Host", admin=True)
    ana = Person(browser, room, "Ana")
    ben = Person(browser, room, "Ben")
    yield host, ana, ben
    errors = host.errors + ana.errors + ben.errors
    for person in (host, ana, ben):
        person.close()
    assert errors == []


def check(person: Person, source: str, tabs: list[str]) -> list[str]:
    """axe and the 320 px reflow on each tab of the room; what failed, as lines."""
    problems = []
    for tab in tabs:
        person.tab(tab)
        problems += [f"{tab}: {line}" for line in axe_violations(person.page, source)]
        wide = overflow(person.page)
        if wide is not None:
            problems.append(f"{tab}: {wide['width']} px wide: {wide['wide']}")
    return problems


def test_room_every_state_passes_axe_and_fits_320_px(
    people: tuple[Person, Person, Person],
) -> None:
    host, ana, ben = people
    source = axe_source()
    guest_tabs = ["chat", "qa", "poll", "quiz"]
    host_tabs = [*guest_tabs, "mod"]
    ana.wait_status("lobby")
    problems = check(ana, source, guest_tabs) + check(host, source, host_tabs)

    host.tab("mod")
    host.page.click('[data-action="room.open"]')
    ana.wait_status("live")
    for n in range(7):  # enough for the chat list to scroll; within each one's rate limit
        for person in (ana, ben, host):
            person.chat(f"message {n} from {person.page.locator('#name-input').input_value()}")
    ana.page.locator(SENT, has_text="message 6 from Host").wait_for()
    assert ana.page.evaluate(
        "(list => list.scrollHeight > list.clientHeight)(document.getElementById('chat-list'))"
    )
    ana.ask("Is there a recording afterwards?")
    open_poll(host, "Where are you?", "Africa\nAsia\nAmericas")
    ask_quiz(host, "How many SDGs are there?", "12\n17\n20", correct=2)
    ana.page.locator(".quiz-option", has_text="17").wait_for(state="attached")
    problems += check(ana, source, guest_tabs) + check(host, source, host_tabs)

    host.tab("mod")
    host.page.click('[data-action="room.end"]')
    ana.wait_status("ended")
    problems += check(ana, source, guest_tabs) + check(host, source, host_tabs)
    assert problems == []


def open_poll(host: Person, question: str, options: str) -> None:
    host.tab("poll")
    host.page.fill('#poll-form input[name="question"]', question)
    host.page.fill('#poll-form textarea[name="options"]', options)
    host.page.click("#poll-form button[type=submit]")
    host.page.locator(".poll-question", has_text=question).wait_for()


def ask_quiz(host: Person, text: str, options: str, correct: int) -> None:
    host.tab("quiz")
    host.page.fill('#quiz-form input[name="text"]', text)
    host.page.fill('#quiz-form textarea[name="options"]', options)
    host.page.fill('#quiz-form input[name="correct"]', str(correct))
    host.page.fill('#quiz-form input[name="seconds"]', "60")
    host.page.click("#quiz-form button[type=submit]")
    host.page.locator("#quiz-prepared li", has_text=text).wait_for()
    host.page.click('#quiz-controls [data-action="quiz.ask"]')


def background(locator: Any) -> str:
    value: str = locator.evaluate("node => getComputedStyle(node).backgroundColor")
    return value


def test_room_own_upvote_and_quiz_answer_are_visible(
    people: tuple[Person, Person, Person],
) -> None:
    host, ana, ben = people
    host.tab("mod")
    host.page.click('[data-action="room.open"]')
    ana.wait_status("live")
    ben.ask("First question from Ben")
    ben.ask("Second question from Ben")
    ana.tab("qa")
    first = ana.page.locator(".qa-item", has_text="First question").locator("button.vote")
    second = ana.page.locator(".qa-item", has_text="Second question").locator("button.vote")
    unvoted = background(first)
    first.click()
    ana.page.locator(
        '.qa-item:has-text("First question") button.vote[aria-pressed="true"]'
    ).wait_for()
    # Its accessible name starts with what is seen (WCAG 2.5.3): the count, then the action.
    name = ana.page.get_by_role("button", name=re.compile(r"^1 vote, upvote")).first
    voted_text = name.inner_text()

    ask_quiz(host, "Which is an ocean?", "Sahara\nPacific\nAndes", correct=2)
    ana.tab("quiz")
    ana.page.locator(".quiz-option", has_text="Pacific").click()
    mine = ana.page.locator(".quiz-option.mine")
    mine.wait_for()
    other = ana.page.locator(".quiz-option", has_text="Sahara")
    looks = {
        "voted": background(first),
        "unvoted": background(second),
        "unvoted before": unvoted,
        "mine": background(mine),
        "other": background(other),
        "mine text": mine.inner_text(),
        "other disabled": other.is_disabled(),
        "other opacity": other.evaluate("node => getComputedStyle(node).opacity"),
    }
    assert looks["voted"] != looks["unvoted"]
    assert looks["unvoted"] == looks["unvoted before"]
    assert "✓" in voted_text
    assert looks["mine"] != looks["other"]
    assert looks["mine text"].endswith("your answer")
    assert looks["other disabled"] is True
    assert float(looks["other opacity"]) < 1


def test_room_keeps_the_keyboard_after_a_name_and_votes(
    people: tuple[Person, Person, Person],
) -> None:
    host, ana, ben = people
    # Entering the name (in the fixture, with Enter) left the keyboard in the chat box.
    assert ana.focused("id") == "chat-input"
    host.tab("mod")
    host.page.click('[data-action="room.open"]')
    ana.wait_status("live")
    host.ask("A question to vote for")
    host.ask("Another question")
    ana.tab("qa")
    vote = ana.page.locator(".qa-item", has_text="A question to vote for").locator("button.vote")
    vote.focus()
    ana.page.keyboard.press("Enter")
    ana.page.locator('button.vote[aria-pressed="true"]').wait_for()
    after_own_vote = ana.focused("dataset.focusKey")
    # Someone else's vote redraws Ana's list: her keyboard stays where it was.
    ben.tab("qa")
    ben.page.locator(".qa-item", has_text="Another question").locator("button.vote").click()
    ana.page.locator(".qa-item", has_text="Another question").locator(
        ".vote-count", has_text="1"
    ).wait_for()
    after_other_vote = ana.focused("dataset.focusKey")
    open_poll(host, "Tea or coffee?", "Tea\nCoffee")
    ana.tab("poll")
    ana.page.get_by_role("button", name="Tea").focus()
    ana.page.keyboard.press("Enter")
    ana.page.locator(".poll-total", has_text="You voted").wait_for()
    after_poll = ana.focused("className")
    assert after_own_vote.endswith("-vote") and after_own_vote != ""
    assert after_other_vote == after_own_vote
    assert after_poll == "poll-total"


def test_room_announces_questions_polls_quiz_and_status(
    people: tuple[Person, Person, Person],
) -> None:
    host, ana, _ = people
    host.tab("mod")
    host.page.click('[data-action="room.open"]')
    ana.announced("The room is live now.")
    host.ask("Can you hear me?")
    ana.announced("New question from Host: Can you hear me?")
    open_poll(host, "Ready?", "Yes\nNo")
    ana.announced("New poll: Ready?")
    ask_quiz(host, "2 + 2?", "4\n5", correct=1)
    ana.announced("Quiz question: 2 + 2?")
    host.tab("mod")
    host.page.click('[data-action="room.end"]')
    ana.announced("The room has ended.")
    live = ana.page.locator("#room-announce")
    assert (live.get_attribute("aria-live"), live.get_attribute("role")) == ("polite", "status")


def test_room_own_reaction_shows_once(people: tuple[Person, Person, Person]) -> None:
    host, ana, _ = people
    ana.page.get_by_role("button", name="React 🎉").click()
    host.page.locator("#reaction-burst .bubble", has_text="🎉").first.wait_for()
    time.sleep(1.5)  # the room's echo reaches Ana too, within its 1 s window
    shown = ana.page.locator("#reaction-burst").get_attribute("data-shown")
    assert shown == "1"


def test_room_message_typed_offline_shows_sending_until_echoed(
    people: tuple[Person, Person, Person],
) -> None:
    _, ana, ben = people
    ana.context.set_offline(True)
    ana.wait_connection("offline")
    ana.chat("typed in the lift")
    sending = ana.page.locator("#chat-list .chat-item.sending")
    sending.wait_for()
    label = sending.locator(".chat-time").inner_text()
    ana.context.set_offline(False)
    ana.wait_connection("open")
    ben.page.locator(SENT, has_text="typed in the lift").wait_for()
    ana.page.locator(SENT, has_text="typed in the lift").wait_for()
    sending.wait_for(state="detached")
    texts = ana.page.locator("#chat-list .chat-text").all_inner_texts()
    assert label == "sending…"
    assert texts.count("typed in the lift") == 1


def test_room_rename_does_not_flash_connection_lost(browser: Any, room: str) -> None:
    person = Person(browser, room, "First name")
    try:
        person.page.evaluate("window.__states.length = 0")
        person.page.click("#name-change")
        focus_on_change = person.focused("id")
        person.page.fill("#name-input", "Second name")
        person.page.press("#name-input", "Enter")
        person.wait_connection("open")
        person.chat("under my new name")
        mine = person.page.locator(".chat-item.mine:not(.sending)", has_text="under my new name")
        author = mine.locator(".chat-author").inner_text()
        states = person.page.evaluate("window.__states")
    finally:
        person.close()
    assert focus_on_change == "name-input"
    assert author == "Second name"
    assert "waiting" not in states and "offline" not in states
    assert states[-1] == "open"


def test_room_controls_fit_a_320_px_phone_and_the_empty_chat_says_so(
    browser: Any, room: str
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(room)
        page.locator('#room[data-connection="open"]').wait_for(state="attached")
        page.locator("#reactions button").first.wait_for()

        def right(selector: str) -> float:
            box = page.locator(selector).bounding_box()
            assert box is not None, selector
            return float(box["x"] + box["width"])

        edges = {"Enter": right("#name-form button[type=submit]")}
        page.fill("#name-input", "Kim")
        page.press("#name-input", "Enter")
        page.locator('#room[data-connection="open"]').wait_for(state="attached")
        empty_before = page.locator("#chat-empty").is_visible()
        edges["Send"] = right("#chat-form button[type=submit]")
        edges["reactions"] = max(
            right(f"#reactions button >> nth={n}") for n in range(page.locator(".reaction").count())
        )
        page.click('.room-tabs a[data-tab="qa"]')
        edges["Ask"] = right("#qa-form button[type=submit]")
        page.click('.room-tabs a[data-tab="chat"]')
        page.fill("#chat-input", "first!")
        page.press("#chat-input", "Enter")
        page.locator(SENT, has_text="first!").wait_for()
        empty_after = page.locator("#chat-empty").is_visible()
    finally:
        context.close()
    assert {name: edge for name, edge in edges.items() if edge > 320} == {}
    assert (empty_before, empty_after) == (True, False)


def test_room_moderator_panel_speaks_in_words(people: tuple[Person, Person, Person]) -> None:
    host, ana, _ = people
    host.tab("mod")
    host.page.click('[data-action="room.open"]')
    ana.wait_status("live")
    ana.chat("hello from Ana")
    host.tab("chat")
    message = host.page.locator(".chat-item", has_text="hello from Ana")
    message.wait_for()
    folded = message.locator(".mod-buttons").is_visible()
    message.locator(".mod-menu summary").click()
    message.get_by_label("How long to mute Ana").select_option("30")
    message.get_by_role("button", name="Mute for").click()
    host.tab("mod")
    audit = host.page.locator("#audit li", has_text="Muted Ana for 30 min")
    audit.wait_for()  # no Refresh button: the trail follows the room
    host.page.get_by_role("checkbox", name="Chat", exact=True).uncheck()
    host.page.click("#settings-form button[type=submit]")
    ana.page.locator("#chat-off", has_text="The host has turned the chat off for now.").wait_for()
    chat_form_hidden = ana.page.locator("#chat-form").is_hidden()
    host.page.locator("#audit li", has_text="Turned the chat off").wait_for()
    labels = host.page.locator('#settings-form input[name="feature"]').evaluate_all(
        "boxes => boxes.map(box => box.parentElement.textContent.trim())"
    )
    raw_json = host.page.locator("#audit").inner_text()
    assert folded is False
    assert chat_form_hidden is True
    assert labels == ["Chat", "Questions (Q&A)", "Polls", "Quiz", "Reactions"]
    assert "{" not in raw_json


def test_room_video_link_shows_when_the_room_is_live_not_weeks_early(
    people: tuple[Person, Person, Person],
) -> None:
    host, ana, _ = people
    ana.wait_status("lobby")  # the demo session starts in weeks
    early = ana.page.locator("#room-join").is_visible()
    host.tab("mod")
    host.page.click('[data-action="room.open"]')
    ana.wait_status("live")
    ana.page.locator("#room-join a").wait_for()
    assert early is False


def test_room_chat_times_are_in_the_zone_the_person_picked(browser: Any, room: str) -> None:
    # The device says St John's (UTC-03:30); the person picked Kathmandu (UTC+05:45).
    person = Person(browser, room, "Picker")
    try:
        person.context.add_cookies([{"name": "tz", "value": "Asia/Kathmandu", "url": room}])
        person.page.reload()
        person.wait_connection("open")
        person.chat("what time is it?")
        mine = person.page.locator(".chat-item:not(.sending)", has_text="what time is it?")
        shown = mine.locator(".chat-time").inner_text()
        sent_at = mine.locator(".chat-time").get_attribute("datetime")
    finally:
        person.close()
    assert sent_at is not None
    # Named as every page names a zone: "Kathmandu (UTC+05:45)", on Kathmandu's clock.
    local = tz.localize(datetime.fromisoformat(sent_at.replace("Z", "+00:00")), "Asia/Kathmandu")
    assert shown == f"{local:%H:%M} Kathmandu (UTC+05:45)"

from __future__ import annotations

import json
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from realtime import protocol
from realtime.identity import Identity
from realtime.session import Close, Forward, JoinRequest, Phase, Reply, Session

GUEST = Identity("g:abcd", "")


def frame(message_type: str, ref: object = None, **data: Any) -> str:
    return orjson.dumps({"type": message_type, "ref": ref, "data": data}).decode()


def reply_of(action: object) -> dict[str, Any]:
    assert isinstance(action, Reply)
    result: dict[str, Any] = orjson.loads(action.frame)
    return result


def joined_session() -> Session:
    session = Session(GUEST, now=0.0)
    session.receive(frame("join", name="Ana"), 0.0)
    session.joined()
    return session


def test_session_join_carries_last_seq_and_validated_name() -> None:
    session = Session(GUEST, now=0.0)
    actions = session.receive(frame("join", "j", last_seq=41, name="  Ana "), 0.0)
    assert actions == [JoinRequest("j", 41, Identity("g:abcd", "Ana"))]
    assert session.phase == Phase.JOINING


def test_session_join_without_name_uses_a_default() -> None:
    actions = Session(GUEST, now=0.0).receive(frame("join"), 0.0)
    assert actions == [JoinRequest(None, None, Identity("g:abcd", "Guest abcd"))]


def test_session_join_with_a_bad_name_is_refused_and_can_retry() -> None:
    session = Session(GUEST, now=0.0)
    refused = session.receive(frame("join", 1, name="\x07"), 0.0)
    assert reply_of(refused[0])["data"]["code"] == "name.invalid"
    assert session.phase == Phase.AWAITING_JOIN
    assert isinstance(session.receive(frame("join", 2, name="Ok"), 0.0)[0], JoinRequest)


def test_session_commands_before_join_are_refused() -> None:
    session = Session(GUEST, now=0.0)
    actions = session.receive(frame("chat.send", "c", text="hi"), 0.0)
    assert reply_of(actions[0]) == {
        "type": "error",
        "ref": "c",
        "data": {"code": "session.not_joined", "message": "Send `join` first."},
    }


def test_session_second_join_is_refused() -> None:
    session = joined_session()
    reply = reply_of(session.receive(frame("join", "again"), 1.0)[0])
    assert reply["data"]["code"] == "session.already_joined"


def test_session_forwards_commands_once_joined() -> None:
    session = joined_session()
    assert session.receive(frame("qa.ask", "q", text="Why?"), 1.0) == [
        Forward("q", "qa.ask", {"text": "Why?"})
    ]


def test_session_ping_replies_only_with_a_ref() -> None:
    session = Session(GUEST, now=0.0)
    assert session.receive(frame("ping"), 0.0) == []
    assert reply_of(session.receive(frame("ping", "p"), 0.0)[0]) == {
        "type": "ok",
        "ref": "p",
        "data": {},
    }


def test_session_malformed_frame_gets_error_and_stays_open() -> None:
    session = joined_session()
    actions = session.receive("{nope", 1.0)
    assert len(actions) == 1 and reply_of(actions[0])["data"]["code"] == "frame.malformed"
    assert session.phase == Phase.JOINED


def test_session_persistent_abuse_closes_with_1008() -> None:
    session = joined_session()
    actions: list[object] = []
    for n in range(30):
        actions = session.receive("garbage", 1.0 + n * 0.01)
        if any(isinstance(a, Close) for a in actions):
            break
    assert actions[-1] == Close(1008, "too many refused frames")
    assert n == 10  # ten warnings, closed on the eleventh
    assert session.receive(frame("ping", "p"), 2.0) == []


def test_session_frame_flood_is_rate_limited() -> None:
    session = joined_session()
    codes = []
    for _ in range(45):
        actions = session.receive(frame("chat.send", text="x"), 5.0)
        if isinstance(actions[0], Reply):
            codes.append(reply_of(actions[0])["data"]["code"])
    assert codes == ["rate.limited"] * 5


def test_session_is_idle_after_the_timeout() -> None:
    session = joined_session()
    session.receive(frame("ping"), 10.0)
    assert session.is_idle(10.0 + protocol.IDLE_TIMEOUT_SECONDS) is False
    assert session.is_idle(10.1 + protocol.IDLE_TIMEOUT_SECONDS) is True


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
frames = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=50),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"type": st.sampled_from(sorted(protocol.CLIENT_TYPES)) | st.text(max_size=10)},
        optional={"ref": json_values, "data": json_values},
    ).map(json.dumps),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(frames, max_size=30))
def test_session_fuzzed_frames_never_crash_and_always_answer_with_known_codes(
    raws: list[str | bytes],
) -> None:
    session = Session(GUEST, now=0.0)
    for n, raw in enumerate(raws):
        for action in session.receive(raw, n * 0.05):
            if isinstance(action, Reply):
                reply = reply_of(action)
                assert reply["type"] in ("ok", "error")
            elif isinstance(action, JoinRequest):
                session.joined()
            else:
                assert isinstance(action, Forward | Close)


def test_session_a_refused_join_can_be_sent_again() -> None:
    session = Session(GUEST, now=0.0)
    [request] = session.receive(frame("join", "j1", name="Ana"), 0.0)
    session.join_failed()  # the room said no (say, the room was closing)
    assert session.phase == Phase.AWAITING_JOIN
    [again] = session.receive(frame("join", "j2", name="Ana"), 1.0)
    assert (type(request), type(again), session.phase) == (JoinRequest, JoinRequest, Phase.JOINING)

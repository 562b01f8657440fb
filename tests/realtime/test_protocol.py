from __future__ import annotations

import orjson
import pytest

from realtime import protocol
from realtime.errors import ConflictError, ProtocolError


def code_of(raw: str | bytes) -> tuple[str, object]:
    with pytest.raises(ProtocolError) as refused:
        protocol.parse(raw)
    return refused.value.code, refused.value.ref


def test_protocol_parse_reads_type_ref_and_data() -> None:
    frame = protocol.parse('{"type":"chat.send","ref":"a1","data":{"text":"hi"}}')
    assert frame == protocol.ClientFrame("chat.send", "a1", {"text": "hi"})


def test_protocol_parse_defaults_ref_and_data() -> None:
    assert protocol.parse('{"type":"ping"}') == protocol.ClientFrame("ping", None, {})
    assert protocol.parse('{"type":"ping","ref":7,"data":null}').ref == 7


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("not json", ("frame.malformed", None)),
        ("[1,2]", ("frame.malformed", None)),
        ('{"ref":"r"}', ("frame.malformed", "r")),
        ('{"type":5,"ref":"r"}', ("frame.malformed", "r")),
        ('{"type":"ping","extra":1,"ref":"r"}', ("frame.malformed", "r")),
        ('{"type":"ping","ref":{"x":1}}', ("frame.malformed", None)),
        ('{"type":"ping","ref":"' + "r" * 65 + '"}', ("frame.malformed", None)),
        ('{"type":"dance","ref":"r"}', ("frame.type_unknown", "r")),
        ('{"type":"chat.send","ref":3,"data":[1]}', ("frame.data_invalid", 3)),
        (b'{"type":"ping"}', ("frame.malformed", None)),
    ],
)
def test_protocol_parse_refuses_malformed_frames_with_codes(
    raw: str | bytes, expected: tuple[str, object]
) -> None:
    assert code_of(raw) == expected


def test_protocol_parse_refuses_frames_over_the_limit_in_bytes() -> None:
    text = "é" * (protocol.MAX_FRAME_BYTES // 2)  # fits in characters, not in bytes
    raw = orjson.dumps({"type": "chat.send", "data": {"text": text}}).decode()
    assert len(raw) < protocol.MAX_FRAME_BYTES
    assert code_of(raw) == ("frame.too_large", None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"type":"chat.send","ref":"c1","data":{', ("frame.malformed", "c1")),
        ('{"ref": 12 , "type":"chat.send","data":{"text":"x",}}', ("frame.malformed", 12)),
        ('{"type":"qa.ask","ref":"a\\"b\\u00e9","data":{]', ("frame.malformed", 'a"b\u00e9')),
        ('{"type":"chat.send","data":{"text":"say \\"ref\\":\\"x\\","', ("frame.malformed", None)),
        ('{"type":"ping","ref":"' + "r" * 65 + '",', ("frame.malformed", None)),
        ('{"type":"ping","ref":1.5,', ("frame.malformed", None)),
        ('{"type":"ping","ref":true,', ("frame.malformed", None)),
        ('{"type":"ping","ref":"a\\qb",', ("frame.malformed", None)),  # not a JSON escape
        ('{"type":"ping","ref":007,', ("frame.malformed", None)),  # not a JSON number
    ],
)
def test_protocol_parse_finds_the_ref_of_a_frame_that_is_not_json(
    raw: str, expected: tuple[str, object]
) -> None:
    assert code_of(raw) == expected


def test_protocol_parse_finds_the_ref_of_a_frame_too_large_when_it_comes_first() -> None:
    text = "x" * protocol.MAX_FRAME_BYTES
    first = orjson.dumps({"type": "chat.send", "ref": "c9", "data": {"text": text}}).decode()
    last = orjson.dumps({"type": "chat.send", "data": {"text": text}, "ref": "c9"}).decode()
    assert code_of(first) == ("frame.too_large", "c9")
    assert code_of(last) == ("frame.too_large", None)  # past REF_SCAN_CHARS: not looked for


def test_protocol_replies_echo_ref_and_carry_error_codes() -> None:
    assert orjson.loads(protocol.ok("r", {"seq": 3})) == {
        "type": "ok",
        "ref": "r",
        "data": {"seq": 3},
    }
    error = orjson.loads(protocol.error(9, ConflictError("Closed.", "poll.closed")))
    assert error == {
        "type": "error",
        "ref": 9,
        "data": {"code": "poll.closed", "message": "Closed."},
    }


def test_protocol_batch_joins_encoded_frames_in_order() -> None:
    frames = [protocol.transient("presence", {"count": n}) for n in range(3)]
    assert orjson.loads(protocol.batch(frames)) == {
        "type": "batch",
        "frames": [{"type": "presence", "data": {"count": n}} for n in range(3)],
    }
    assert protocol.batch(frames[:1]) is frames[0]


def test_protocol_close_codes_are_documented_constants() -> None:
    assert protocol.CLOSE_POLICY == 1008
    assert protocol.CLOSE_TRY_AGAIN == 1013  # RFC 6455's IANA registry: "Try Again Later"
    assert set(protocol.CLOSE_CODES) == {1000, 1008, 1011, 1012, 1013, 4000, 4001, 4003, 4004}

"""Room features, one module each: pure rules over plain state, no I/O.

Each feature module has its event ``KINDS``, a state dataclass, command functions
``(state, ctx, data) -> Outcome`` that raise :class:`realtime.errors.RoomError`, and ``apply``.
:mod:`realtime.rooms.room` puts them together.
"""

"""Room features, one module each: pure rules over plain state, no I/O.

Each feature module exports one descriptor, ``FEATURE`` (:class:`realtime.rooms.feature.Feature`):
its commands ``(room, ctx, data) -> Outcome`` that raise :class:`realtime.errors.RoomError`,
its queries, event kinds, error codes, transient frames, ``apply`` and snapshot view.
:mod:`realtime.rooms.room` lists them in ``FEATURES`` and puts them together.
"""

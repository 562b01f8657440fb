"""Live rooms (WebSocket protocol, room features, brokers). Filled by the live-rooms issue.

May import ``scheduling``; never imports ``festival``.
"""

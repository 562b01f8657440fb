"""The demo festival: its data, its programme built from that data, and seeding a database.

``data`` holds editions and organisations as compact text, ``topics`` / ``topics_world`` the
session titles per language, ``programme`` turns them into sessions (plain values), and
``seeding`` writes them to a database, idempotently.
"""

from festival.demo.seeding import DEMO_PUBLISHED_AT, SeedReport, seed, seed_database

__all__ = ["DEMO_PUBLISHED_AT", "SeedReport", "seed", "seed_database"]

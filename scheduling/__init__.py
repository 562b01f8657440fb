"""Pure scheduling domain: time zones, festival windows, programme queries, conflicts, feeds.

Imports no web, database or Redis library (checked by tests/test_layers.py).
"""

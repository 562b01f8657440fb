"""The festival application: settings, database, routes, CLI and demo data, wired in app.py."""

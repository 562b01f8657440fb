"""What the readiness probe tells the log: an outage when it starts, a reminder at most once a
minute while it lasts, and one line when it ends (probes come every few seconds)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

REMINDER_INTERVAL = timedelta(minutes=1)


@dataclass
class _Outage:
    started_at_utc: datetime
    logged_at_utc: datetime
    failed_probes: int = 1


@dataclass
class ProbeLog:
    """The failures of each named check (``database``, ``broker``), logged without flooding."""

    log: logging.Logger = field(default_factory=lambda: logging.getLogger("festival.health"))
    outages: dict[str, _Outage] = field(default_factory=dict)

    def failed(self, check: str, now: datetime, message: str, *args: object) -> None:
        """``check`` failed at ``now``: said when the outage starts, then once a minute."""
        outage = self.outages.get(check)
        if outage is None:
            self.outages[check] = _Outage(started_at_utc=now, logged_at_utc=now)
            self.log.warning(message, *args)
            return
        outage.failed_probes += 1
        if now - outage.logged_at_utc >= REMINDER_INTERVAL:
            outage.logged_at_utc = now
            self.log.warning(
                message + " (still, for %d s and %d probes)",
                *args,
                int((now - outage.started_at_utc).total_seconds()),
                outage.failed_probes,
            )

    def passed(self, check: str, now: datetime) -> None:
        """``check`` passed at ``now``: one line if it had been failing."""
        outage = self.outages.pop(check, None)
        if outage is not None:
            self.log.info(
                "readyz: the %s is ready again after %d s (%d failed probes)",
                check,
                int((now - outage.started_at_utc).total_seconds()),
                outage.failed_probes,
            )

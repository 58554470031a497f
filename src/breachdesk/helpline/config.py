"""The helpline's tunables, with the defaults a helpline operator and supervisor expect."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HelplineConfig:
    idle_minutes: int = 30  # a session unused this long is gone: shared desks, unlocked PCs
    max_session_hours: int = 12  # and none outlives a shift
    lockout_failures: int = 5  # failed sign-ins for one username before it is locked ...
    lockout_minutes: int = 15  # ... for this long (an admin can unlock it sooner)
    login_rate: float = 0.5  # sign-in attempts per second per client address, refilled ...
    login_burst: int = 10  # ... up to this many at once
    api_rate: float = 5.0  # lookups per second per user (web and API alike) ...
    api_burst: int = 10  # ... with this burst; more gets 429 and Retry-After
    # None: cookies are Secure when the request came over HTTPS (directly, or via a proxy's
    # X-Forwarded-Proto that uvicorn trusts); True forces it, e.g. behind a TLS proxy.
    secure_cookies: bool | None = None
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4

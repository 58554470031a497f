"""Load benchmark of the helpline API against PostgreSQL (not a CI test).

Starts `breachdesk serve` in a subprocess on loopback against a fresh PostgreSQL database,
then 10 concurrent httpx clients, each signed in as its own operator (the rate limit is per
user, as it would be for 10 telephony lines), send 50 lookups/s in all for 60 s on a fixed
schedule (open loop: a slow answer does not slow the offered load). Reports p50/p95/p99
latency and errors (anything but 200), then checks the audit chain holds every lookup.

    .venv/bin/python bench/bench_helpline.py [--rate 50] [--clients 10] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

from breachdesk.helpline import accounts, audit, db, sample
from breachdesk.helpline.config import HelplineConfig

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PASSWORD = "benchmark pass phrase"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def bodies(extra: int) -> list[dict[str, str]]:
    """A mix a helpline would see: found by NHS number, found by name, and not found."""
    people = sample.random_people(extra, seed=7)  # the people the case was written with
    rng = random.Random(1)
    out = []
    for _ in range(2000):
        p = rng.choice(people)
        kind = rng.random()
        if kind < 0.5:
            out.append({"nhs_number": p.nhs_number or "", "date_of_birth": p.date_of_birth})
        elif kind < 0.75:
            out.append(
                {
                    "family_name": p.family_name.upper(),
                    "given_name": p.given_name,
                    "date_of_birth": p.date_of_birth,
                    "postcode": (p.postcode or "").replace(" ", "").lower(),
                }
            )
        else:  # the right person with the wrong date of birth: not found
            out.append({"nhs_number": p.nhs_number or "", "date_of_birth": "1900-01-01"})
    return out


async def sign_in(http: httpx.AsyncClient, user: str) -> dict[str, str]:
    r = await http.post("/api/session", json={"username": user, "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def client(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    seed: int,
    offset: float,
    interval: float,
    count: int,
    start: float,
    work: list[dict[str, str]],
    latencies: list[float],
    errors: list[str],
) -> None:
    rng = random.Random(seed)

    async def one(body: dict[str, str]) -> None:
        t0 = time.perf_counter()
        try:
            resp = await http.post("/api/lookup", json=body, headers=headers)
            latencies.append(time.perf_counter() - t0)
            if resp.status_code != 200:
                errors.append(f"{resp.status_code} {resp.text[:80]}")
        except httpx.HTTPError as exc:
            errors.append(type(exc).__name__)

    pending = []
    for k in range(count):
        delay = start + offset + k * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(one(rng.choice(work))))
    await asyncio.gather(*pending)


async def load(
    base: str, users: list[str], rate: float, seconds: float, extra: int
) -> dict[str, object]:
    interval = len(users) / rate  # each client's own pace
    count = int(seconds / interval)
    latencies: list[float] = []
    errors: list[str] = []
    work = bodies(extra)
    https = [httpx.AsyncClient(base_url=base, timeout=10) for _ in users]
    try:
        # Sign-ins (argon2) first: the clock starts when every line is ready, so no client
        # begins late and fires its backlog in one burst.
        tokens = await asyncio.gather(*(sign_in(h, u) for h, u in zip(https, users, strict=True)))
        start = time.perf_counter() + 0.5
        await asyncio.gather(
            *(
                client(
                    h,
                    t,
                    i,
                    i * interval / len(users),
                    interval,
                    count,
                    start,
                    work,
                    latencies,
                    errors,
                )
                for i, (h, t) in enumerate(zip(https, tokens, strict=True))
            )
        )
        elapsed = time.perf_counter() - start
    finally:
        for h in https:
            await h.aclose()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": count * len(users),
        "answered": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "seconds": round(elapsed, 1),
        "achieved_rate": round(len(latencies) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 2),
        "p95_ms": round(q[94] * 1000, 2),
        "p99_ms": round(q[98] * 1000, 2),
        "max_ms": round(max(latencies, default=0) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="lookups per second in all")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--people", type=int, default=20_000, help="people in the register")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    name = f"breachdesk_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    server = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            case = Path(tmp) / "case"
            t0 = time.perf_counter()
            sample.write_case(case, extra=args.people)
            engine = db.connect(url)
            db.migrate(engine)
            hasher = accounts.make_hasher(HelplineConfig())
            users = [f"line{i:02d}" for i in range(args.clients)]
            with engine.begin() as conn:
                for user in users:
                    accounts.add_user(conn, hasher, user, "operator", PASSWORD)
            port = free_port()
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "breachdesk",
                    "serve",
                    str(case),
                    "--db",
                    url,
                    "--port",
                    str(port),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:  # serve builds the index first, then listens
                try:
                    if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"serve did not start:\n{server.stdout.read() if server.stdout else ''}"
                    )
                time.sleep(0.2)
            print(
                f"setup: {args.people} people, index built and server up in "
                f"{time.perf_counter() - t0:.1f}s; PostgreSQL {name}"
            )
            figures = asyncio.run(load(base, users, args.rate, args.seconds, args.people))
            with engine.connect() as conn:
                verdict = audit.verify(conn)
                lookups = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(db.audit_log)
                    .where(db.audit_log.c.action == "api_lookup")
                ).scalar()
            engine.dispose()
            figures |= {
                "audit_intact": verdict.intact,
                "audited_lookups": lookups,
                "people": args.people,
                "clients": args.clients,
                "offered_rate": args.rate,
                "cpus": os.cpu_count(),
            }
            print(json.dumps(figures, indent=2))
            if args.json:
                args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()

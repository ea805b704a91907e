"""`python -m bench.agenda [--events N]`: time the agenda's pages and feeds in process.

Creates N events (a third weekly, a sixth monthly, the rest one-off, spread over a
year around today) in a fresh data folder with the demo sheets, then prints the median
and p95 of each URL over 30 requests through Flask's test client (no network, one process).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

URLS = ["/agenda/", "/agenda/?vue=mois", "/agenda/?besoin=manger&gratuit=1", "/agenda.ics",
        "/annuaire/agheb-le-phare/agenda.ics", "/agenda/flux.atom", "/annuaire/agheb-le-phare"]


def main(argv=None) -> int:
    """Create the events, time the URLs, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)

    from agenda import recurrence as rec
    from agenda.event import Event
    from app import create_app

    data = tempfile.mkdtemp(prefix="bench-agenda-")
    app = create_app({"DATA_DIR": data, "SECRET_KEY": "bench", "DEMO": True, "TESTING": False})
    store = app.extensions["reperes"]["events"]
    slugs = list(app.extensions["reperes"]["structures"].names())
    rnd = random.Random(42)
    today = date.today()
    started = time.perf_counter()
    for i in range(args.events):
        day = today + timedelta(days=rnd.randint(-180, 180))
        repeat = rec.WEEKLY if i % 3 == 0 else rec.MONTHLY_WEEKDAY if i % 6 == 1 else rec.NONE
        until = (day + timedelta(days=rnd.randint(30, 300))).isoformat() if repeat != rec.NONE else ""
        event = Event(title=f"Atelier {i} cuisine et jardin", start=f"{day}T14:00", end=f"{day}T16:00",
                      repeat=repeat, until=until, structure=rnd.choice(slugs), status="publie",
                      besoins=[rnd.choice(["manger", "se-laver", "s-occuper"])],
                      price=rnd.choice(["gratuit", "payant"]), internal=i % 10 == 0)
        store.save(f"bench-{i:05d}", event.to_text(), author="bench", meta=event.meta())
    print(f"{args.events} événements créés en {time.perf_counter() - started:.1f} s", file=sys.stderr)
    client = app.test_client()
    print(f"{'URL':45} {'médiane ms':>10} {'p95 ms':>8} {'octets':>8}")
    for url in URLS:
        times, size = [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            size = len(response.data)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{url:45} {statistics.median(times):10.1f} {p95:8.1f} {size:8d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

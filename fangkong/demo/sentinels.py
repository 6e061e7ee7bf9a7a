"""The demo's sentinel surveillance (哨点监测): five weeks of real-name sales at the demo's
pharmacies and visits at its clinics, a steady few a day, then a surge at one pharmacy yesterday
that the signal computation turns into one signal for the command centre and the CDC.

Sales go through the sentinel intake (`sectors.sentinel.intake.write_chunk`), day by day, so each
buyer is a sentinel lead merged into the resident they are (a small pool of residents buy again
and again: one person, one task); the signals through `do_raise_signals`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from fangkong.registry.models import Resident
from fangkong.sectors.models import SENTINEL_SECTORS, Venue
from fangkong.sectors.sentinel.intake import Cleaner, Session, write_chunk
from fangkong.sectors.sentinel.signals import do_raise_signals

WEEKS = 5
DRUGS = ("布洛芬", "对乙酰氨基酚", "连花清瘟", "川贝枇杷膏", "阿莫西林", "头孢克肟", "感康", "止咳糖浆")


def _raw(rng: random.Random, person: tuple[str, str, str], venue: Venue, at: dt.datetime) -> dict[str, Any]:
    name, id_number, phone = person
    if venue.sector.code == SENTINEL_SECTORS[0]:
        return {"drug": rng.choice(DRUGS), "quantity": rng.choice([1, 1, 2]), "name": name, "id_number": id_number,
                "phone": phone, "occurred_at": at}
    return {"kind": rng.choice(["发热门诊", "预检分诊"]), "name": name, "id_number": id_number, "phone": phone,
            "occurred_at": at, "temperature": rng.choice(["37.6", "38.1", "38.5"]), "symptoms": "发热、咳嗽"}


def seed_sentinels(rng: random.Random, venues: list[Venue], acting_user: Any) -> dict[str, int]:
    """Five weeks of sales and visits, a surge yesterday at one pharmacy, and its signal."""
    sentinels = [v for v in venues if v.sector.code in SENTINEL_SECTORS]
    pharmacies = [v for v in sentinels if v.sector.code == SENTINEL_SECTORS[0]]
    pool = list(Resident.objects.exclude(id_number=None).exclude(id_number="")
                .values_list("name", "id_number", "phone")[:200])
    if not pharmacies or not pool:
        return {"records": 0, "signals": 0}
    regulars = rng.sample(pool, min(30, len(pool)))
    cleaner = Cleaner()
    today = timezone.localdate()
    records = 0
    for back in range(WEEKS * 7, 0, -1):
        day = today - dt.timedelta(days=back)
        items = []
        for venue in sentinels:
            surge = venue.pk == pharmacies[0].pk and back == 1
            people = rng.sample(pool, min(18, len(pool))) if surge else rng.sample(regulars, rng.randint(1, 3))
            for k, person in enumerate(people):
                at = timezone.make_aware(dt.datetime.combine(day, dt.time(8 + k % 11, rng.randint(0, 59))))
                items.append(cleaner.clean(_raw(rng, person, venue, at), venue=venue))
        evening = timezone.make_aware(dt.datetime.combine(day, dt.time(21, 0)))
        records += write_chunk(items, Session(now=evening)).records
    signals = do_raise_signals(today - dt.timedelta(days=WEEKS * 7), today, acting_user=acting_user)
    return {"records": records, "signals": len(signals)}

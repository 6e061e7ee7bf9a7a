"""Data helpers for screening tests: residents of the synthetic county and lead inputs."""

from __future__ import annotations

import io

from fangkong.core.identity import check_digit
from fangkong.registry.models import Resident


def resident_of_grid(grid, n: int = 0) -> Resident:
    """The n-th resident with an ID and a phone in `grid` (deterministic)."""
    return Resident.objects.filter(grid=grid, id_number__isnull=False).exclude(phone="").order_by("id")[n]


def outsider_id(seq: int = 1) -> str:
    """A valid ID number of someone born elsewhere (Beijing), not in the registry."""
    first17 = f"110101199001{(seq % 28) + 1:02d}{seq % 1000:03d}"
    return first17 + check_digit(first17)


def csv_bytes(rows: list[list[str]], header: list[str] | None = None, title: str | None = None) -> bytes:
    out = io.StringIO()
    if title:
        out.write(title + "\n")
    out.write(",".join(header or ["姓名", "身份证号", "手机号", "来源地", "到达时间", "现住址", "推送时间"]) + "\n")
    for r in rows:
        out.write(",".join(r) + "\n")
    return out.getvalue().encode("utf-8")

"""The personal sampling QR code (个人采样码): a signed token naming one resident.

The token is short (it must scan fast from a phone screen) and signed, so a typed or forged
number cannot impersonate someone; the ID number itself never appears in it.
"""

from __future__ import annotations

import io

import segno
from django.core import signing

from fangkong.core.identity import InvalidValue, clean_id_number
from fangkong.registry.models import Resident

SALT = "fangkong.testing.qr"
PREFIX = "FKQR:"


def token_for(resident: Resident) -> str:
    return PREFIX + signing.Signer(salt=SALT).sign(signing.b62_encode(resident.pk))


def resident_id_from_token(token: str) -> int | None:
    """The resident id in a QR payload, or None when it is not a valid platform token."""
    if not token.startswith(PREFIX):
        return None
    try:
        return signing.b62_decode(signing.Signer(salt=SALT).unsign(token[len(PREFIX):]))
    except signing.BadSignature:
        return None


def qr_svg(payload: str, scale: int = 6) -> str:
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="svg", scale=scale, xmldecl=False, svgns=True)
    return out.getvalue().decode()


class Identified:
    """Who a scanned code names: a registry resident, or an outsider known only by ID number."""

    def __init__(self, id_number: str, resident: Resident | None) -> None:
        self.id_number = id_number
        self.resident = resident

    @property
    def name(self) -> str:
        return self.resident.name if self.resident else ""


def identify(code: str) -> Identified:
    """Resolve a scanned / typed code (QR token or ID number). Raises InvalidValue in Chinese."""
    code = (code or "").strip()
    if code.startswith(PREFIX):
        rid = resident_id_from_token(code)
        resident = Resident.objects.filter(pk=rid).first() if rid is not None else None
        if resident is None or not resident.id_number:
            raise InvalidValue("采样码无效或已失效,请改用身份证号")
        return Identified(resident.id_number, resident)
    id_number = clean_id_number(code)
    return Identified(id_number, Resident.objects.filter(id_number=id_number).first())


def looks_like_person(code: str) -> bool:
    """A scan is a person when it is a QR token or a valid ID number; anything else is a tube."""
    code = (code or "").strip()
    if code.startswith(PREFIX):
        return True
    try:
        clean_id_number(code)
    except InvalidValue:
        return False
    return True

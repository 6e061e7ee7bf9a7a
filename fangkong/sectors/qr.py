"""The venue scan code (场所码): a QR code of a signed URL naming one venue. Scanning it opens the
inspection page of that venue (after sign-in); a typed or altered number is refused."""

from __future__ import annotations

import io

import segno
from django.core import signing
from django.urls import reverse

SALT = "fangkong.sectors.venue"


def token_for(venue_id: int) -> str:
    return signing.Signer(salt=SALT).sign(signing.b62_encode(venue_id))


def venue_id_from_token(token: str) -> int | None:
    """The venue id a scanned token names, or None when it is not a valid platform token."""
    try:
        return signing.b62_decode(signing.Signer(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def scan_url(request, venue_id: int) -> str:
    return request.build_absolute_uri(reverse("sectors:scan", args=[token_for(venue_id)]))


def qr_svg(payload: str, scale: int = 5) -> str:
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="svg", scale=scale, xmldecl=False, svgns=True)
    return out.getvalue().decode()

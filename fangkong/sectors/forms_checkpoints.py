"""Forms of the checkpoints: the checkpoint and shift edit pages, and the one-screen registration
(a vehicle and any number of people, `p-<n>-<field>`), cleaned by `checkpoint_cleaning`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.choices import DivisionLevel
from fangkong.core.identity import InvalidValue, clean_name, clean_phone
from fangkong.core.models import Division
from fangkong.core.pageforms import ScopedModelForm

from .checkpoint_cleaning import clean_id, clean_occupants, clean_plate
from .checkpoint_intake import PersonIn, VehicleIn
from .choices import HealthCode, ItineraryCode, TestResult, VehicleType
from .models import Checkpoint, CheckpointShift

DATE = forms.DateInput(attrs={"type": "date"})
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PERSON_FIELDS = ("id_number", "name", "phone", "origin", "destination", "grid", "health_code", "itinerary",
                 "test_result", "tested_on")


class CheckpointForm(ScopedModelForm):
    class Meta:
        model = Checkpoint
        fields = ["code", "name", "kind", "division", "road", "active", "opened_on", "note"]
        widgets = {"opened_on": DATE}


class CheckpointShiftForm(ScopedModelForm):
    class Meta:
        model = CheckpointShift
        fields = ["checkpoint", "starts_at", "ends_at", "leader", "leader_phone", "staff"]
        widgets = {"starts_at": WHEN, "ends_at": WHEN}

    def clean_leader_phone(self) -> str:
        value = self.cleaned_data.get("leader_phone") or ""
        try:
            return clean_phone(value) if value else ""
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc


class ExitForm(forms.Form):
    plate = forms.CharField(label=gettext_lazy("车牌号"), max_length=16)

    def clean_plate(self) -> str:
        try:
            return clean_plate(self.cleaned_data["plate"])
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc


def destination_grids(checkpoint: Checkpoint) -> list[tuple[int, str]]:
    """The grids an arrival may be handed to: every grid of the county, by township and village."""
    grids = Division.objects.filter(level=DivisionLevel.GRID).select_related("parent__parent").order_by("path")
    return [(g.pk, f"{g.parent.parent.name if g.parent and g.parent.parent else ''}"
                   f"{g.parent.name if g.parent else ''}{g.name}") for g in grids]


def _get(data: Any, key: str) -> str:
    return str(data.get(key, "") or "").strip()


@dataclass
class Registration:
    """What the screen posted: the vehicle (or None), the people, their raw values and reasons."""

    vehicle: VehicleIn | None = None
    persons: list[PersonIn] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_registration(data: Any, grids: set[int]) -> Registration:
    """Clean a posted registration; every reason in Chinese, naming the person it is about."""
    out = Registration(values={k: _get(data, f"v_{k}") for k in ("plate", "vehicle_type", "cargo", "origin",
                                                                  "stopovers", "occupants")})
    out.values["transit"] = "on" if data.get("v_transit") else ""
    v = out.values
    if v["plate"]:
        try:
            plate = clean_plate(v["plate"])
            occupants = clean_occupants(v["occupants"]) if v["occupants"] else None
            kind = v["vehicle_type"] if v["vehicle_type"] in VehicleType.values else VehicleType.CAR.value
            out.vehicle = VehicleIn(plate, kind, occupants, v["cargo"][:100], v["origin"][:100], v["stopovers"][:255],
                                    bool(v["transit"]))
        except InvalidValue as exc:
            out.errors.append(_("车辆：%(e)s") % {"e": exc})
    indices = sorted({int(k.split("-")[1]) for k in data if k.startswith("p-") and k.split("-")[1].isdigit()})
    for n, i in enumerate(indices, 1):
        row = {f: _get(data, f"p-{i}-{f}") for f in PERSON_FIELDS}
        if not any(row[f] for f in ("id_number", "name", "phone")):
            continue
        out.rows.append(row)
        person, reasons = _person(row, v["origin"], grids)
        out.errors += [_("第%(n)d人：%(e)s") % {"n": n, "e": r} for r in reasons]
        if person is not None:
            out.persons.append(person)
    if out.vehicle is None and not out.rows and not out.errors:
        out.errors.append(_("请填写车牌号或至少一名人员"))
    return out


def _person(row: dict[str, str], vehicle_origin: str, grids: set[int]) -> tuple[PersonIn | None, list[str]]:
    reasons: list[str] = []
    values: dict[str, Any] = {}
    for key, clean in (("id_number", clean_id), ("name", clean_name), ("phone", clean_phone)):
        try:
            values[key] = clean(row[key]) if row[key] else ""
        except InvalidValue as exc:
            reasons.append(str(exc))
    if not reasons and not (values["id_number"] or values["phone"]):
        reasons.append(_("身份证号和手机号至少填写一项"))
    grid = int(row["grid"]) if row["grid"].isdigit() and int(row["grid"]) in grids else None
    tested_on = None
    if row["tested_on"]:
        try:
            tested_on = forms.DateField().clean(row["tested_on"])
        except forms.ValidationError:
            reasons.append(_("核酸日期格式不正确"))
    if reasons:
        return None, reasons
    return PersonIn(values["name"], values["id_number"], values["phone"], (row["origin"] or vehicle_origin)[:100],
                    row["destination"][:100], grid,
                    row["health_code"] if row["health_code"] in HealthCode.values else HealthCode.GREEN.value,
                    row["itinerary"] if row["itinerary"] in ItineraryCode.values else ItineraryCode.NORMAL.value,
                    row["test_result"] if row["test_result"] in TestResult.values else TestResult.NONE.value,
                    tested_on), []

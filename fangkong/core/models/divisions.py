from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import LEVEL_PATH_LENGTH, DivisionKind, DivisionLevel

LEVEL_ORDER = list(LEVEL_PATH_LENGTH)


def path_for(code: str, level: str) -> str:
    """The significant prefix of a statistical code at a level ("130724100000" → "130724100")."""
    return code[: LEVEL_PATH_LENGTH[DivisionLevel(level)]]


# The level a division's parent must have; a county may be the top of the tree.
PARENT_LEVEL = {
    DivisionLevel.CITY: DivisionLevel.PROVINCE,
    DivisionLevel.COUNTY: DivisionLevel.CITY,
    DivisionLevel.TOWNSHIP: DivisionLevel.COUNTY,
    DivisionLevel.VILLAGE: DivisionLevel.TOWNSHIP,
    DivisionLevel.GRID: DivisionLevel.VILLAGE,
}
ROOT_LEVELS = frozenset({DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY})


def validate_division_code(code: str, level: str, parent: Division | None = None) -> None:
    """Check a statistical division code against its level and parent (Chinese messages).

    Down to village a code has 12 digits, zero after the level's own segment (a township
    130724100000); a grid extends its village's 12 digits by three (130724100201001).
    """
    try:
        level = DivisionLevel(level)
    except ValueError:
        raise ValidationError({"level": _("未知的区划层级")}) from None
    length = 15 if level == DivisionLevel.GRID else 12
    if not code.isdigit() or len(code) != length:
        raise ValidationError({"code": _("%(level)s的区划代码应为%(n)d位数字") % {"level": level.label, "n": length}})
    significant = LEVEL_PATH_LENGTH[level]
    if set(code[significant:]) - {"0"}:
        raise ValidationError({"code": _("%(level)s的区划代码第%(n)d位之后应全为0") % {"level": level.label, "n": significant}})
    above = LEVEL_PATH_LENGTH.get(PARENT_LEVEL.get(level), 0)  # type: ignore[arg-type]
    if set(code[above:significant]) == {"0"}:
        raise ValidationError({"code": _("区划代码中本级编号不能全为0")})
    if parent is None:
        if level not in ROOT_LEVELS:
            raise ValidationError({"parent": _("%(level)s必须指定上级区划") % {"level": level.label}})
        return
    if parent.level != PARENT_LEVEL.get(level):
        raise ValidationError({"parent": _("%(level)s的上级应为%(parent)s") % {
            "level": level.label, "parent": DivisionLevel(PARENT_LEVEL[level]).label if level in PARENT_LEVEL else "—"}})
    if not code.startswith(parent.path):
        raise ValidationError({"code": _("区划代码必须以上级区划代码开头")})


class DivisionQuerySet(models.QuerySet):
    def subtree(self, division: Division) -> DivisionQuerySet:
        """The division and all its descendants, in one query."""
        return self.filter(path__startswith=division.path)

    def of_level(self, level: str) -> DivisionQuerySet:
        return self.filter(level=level)


class Division(models.Model):
    """A node of the administrative tree (行政区划): county → township → village → grid.

    `code` is the 12-digit statistical division code (a grid extends its village's code by
    three digits); `path` is its significant prefix, so a subtree is `path LIKE 'p%'`.
    """

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    path = models.CharField(_("路径"), max_length=15, unique=True, editable=False)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=DivisionLevel.choices, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DivisionKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    # 区划边界: a GeoJSON geometry (Polygon / MultiPolygon, longitude-latitude) for the command map;
    # generated for the synthetic county, imported for a real one (`fangkong division_shapes`).
    shape = models.JSONField(_("区划边界"), null=True, blank=True, editable=False)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        indexes = [models.Index(fields=["parent", "path"], name="division_parent_path")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.path = path_for(self.code, self.level)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        validate_division_code(self.code or "", self.level, self.parent if self.parent_id else None)

    @property
    def ancestor_paths(self) -> list[str]:
        return [self.path[:n] for n in sorted(set(LEVEL_PATH_LENGTH.values())) if n < len(self.path)]

    def ancestors(self) -> DivisionQuerySet:
        """All divisions above this one, top first, in one query."""
        return Division.objects.filter(path__in=self.ancestor_paths).order_by("path")

    def descendants(self, include_self: bool = False) -> DivisionQuerySet:
        qs = Division.objects.subtree(self)
        return qs if include_self else qs.exclude(pk=self.pk)

    def contains(self, other: Division) -> bool:
        return other.path.startswith(self.path)

    @property
    def full_name(self) -> str:
        names = [d.name for d in self.ancestors() if d.level not in (DivisionLevel.PROVINCE, DivisionLevel.CITY)]
        return "".join([*names, self.name])

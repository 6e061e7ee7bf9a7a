"""`fangkong division_shapes --generate` / `--import FILE.geojson --level township|village --match code|name`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fangkong.core import audit, shapes
from fangkong.core.choices import AuditSource, DivisionLevel
from fangkong.core.models import Division


class Command(BaseCommand):
    help = "生成或导入乡镇、村(社区)的区划边界(GeoJSON) / generate or import division shapes"

    def add_arguments(self, parser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--generate", action="store_true", help="为合成示范县生成边界 / generate shapes")
        what.add_argument("--import", dest="file", help="GeoJSON 文件 / a GeoJSON FeatureCollection")
        parser.add_argument(
            "--level",
            choices=[DivisionLevel.TOWNSHIP.value, DivisionLevel.VILLAGE.value],
            default=DivisionLevel.TOWNSHIP.value,
        )
        parser.add_argument("--match", choices=["code", "name"], default="code")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果 / print the result as JSON")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="已有乡镇边界时跳过生成 / generate only when no township has a shape",
        )

    def handle(self, *args, **opts) -> None:
        with audit.audit_context(source=AuditSource.CLI):
            if (
                opts["generate"]
                and opts["if_missing"]
                and Division.objects.filter(level=DivisionLevel.TOWNSHIP, shape__isnull=False).exists()
            ):
                result, text = {"generated": 0}, "已有区划边界,跳过生成"
            elif opts["generate"]:
                n = shapes.generate_all()
                result = {"generated": n}
                text = f"已生成 {n} 个区划的边界"
            else:
                result = self._import(opts).as_json()
                text = self._summary(result)
        self.stdout.write(json.dumps(result, ensure_ascii=False) if opts["json"] else text)

    def _import(self, opts) -> shapes.ImportResult:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件:{path}")
        try:
            return shapes.import_shapes(path.read_text(encoding="utf-8-sig"), opts["level"], opts["match"])
        except (shapes.ShapeFileError, UnicodeDecodeError) as exc:
            raise CommandError(
                str(exc) if isinstance(exc, shapes.ShapeFileError) else "文件不是 UTF-8 编码的 GeoJSON"
            ) from None

    @staticmethod
    def _summary(r: dict) -> str:
        lines = [f"已导入 {r['matched']} 个区划的边界"]
        for title, items in (
            ("未匹配的要素", r["unmatched"]),
            ("无效的要素", r["invalid"]),
            ("无法确定的要素", r["ambiguous"]),
            ("仍无边界的区划", r["missing"]),
        ):
            if items:
                lines.append(f"{title} {len(items)} 个:")
                lines += [f"  {x}" for x in items]
        return "\n".join(lines)

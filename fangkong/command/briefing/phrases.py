"""The report's sentences where seed 001 asserts a fact: the seed's phrase when the figures show
it, otherwise a sentence that says what is true. Each returns a list of parts (text or Figure)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .figures import Figure

Part = str | Figure


def join_counts(items: list[tuple[str, Figure]], unit: str) -> list[Part]:
    """自主报备和基层排查N人、大数据推送N人……"""
    out: list[Part] = []
    for k, (label, f) in enumerate(items):
        out += [_("、") if k else "", label, f, unit]
    return [p for p in out if p != ""]


def measures(items: list[tuple[str, Figure]], measured: Figure, otherwise: Figure, verifying: Figure, *,
             all_settled: bool) -> list[Part]:
    """均落实相关管控措施（其中…） only when every person's verification is closed under a measure."""
    detail = [_("（其中"), *join_counts(items, _("人")), _("）")]
    out: list[Part] = [_("，")]
    if all_settled and not otherwise.value:
        return [*out, _("均落实相关管控措施"), *detail, _("。")]
    out += [_("已落实相关管控措施"), measured, _("人"), *detail]
    if otherwise.value:
        out += [_("，经核查不在本县、信息错误、无法联系或重复"), otherwise, _("人")]
    if verifying.value:
        out += [_("，其余"), verifying, _("人正在核查")]
    return [*out, _("。")]


def tests(negative: Figure, pending: Figure, positive: Figure, total: int) -> list[Part]:
    """核酸检测阴性, or the split of results when not all are negative."""
    if negative.value == total:
        return [_("核酸检测阴性")]
    out: list[Part] = [_("核酸检测阴性"), negative, _("人、结果待出"), pending, _("人")]
    if positive.value:
        out += [_("、阳性"), positive, _("人")]
    return out


def today(total: Figure, risky: Figure, negative: Figure, pending: Figure, positive: Figure,
          measured: Figure) -> list[Part]:
    """今天通过各渠道排查涉疫地区来返人员N人，均为低风险区人员，核酸检测阴性，已落实健康监测。"""
    if not total.value:
        return [_("今天通过各渠道排查涉疫地区来返人员"), total, _("人。")]
    out: list[Part] = [_("今天通过各渠道排查涉疫地区来返人员"), total, _("人，")]
    if risky.value:
        out += [_("其中"), risky, _("人来自中高风险区")]
    else:
        out.append(_("均为低风险区人员"))
    out += [_("，"), *tests(negative, pending, positive, total.value), _("，")]
    if measured.value == total.value:
        out.append(_("已全部落实管控措施。"))
    else:
        out += [_("已落实管控措施"), measured, _("人，其余正在核查落实。")]
    return out


def cumulative(words: str, pushed: Figure, verified: Figure, low: Figure, risky: Figure, negative: Figure,
               pending: Figure, positive: Figure) -> list[Part]:
    """累计接收群众自报数据N条，核实均为低风险，核酸无异常 — or what the verification found."""
    out: list[Part] = [words, pushed, _("条")]
    if not pushed.value:
        return [*out, _("。")]
    all_verified = verified.value == pushed.value
    if all_verified and not risky.value and negative.value == low.value:
        return [*out, _("，已全部核实，均为低风险地区来返人员（"), low, _("人），核酸检测均为阴性。")]
    out += [_("，已核实"), verified, _("条；涉及低风险地区来返"), low, _("人")]
    if risky.value:
        out += [_("、中高风险区来返"), risky, _("人")]
    out += [_("，"), *tests(negative, pending, positive, low.value + risky.value), _("。")]
    return out


def pushes_today(pushed: Figure, verified: Figure, in_progress: Figure, unreachable: Figure) -> list[Part]:
    """今日推送数据N条，已核实N条，其中剩余N条正在落地核查、N条数据无人接听，正在核实。"""
    out: list[Part] = [_("今日推送数据"), pushed, _("条，已核实"), verified, _("条")]
    rest: list[list[Part]] = []
    if in_progress.value:
        rest.append([in_progress, _("条正在落地核查")])
    if unreachable.value:
        rest.append([unreachable, _("条数据无人接听，正在核实")])
    if not rest:
        return [*out, _("，已全部核实。") if pushed.value else _("。")]
    out.append(_("，其中剩余"))
    for k, r in enumerate(rest):
        out += ([_("、")] if k else []) + r
    return [*out, _("。")]


def key_groups(groups: Figure, members: Figure, tested: Figure, untested: Figure, away: Figure, households: Figure,
               households_tested: Figure, residents_tested: Figure) -> list[Part]:
    """本周重点人群应检N人，实际检测N人，除N人外出未归均按频次落实检测，全县N户，本周落实了N户N人的检测要求。"""
    out: list[Part] = [_("对"), groups, _("类重点人群和全县居民重新摸排，本周重点人群应检"), members, _("人，实际检测"), tested, _("人")]
    if not members.value:
        out.append(_("（尚未登记重点人群名单）"))
    elif not untested.value:
        out.append(_("，均按频次落实检测"))
    elif untested.value == away.value:
        out += [_("，除"), away, _("人外出未归均按频次落实检测")]
    else:
        out += [_("，未检测"), untested, _("人（其中外出未归"), away, _("人），正在督促落实")]
    return [*out, _("；全县"), households, _("户，本周落实了"), households_tested, _("户"), residents_tested,
            _("人的检测要求。")]


def events(start: str, end: str, total: Figure, weddings: Figure, funerals: Figure, supervised: Figure,
           checked: Figure, flagged: Figure) -> list[Part]:
    """严格落实红白事报告制度：M月D日至M月D日报备红白事N起……"""
    head = _("严格落实红白事报告制度，%(start)s至%(end)s") % {"start": start, "end": end}
    if not total.value:
        return [head, _("无红白事报备（"), total, _("起）。")]
    out: list[Part] = [head, _("报备红白事"), total, _("起（喜事"), weddings, _("起、丧事"), funerals, _("起）")]
    if supervised.value == total.value:
        out += [_("，均由乡镇安排人员全程指导")]
    else:
        out += [_("，乡镇安排人员全程指导"), supervised, _("起")]
    out += [_("，现场检查"), checked, _("起")]
    if flagged.value:
        out += [_("，超出规定"), flagged, _("起")]
    return [*out, _("。")]


def sentinels(since: str, sentinels_: Figure, reported: Figure, handled: Figure, unhandled: Figure) -> list[Part]:
    """督促全县N个医疗机构……N月N日以来累计报告N名发热病人，均按要求处置完毕。"""
    out: list[Part] = [_("强化哨点监测预警，督促全县"), sentinels_,
                       _("个医疗机构、发热门诊、预检分诊、零售药店落实主体责任，严格四类药品登记及抗原检测，"
                         "对发烧、咳嗽等新冠可疑症状患者规范留观并报告。")]
    if not reported.value:
        return [*out, since, _("未报告发热病人。")]
    out += [since, _("累计报告"), reported, _("名发热病人")]
    if not unhandled.value:
        return [*out, _("，均按要求处置完毕。")]
    return [*out, _("，其中已处置完毕"), handled, _("名，正在核查处置"), unhandled, _("名。")]

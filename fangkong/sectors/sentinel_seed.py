"""The drug catalogue (四类药品) and the signal rules the platform starts with, seeded by the
migration `0006_sentinels`; afterwards both are data, edited on the pages.
`ensure_sentinel_defaults` seeds them again into a database whose tables were emptied."""

from __future__ import annotations

from django.apps import apps as global_apps

DRUGS = (
    # 退烧
    ("布洛芬", "drug_fever", "布洛芬缓释胶囊、布洛芬片、布洛芬混悬液、芬必得、美林、布洛芬颗粒"),
    ("对乙酰氨基酚", "drug_fever", "对乙酰氨基酚片、扑热息痛、泰诺林、百服宁、必理通"),
    ("复方氨酚烷胺", "drug_fever", "感康、快克、复方氨酚烷胺胶囊、复方氨酚烷胺片"),
    ("氨酚伪麻美芬", "drug_fever", "白加黑、日夜百服咛、氨酚伪麻美芬片"),
    ("阿司匹林", "drug_fever", "阿司匹林片、拜阿司匹灵"),
    ("退热贴", "drug_fever", "冰宝贴、退烧贴"),
    ("安乃近", "drug_fever", "安乃近片"),
    # 止咳
    ("右美沙芬", "drug_cough", "右美沙芬片、氢溴酸右美沙芬、美沙芬"),
    ("复方甘草片", "drug_cough", "甘草片、复方甘草口服溶液"),
    ("急支糖浆", "drug_cough", ""),
    ("川贝枇杷膏", "drug_cough", "京都念慈菴、念慈庵、蜜炼川贝枇杷膏、川贝枇杷露、枇杷膏"),
    ("氨溴索", "drug_cough", "盐酸氨溴索、沐舒坦、氨溴索口服液"),
    ("止咳糖浆", "drug_cough", "止咳露、咳嗽糖浆"),
    ("苏黄止咳胶囊", "drug_cough", ""),
    # 抗病毒
    ("连花清瘟", "drug_antiviral", "连花清瘟胶囊、连花清瘟颗粒、莲花清瘟"),
    ("奥司他韦", "drug_antiviral", "磷酸奥司他韦、达菲、可威、奥司他韦胶囊"),
    ("利巴韦林", "drug_antiviral", "病毒唑、利巴韦林片、利巴韦林颗粒"),
    ("板蓝根", "drug_antiviral", "板蓝根颗粒、板蓝根冲剂"),
    ("金花清感", "drug_antiviral", "金花清感颗粒"),
    ("阿比多尔", "drug_antiviral", "盐酸阿比多尔、阿比朵尔"),
    ("抗病毒口服液", "drug_antiviral", "抗病毒颗粒"),
    # 抗生素
    ("阿莫西林", "drug_antibiotic", "阿莫西林胶囊、阿莫仙、再林、阿莫西林克拉维酸钾"),
    ("头孢克肟", "drug_antibiotic", "头孢、世福素"),
    ("头孢拉定", "drug_antibiotic", ""),
    ("头孢呋辛", "drug_antibiotic", "西力欣、头孢呋辛酯"),
    ("阿奇霉素", "drug_antibiotic", "希舒美、阿奇霉素片、阿奇霉素分散片"),
    ("罗红霉素", "drug_antibiotic", "罗红霉素胶囊"),
    ("左氧氟沙星", "drug_antibiotic", "可乐必妥、左氧氟沙星片"),
    ("克拉霉素", "drug_antibiotic", ""),
)
RULES = (
    # name, sector code (None: the default), threshold, percentile, weeks, min count, response hours
    ("默认规则（CIDARS P80）", None, None, 80, 4, 5, 24),
    ("发热门诊与医疗机构", "medical", 30, 80, 4, 3, 12),
)


def seed(apps, schema_editor=None) -> None:
    Drug = apps.get_model("sectors", "Drug")
    SignalRule = apps.get_model("sectors", "SignalRule")
    Sector = apps.get_model("sectors", "Sector")
    for name, drug_class, aliases in DRUGS:
        Drug.objects.get_or_create(name=name, defaults={"drug_class": drug_class, "aliases": aliases})
    for name, code, threshold, percentile, weeks, min_count, hours in RULES:
        sector = Sector.objects.filter(code=code).first() if code else None
        if code and sector is None:
            continue
        if SignalRule.objects.filter(sector=sector).exists():
            continue
        SignalRule.objects.create(name=name, sector=sector, threshold=threshold, percentile=percentile, weeks=weeks,
                                  min_count=min_count, response_hours=hours)


def ensure_sentinel_defaults() -> int:
    """Seed the catalogue and the rules when there is no drug at all; returns the drugs made."""
    Drug = global_apps.get_model("sectors", "Drug")
    if Drug.objects.exists():
        return 0
    seed(global_apps)
    return Drug.objects.count()

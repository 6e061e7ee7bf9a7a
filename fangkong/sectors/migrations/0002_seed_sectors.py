"""The 19 sectors of issue #13 with the names people write for them, and version 1 of each
sector's checklist. Afterwards the list is data, edited on the pages."""

from django.db import migrations

SECTORS = (
    ("netbar", "网吧/游戏厅", "网吧、网咖、游戏厅、电玩城、电子游戏厅、网吧游戏厅"),
    ("ktv", "KTV", "ktv、KTV娱乐、歌舞厅、歌厅、卡拉OK、量贩KTV、练歌房、舞厅、KTV歌厅"),
    ("bar", "酒吧", "清吧、酒馆、夜店"),
    ("script_game", "剧本杀/密室逃脱", "剧本杀、密室逃脱、密室、桌游、剧本杀密室逃脱"),
    ("bath", "洗浴", "洗浴中心、浴池、足浴、汗蒸、桑拿、洗浴场所、澡堂"),
    ("swimming", "游泳馆", "游泳池、泳池、游泳场"),
    ("hotel", "宾馆旅店", "宾馆、酒店、旅馆、旅店、民宿、招待所、宾馆酒店"),
    ("supermarket", "大型超市", "超市、商超、商场、购物中心、大型商超、大超市"),
    ("shop", "小型商店", "便利店、小卖部、商店、门店、小超市、小商店"),
    ("small_restaurant", "小型餐饮", "小餐馆、小吃店、快餐店、早餐店、餐饮店、小饭馆"),
    ("restaurant", "中大型餐饮", "饭店、餐厅、中型餐饮、大型餐饮、中大型饭店"),
    ("pharmacy", "药店", "零售药店、药房、大药房"),
    ("medical", "医疗机构", "医院、卫生院、诊所、卫生室、门诊、村卫生室"),
    ("school", "学校", "幼儿园、小学、中学、培训机构、校外培训"),
    ("elderly_care", "养老院", "养老机构、敬老院、福利院"),
    ("factory", "工厂企业", "工厂、企业、工业企业、厂矿企业"),
    ("construction", "建筑工地", "工地、施工工地、建设工地、在建工地"),
    ("religious", "宗教场所", "寺庙、教堂、清真寺、宗教活动场所"),
    ("other", "其他", "其他经营场所、其它"),
)
CHECKLIST = ("张贴防疫公示牌", "48小时核酸查验", "测温", "扫码", "消毒记录", "员工检测台账", "一米线", "限流")


def seed(apps, schema_editor):
    Sector = apps.get_model("sectors", "Sector")
    Checklist = apps.get_model("sectors", "Checklist")
    ChecklistItem = apps.get_model("sectors", "ChecklistItem")
    for order, (code, name, aliases) in enumerate(SECTORS, 1):
        sector, _ = Sector.objects.get_or_create(code=code, defaults={"name": name, "aliases": aliases, "order": order})
        if not Checklist.objects.filter(sector=sector).exists():
            checklist = Checklist.objects.create(sector=sector, version=1, note="初始版本")
            ChecklistItem.objects.bulk_create(
                [ChecklistItem(checklist=checklist, order=i, text=t) for i, t in enumerate(CHECKLIST, 1)])


class Migration(migrations.Migration):
    dependencies = [("sectors", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

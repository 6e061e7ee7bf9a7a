"""Statuses and kinds shared by every app (glossary names)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县(市、区)")
    TOWNSHIP = "township", _("乡镇(街道)")
    VILLAGE = "village", _("村(社区)")
    GRID = "grid", _("网格")


# Length of the significant prefix of a division code at each level: a division's
# descendants are exactly the divisions whose path starts with its path.
LEVEL_PATH_LENGTH = {
    DivisionLevel.PROVINCE: 2,
    DivisionLevel.CITY: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWNSHIP: 9,
    DivisionLevel.VILLAGE: 12,
    DivisionLevel.GRID: 15,
}


class DivisionKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    DISTRICT = "district", _("区")
    TOWN = "town", _("镇")
    TOWNSHIP = "township", _("乡")
    SUBDISTRICT = "subdistrict", _("街道")
    DEV_ZONE = "dev_zone", _("开发区")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


class Role(models.TextChoices):
    COMMAND_CENTER = "command_center", _("指挥部")
    MODULE_LEAD = "module_lead", _("模块负责人")
    MODULE_ADMIN = "module_admin", _("模块管理员")
    REVIEWER = "reviewer", _("审核员")
    TOWNSHIP_CADRE = "township_cadre", _("乡镇干部")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    GRID_WORKER = "grid_worker", _("网格员")
    CDC = "cdc", _("疾控")
    LAB = "lab", _("检测机构")
    SITE_STAFF = "site_staff", _("隔离点工作人员")
    SECTOR_REGULATOR = "sector_regulator", _("行业监管")
    AUDITOR = "auditor", _("只读审计")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# 三员分立: one account may hold at most one of these.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that hold a screening module (负责人 / 管理员 / 审核员 of one module).
MODULE_ROLES = frozenset({Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.REVIEWER})


class Module(models.TextChoices):
    """The six screening modules of seed 001, each run by one department."""

    SELF_REPORT = "self_report", _("群众自报")
    GRID_SCREENING = "grid_screening", _("主动排查")
    CLOSE_CONTACT = "close_contact", _("密接、次密接")
    ASSIST_REQUEST = "assist_request", _("跨省协查")
    BIG_DATA = "big_data", _("大数据推送")
    HARD_TO_FIND = "hard_to_find", _("难查数据")


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    VIEW = "view", _("查看")
    VIEW_PII = "view_pii", _("查看完整个人信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    ACTION = "action", _("业务操作")


class AuditSource(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    IMPORT = "import", _("导入")
    JOB = "job", _("后台任务")
    CLI = "cli", _("命令行")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class MeasureKind(models.TextChoices):
    """管控措施: shared by screening outcomes, control measures and the 001 numbers."""

    CENTRAL_QUARANTINE = "central_quarantine", _("集中隔离")
    HOME_ISOLATION = "home_isolation", _("居家医学观察")
    HOME_MONITORING = "home_monitoring", _("居家健康监测")
    HEALTH_MONITORING = "health_monitoring", _("健康监测")


class TestKind(models.TextChoices):
    """核酸 / 抗原: shared by control's test schedules and testing's samples."""

    __test__ = False  # not a pytest test class

    PCR = "pcr_test", _("核酸检测")
    ANTIGEN = "antigen_test", _("抗原检测")

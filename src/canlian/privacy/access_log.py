"""How one audit event reads to the citizen it concerns (查询记录说明): pure rules, no Django.

The audit log is written for auditors (user names, URLs, record ids). A citizen asking "who
looked at my record" is told instead *which office* (the role and its unit, never the staff
member's name), *what for* (the page or action in plain Chinese) and, for reads that are not
routine, *why it may have happened*. Two kinds are explained: a township or village worker
whose area does not contain the person's village at the time of the read, and a read that
took the person together with many others (an export, or a department system's list).
"""

from __future__ import annotations

from dataclasses import dataclass

from canlian.regions.codes import is_within

ACTIONS = {
    "view": "查看", "create": "新建", "update": "修改", "export": "导出", "import": "导入",
    "transition": "办理", "login": "登录", "login_failed": "登录失败", "logout": "退出登录",
}

# Pages by URL name; an app's other pages fall back to APP_PAGES.
PAGES = {
    "people:detail": "查看您的残疾人档案",
    "people:edit": "打开您的档案修改页面",
    "people:list": "在残疾人名单中查询",
    "people:export": "导出残疾人名单",
    "people:contact_change_decide": "审核您的联系方式变更申请",
    "certificates:application": "办理您的残疾人证申请",
    "certificates:assess": "残疾评定",
    "certificates:card": "查看您的残疾人证",
    "certificates:queue": "残疾人证办理队列",
    "benefits:application": "审核您的补贴申请",
    "benefits:grant": "查看您的补贴发放",
    "community:person": "查看您的社区助残信息",
    "community:request": "办理您的服务申请",
    "community:watch_case": "防止返贫监测",
    "services:renovation": "办理您的无障碍改造",
}
APP_PAGES = {
    "people": "残疾人档案", "certificates": "残疾人证办理", "benefits": "两项补贴",
    "community": "社区助残服务", "services": "康复和服务", "surveys": "基本状况和需求调查",
    "employment": "就业服务", "rights": "维权服务", "care": "托养服务", "education": "教育服务",
    "culture": "文体服务", "admin": "系统管理后台", "audit": "审计查询",
}
OBJECTS = {
    "person": "残疾人档案", "certificate": "残疾人证", "application": "残疾人证申请",
    "subsidyapplication": "补贴申请", "grant": "补贴发放", "upload": "申请材料",
    "contactchange": "联系方式变更", "annualsurvey": "年度调查", "servicerecord": "服务记录",
    "servicerequest": "服务申请", "renovation": "无障碍改造", "watchcase": "防止返贫监测",
}
SELF = "您本人或您的监护人"
SYSTEM = "系统自动处理"
LOCAL_ROLES = frozenset({"village_worker", "township_staff"})
BULK_MIN = 2  # an event written with others in one go is part of a list, export or import


@dataclass(frozen=True)
class Event:
    """The fields of one audit event the description needs."""

    action: str
    object_type: str
    object_id: str
    summary: str
    region_code: str            # the person's village when the event was written
    actor_role: str | None      # None: written by the system
    actor_region: str | None    # the actor's region code (staff)
    batch_size: int = 1         # events written together with this one


def purpose(e: Event) -> str:
    """What the office was doing, in plain Chinese, without URLs or record numbers."""
    if e.object_type == "page":
        return PAGES.get(e.object_id) or (
            "查看" + APP_PAGES.get(e.object_id.split(":")[0], "业务") + "页面")
    if e.summary and not e.summary.startswith("查看页面"):
        return e.summary
    thing = OBJECTS.get(e.object_type, "记录")
    return ACTIONS.get(e.action, e.action) + thing


def unusual(e: Event) -> str:
    """Why a read is not routine, or "" when it is."""
    if e.batch_size >= BULK_MIN and e.action in ("export", "view", "import"):
        what = {"export": "一次导出", "import": "一次导入"}.get(e.action, "一次批量读取")
        return (f"您的信息和其他 {e.batch_size - 1:,} 人一起出现在{what}中（共 {e.batch_size:,} 人）。"
                "导出和部门系统读取名单都需要相应权限，并逐人留痕。")
    if (e.actor_role in LOCAL_ROLES and e.actor_region and e.region_code
            and not is_within(e.region_code, e.actor_region)):
        return ("这个单位不管辖您当时登记所在的村（社区）或镇街。可能是这位工作人员后来调到了别的镇街，"
                "也可能是经系统管理后台查看。如您觉得不正常，可以通过“求助维权”提出，残联会核查审计日志。")
    return ""

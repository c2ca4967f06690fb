"""Roles (docs/domain.md §9) and what each may do. No database code.

A role says *what* a user may do; the user's region says *where*. The two are checked
separately: the capability here (403 when missing) and the region in the scoping
layer (404 for a record outside it, so its existence is not disclosed).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CITIZEN = "citizen"  # 残疾人或监护人
    VILLAGE_WORKER = "village_worker"  # 村社专职委员
    TOWNSHIP_STAFF = "township_staff"  # 镇街残联
    FEDERATION_STAFF = "federation_staff"  # 市/区残联
    ASSESSOR = "assessor"  # 评残医生
    EMPLOYER = "employer"  # 用人单位
    AUDITOR = "auditor"  # 审计/领导 (read-only)
    DEPARTMENT = "department"  # 残工委成员单位（规划任务牵头/责任部门）
    EVALUATOR = "evaluator"  # 第三方评估机构 (read-only: aggregates and an anonymised sample)


LABELS_ZH = {
    Role.CITIZEN: "残疾人/监护人",
    Role.VILLAGE_WORKER: "村社专职委员",
    Role.TOWNSHIP_STAFF: "镇街残联工作人员",
    Role.FEDERATION_STAFF: "市/区残联工作人员",
    Role.ASSESSOR: "评残医生",
    Role.EMPLOYER: "用人单位",
    Role.AUDITOR: "审计/领导（只读）",
    Role.DEPARTMENT: "规划任务责任部门",
    Role.EVALUATOR: "第三方评估机构",
}


class Capability(StrEnum):
    VIEW_PEOPLE = "view_people"
    EDIT_PEOPLE = "edit_people"
    IMPORT_PEOPLE = "import_people"
    EXPORT_PEOPLE = "export_people"
    VIEW_AUDIT = "view_audit"
    MANAGE_CERTIFICATES = "manage_certificates"
    ASSESS = "assess"
    REVIEW = "review"
    APPROVE = "approve"
    REPORT_PLAN_TASKS = "report_plan_tasks"  # a department reports its plan tasks' progress
    SUPERVISE_PLAN_TASKS = "supervise_plan_tasks"  # 督查: every department's tasks, bulletin
    VIEW_SATISFACTION = "view_satisfaction"  # 满意度: ratings per service kind, institution, township
    EVALUATE = "evaluate"  # 第三方评估: aggregates, an anonymised sample, recording findings
    OWN_UNIT = "own_unit"  # an employer's own unit: its quota-employment declarations (按比例就业)
    MANAGE_LEGAL_HOLDS = "manage_legal_holds"  # 依法保全: place and lift legal holds in the region
    # 按同意共享: see the consent-based department accounts and enable or disable them
    MANAGE_DATA_SHARING = "manage_data_sharing"
    # 发放名册: the deployment's monthly payment rolls (its staff make them, auditors read them)
    VIEW_ROLLS = "view_rolls"


_STAFF_READ = {Capability.VIEW_PEOPLE}
CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.CITIZEN: frozenset(),
    Role.VILLAGE_WORKER: frozenset(
        _STAFF_READ | {Capability.EDIT_PEOPLE, Capability.MANAGE_CERTIFICATES}
    ),
    Role.TOWNSHIP_STAFF: frozenset(
        _STAFF_READ
        | {
            Capability.EDIT_PEOPLE,
            Capability.IMPORT_PEOPLE,
            Capability.EXPORT_PEOPLE,
            Capability.MANAGE_CERTIFICATES,
            Capability.REVIEW,
            Capability.VIEW_SATISFACTION,
            Capability.MANAGE_LEGAL_HOLDS,
        }
    ),
    Role.FEDERATION_STAFF: frozenset(
        _STAFF_READ
        | {
            Capability.EDIT_PEOPLE,
            Capability.IMPORT_PEOPLE,
            Capability.EXPORT_PEOPLE,
            Capability.VIEW_AUDIT,
            Capability.MANAGE_CERTIFICATES,
            Capability.REVIEW,
            Capability.APPROVE,
            Capability.SUPERVISE_PLAN_TASKS,
            Capability.VIEW_SATISFACTION,
            Capability.MANAGE_LEGAL_HOLDS,
            Capability.MANAGE_DATA_SHARING,
            Capability.VIEW_ROLLS,
        }
    ),
    Role.ASSESSOR: frozenset({Capability.ASSESS}),
    Role.EMPLOYER: frozenset({Capability.OWN_UNIT}),
    Role.AUDITOR: frozenset(_STAFF_READ | {Capability.EXPORT_PEOPLE, Capability.VIEW_AUDIT,
                                           Capability.SUPERVISE_PLAN_TASKS,
                                           Capability.VIEW_SATISFACTION, Capability.VIEW_ROLLS}),
    # A department of the committee (残工委成员单位) sees only its own plan tasks.
    Role.DEPARTMENT: frozenset({Capability.REPORT_PLAN_TASKS}),
    # A third-party evaluator (第三方评估机构) reads aggregates and an anonymised, seeded
    # sample of records (every read audited) and records its findings; it never sees the
    # registry (no names, resident IDs or phones) and changes no record of the federation.
    Role.EVALUATOR: frozenset({Capability.VIEW_SATISFACTION, Capability.EVALUATE}),
}

# Roles that work in the staff site (the others use the citizens' or employers' portal).
STAFF_ROLES = frozenset(
    {Role.VILLAGE_WORKER, Role.TOWNSHIP_STAFF, Role.FEDERATION_STAFF, Role.ASSESSOR, Role.AUDITOR}
)

# The region level each staff role is bound to.
REGION_LEVEL: dict[Role, str] = {
    Role.VILLAGE_WORKER: "village",
    Role.TOWNSHIP_STAFF: "township",
    Role.FEDERATION_STAFF: "county",
    Role.AUDITOR: "county",
    Role.ASSESSOR: "county",
    Role.DEPARTMENT: "county",
    Role.EVALUATOR: "county",
}


def can(role: str, capability: Capability) -> bool:
    try:
        return capability in CAPABILITIES[Role(role)]
    except ValueError:
        return False

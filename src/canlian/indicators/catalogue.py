"""What each indicator counts (指标口径): shown on its page, so every figure can be checked.

No database code; the queries that implement these words are in ``measures``. The rules
of policy-rules §7 apply to every rate: the numerator is a subset of the denominator,
persons are counted once (by ID), a service given without an assessed need does not count,
and a rate cannot exceed 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    numerator: str
    denominator: str | None
    source: str


D = Definition
DEFINITIONS: dict[str, Definition] = {
    "living_subsidy_coverage": D(
        "当年任一月份已定稿发放（未退回）困难残疾人生活补贴的人数",
        "已发放人数 + 按登记信息判断符合条件但当年未发放的在世持证残疾人（应享未享）",
        "两项补贴发放花名册；残疾人基础库；补贴规则"),
    "nursing_subsidy_coverage": D(
        "当年任一月份已定稿发放（未退回）重度残疾人护理补贴的人数",
        "已发放人数 + 按登记信息判断符合条件但当年未发放的在世持证残疾人（按需长期照护假定）",
        "两项补贴发放花名册；残疾人基础库；补贴规则"),
    "low_income_inclusion_rate": D(
        "家庭人均收入低于当年低保标准且家庭为低保（或特困）的人数",
        "当年调查中家庭人均收入低于当年 6 月 30 日低保标准的人数",
        "年度动态更新调查；低保标准（补贴规则文件）"),
    "home_of_disabled_coverage": D(
        "年末有 1 家以上正常运营“残疾人之家”的镇（街道）数", "镇（街道）总数", "服务机构登记"),
    "care_institution_coverage": D(
        "年末有专业托养机构的镇（街道）数", "镇（街道）总数", "服务机构登记"),
    "township_service_institution_coverage": D(
        "年末设有残疾人服务机构的镇（街道）数", "镇（街道）总数", "服务机构登记"),
    "pension_insurance_rate": D(
        "16 周岁以上、不在学，且参加城乡居民或职工基本养老保险的人数",
        "当年调查中 16 周岁以上（6 月 30 日计）、不在学的人数", "年度动态更新调查"),
    "medical_insurance_rate": D(
        "参加基本医疗保险的人数", "当年调查的持证残疾人数", "年度动态更新调查"),
    "employment_rate": D(
        "16–59 周岁、有劳动能力，且调查为就业或当年有就业安置记录的人数",
        "当年调查中 16–59 周岁、有劳动能力的人数", "年度动态更新调查；就业安置记录"),
    "high_school_education_rate": D(
        "高中阶段年龄（9 月 1 日 15–18 周岁）、已完成义务教育且在读高中阶段的人数",
        "高中阶段年龄、已完成义务教育的人数", "年度动态更新调查"),
    "compulsory_education_enrollment": D(
        "6–15 周岁（9 月 1 日计）在普通学校、特教学校（班）就读或送教上门的儿童少年人数",
        "当年调查中 6–15 周岁的残疾儿童少年人数", "年度动态更新调查"),
    "rehabilitation_coverage": D(
        "当年有康复需求、且当年获得至少一次基本康复服务（含儿童康复救助）的人数；"
        "无需求者获得的服务不计入",
        "当年调查中有康复需求的人数", "年度动态更新调查；服务记录"),
    "assistive_device_rate": D(
        "当年有辅具需求、且当年完成辅具适配的人数", "当年调查中有辅具需求的人数",
        "年度动态更新调查；辅具适配记录"),
    "home_accessibility_rate": D(
        "规划期内调查有无障碍改造需求、且在规划期内改造验收的人数（累计）",
        "规划期内任一年调查有家庭无障碍改造需求的人数（累计，按人去重）",
        "年度动态更新调查；无障碍改造记录"),
    "culture_sports_coverage": D(
        "当年获得至少一次文化体育服务的人数", "当年调查的持证残疾人数",
        "服务记录；年度动态更新调查"),
    "vocational_training_count": D(
        "规划期起至当年年末的职业技能培训人次（每次报名完成的培训计 1 人次）", None, "培训记录"),
    "vocational_training_per_year": D("当年职业技能培训人次", None, "培训记录"),
    "home_accessibility_count": D(
        "规划期起至当年年末验收的困难（低保、低保边缘、特困）或重度（一、二级）残疾人家庭"
        "无障碍改造户数", None, "无障碍改造记录"),
    "household_income_growth": D(
        "当年调查的残疾人家庭人均可支配收入均值比上年增长的百分比",
        "与外部数据“地区生产总值增速”（city_gdp_growth）比较", "年度动态更新调查；外部数据"),
    "federation_staff_disabled_share": D(
        "区级残联机关干部中残疾人所占比例（外部录入）", None, "外部数据（人事部门）"),
    "public_unit_quota": D(
        "编制 50 人以上党政机关、67 人以上事业单位（中小学、幼儿园除外）中未安排残疾人就业的单位数",
        None, "用人单位按比例就业年审"),
}

"""What each indicator counts (指标口径): shown on its page, so every figure can be checked.

No database code; the queries that implement these words are in ``measures``. The rules
of docs/domain.md §8 apply to every rate: the numerator is a subset of the denominator,
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
CERT = "持有有效残疾人证（调查当日）"
DEFINITIONS: dict[str, Definition] = {
    "living_subsidy_coverage": D(
        "当年任一月份已定稿发放（未退回）困难残疾人生活补贴的人数",
        "已发放人数 + 当年 6 月 30 日（未到则为今天）按当日事实判断可能符合条件但当年未发放的人数"
        "（在世、持有当日有效的残疾人证、家庭类型与人均收入按当日情况，含浙江收入标准）",
        "两项补贴发放花名册；残疾人基础库；残疾人证有效期；年度调查；补贴规则"),
    "nursing_subsidy_coverage": D(
        "当年任一月份已定稿发放（未退回）重度残疾人护理补贴的人数",
        "已发放人数 + 当年 6 月 30 日按当日事实判断可能符合条件但当年未发放的人数（长期照护需求按“需要”假定，"
        "由评定确认）",
        "两项补贴发放花名册；残疾人基础库；残疾人证有效期；补贴规则"),
    "low_income_inclusion_rate": D(
        "其中家庭为低保（或特困）的人数（调查所记家庭类型）",
        f"当年调查中{CERT}、家庭人均收入低于当年 6 月 30 日低保标准的人数",
        "年度动态更新调查；低保标准（补贴规则文件）"),
    "home_of_disabled_coverage": D(
        "年末有 1 家以上正常运营“残疾人之家”的镇（街道）数", "镇（街道）总数",
        "服务机构登记（开办、关闭日期）"),
    "care_institution_coverage": D(
        "年末有专业托养机构的镇（街道）数", "镇（街道）总数", "服务机构登记（开办、关闭日期）"),
    "township_service_institution_coverage": D(
        "年末设有残疾人服务机构的镇（街道）数（镇街残疾人服务机构，或作为其承担者的“如康家园”残疾人之家）",
        "镇（街道）总数", "服务机构登记（开办、关闭日期）"),
    "pension_insurance_rate": D(
        "其中参加城乡居民或职工基本养老保险的人数（含当年养老保险缴费补贴名单经人社部门确认的）",
        f"当年调查中{CERT}、16 周岁以上（6 月 30 日计）、不在学的人数",
        "年度动态更新调查；“1+X”项目名单确认"),
    "medical_insurance_rate": D(
        "其中参加基本医疗保险的人数（含当年医疗保险缴费补贴名单经医保部门确认的）",
        f"当年调查中{CERT}的人数", "年度动态更新调查；“1+X”项目名单确认"),
    "employment_rate": D(
        "其中调查为就业或当年有就业安置记录的人数",
        f"当年调查中{CERT}、16–59 周岁、有劳动能力的人数", "年度动态更新调查；就业安置记录"),
    "high_school_education_rate": D(
        "其中在读高中阶段（或以上）或已完成高中阶段教育（最高学历）的人数（调查或教育登记，"
        "登记为当年任一时间在读高中阶段以上或年末前已完成高中阶段）",
        f"当年调查中{CERT}、调查所在学年 9 月 1 日 15–18 周岁、已完成义务教育（调查或教育登记）的人数",
        "年度动态更新调查（受教育状况、最高已完成学历）；残疾儿童少年教育登记"),
    "compulsory_education_enrollment": D(
        "其中在普通学校、特教学校（班）就读或送教上门，或已完成义务教育（含已升入高中阶段）的人数"
        "（调查或教育登记：当年任一时间在义务教育阶段就读，或年末前已完成义务教育）",
        f"当年调查中{CERT}、调查所在学年 9 月 1 日 6–15 周岁的儿童少年人数",
        "年度动态更新调查；残疾儿童少年教育登记"),
    "rehabilitation_coverage": D(
        "其中当年获得至少一次基本康复服务（服务目录中的基本服务，含儿童康复救助）的人数；"
        "无需求者获得的服务不计入",
        f"当年调查中{CERT}、有康复需求的人数",
        "年度动态更新调查；服务记录；残疾儿童康复救助机构结算"),
    "assistive_device_rate": D(
        "其中当年完成辅具适配的人数", f"当年调查中{CERT}、有辅具需求的人数",
        "年度动态更新调查；辅具适配记录"),
    "basic_assistive_device_rate": D(
        "其中当年适配了基本型辅助器具（基本型辅助器具目录内）的人数", f"当年调查中{CERT}、有辅具需求的人数",
        "年度动态更新调查；辅具适配记录；辅助器具目录（基本型标记）"),
    "home_accessibility_rate": D(
        "其中规划期内（至年末）有改造验收的户数",
        "规划期内任一年调查有家庭无障碍改造需求、且符合条件（调查时为低保、低保边缘、特困家庭或一、二级重度残疾）"
        "的家庭户数；年末仍在本地（在世、持有有效残疾人证）的才计入",
        "年度动态更新调查；无障碍改造记录"),
    "culture_sports_coverage": D(
        "其中当年获得至少一次文化体育服务的人数", f"当年调查中{CERT}的人数",
        "服务记录；年度动态更新调查"),
    "vocational_training_count": D(
        "规划期起至当年年末结业的职业技能培训人次（每完成一期培训计 1 人次；未到课、未结业不计）", None,
        "培训记录（结业）"),
    "vocational_training_per_year": D(
        "当年结业的职业技能培训人次（未到课、未结业不计）；目标为全市合计，镇街只显示贡献", None,
        "培训记录（结业）"),
    "home_accessibility_count": D(
        "规划期起至当年年末验收的困难重度残疾人家庭无障碍改造户数：验收时家庭为低保、低保边缘或特困，"
        "且本人为一、二级重度残疾（两者同时满足），按户计", None, "无障碍改造记录；残疾人证；年度调查"),
    "household_income_growth": D(
        "当年调查的持证残疾人家庭人均可支配收入均值比上年增长的百分比",
        "与规划声明的外部数据“地区生产总值增速”比较", "年度动态更新调查；外部数据"),
    "federation_staff_disabled_share": D(
        "区级残联机关干部中残疾人所占比例（外部数据，由人事部门提供）", None, "外部数据（人事部门）"),
    "public_unit_quota": D(
        "编制 50 人以上党政机关、67 人以上事业单位（中小学、幼儿园除外）中未安排残疾人就业的单位数",
        None, "用人单位按比例就业年审"),
}

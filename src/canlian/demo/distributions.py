"""Distributions for synthetic persons, close to China's published disability statistics.

Category shares are those of certificate holders (中国残联 statistical bulletins: physical
about half, then intellectual/mental/visual/hearing, speech smallest); grades lean
mild; ages lean old (more than half of certified persons are 60 or over). No database
code: the generator samples from these with a seeded random source.
"""

from __future__ import annotations

# Category shares, as (category digit, weight) pairs.
CATEGORY_WEIGHTS = [(4, 48), (1, 10), (2, 11), (3, 1), (5, 10), (6, 12), (7, 8)]
# Grade shares, as (grade, weight) pairs.
GRADE_WEIGHTS = [(1, 12), (2, 24), (3, 28), (4, 36)]
# Age bands, as (youngest, oldest inclusive, weight).
AGE_BANDS = [(0, 5, 1.5), (6, 15, 3), (16, 17, 1), (18, 29, 6), (30, 44, 12), (45, 59, 24),
             (60, 74, 31), (75, 96, 21.5)]
MALE_SHARE = 0.56
HOUSEHOLD_WEIGHTS = [("ordinary", 80), ("dibao", 12), ("dibao_edge", 5), ("tekun", 3)]
DECEASED_SHARE = 0.03
NO_CERTIFICATE_SHARE = 0.04  # registered, certificate still in application

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉海波宁鑫浩宇欣怡子"
    "轩涵梓晨佳琪雨晴嘉博俊凯瑞泽林峰健婷燕琳雪梅春生福寿德荣庆祥云飞鹏亮成康安永兴"
)
PHONE_PREFIXES = ("133", "135", "137", "138", "139", "150", "151", "152", "157", "158", "159",
                  "177", "180", "181", "186", "187", "188", "189", "199")
GUARDIAN_RELATIONS = ("父亲", "母亲", "配偶", "子女", "兄弟姐妹")

"""The text messages (短信) Canlian sends citizens: one place, pure templates.

Every message is short Simplified Chinese (a message is read on a basic phone, whatever
language the staff member who made the decision uses), starts with the sender's signature
``【残联】`` and carries only what the citizen needs to act: no resident ID, no name, no
bank account, no reason of a refusal (which may be sensitive: the citizen reads it signed
in, on the portal). Amounts have thousands separators and the unit.

Plain functions, no Django: the actions in ``portal/actions.py`` pick the phone and send
after the decision commits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

SIGNATURE = "【残联】"
SEE_PORTAL = "详情请登录网上办事查看。"

SUBSIDY_NAMES = {"living": "困难残疾人生活补贴", "nursing": "重度残疾人护理补贴"}


def yuan(amount: Decimal | int) -> str:
    """``330`` → ``330元``, ``1200.5`` → ``1,200.50元``: whole yuan without decimals."""
    value = Decimal(amount)
    if value == value.to_integral_value():
        return f"{value:,.0f}元"
    return f"{value:,.2f}元"


def month(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def subsidy_approved(subsidy: str, monthly: Decimal | int, start: dt.date) -> str:
    name = SUBSIDY_NAMES.get(subsidy, "残疾人补贴")
    return (f"{SIGNATURE}您的{name}申请已批准，每月{yuan(monthly)}，自{month(start)}起发放。"
            f"{SEE_PORTAL}")


def subsidy_rejected(subsidy: str) -> str:
    name = SUBSIDY_NAMES.get(subsidy, "残疾人补贴")
    return f"{SIGNATURE}您的{name}申请未获批准。原因及救济途径{SEE_PORTAL}"


def certificate_approved(kind: str) -> str:
    return f"{SIGNATURE}您的残疾人证{kind}申请已审批通过，正在办结。{SEE_PORTAL}"


def certificate_refused(kind: str) -> str:
    return f"{SIGNATURE}您的残疾人证{kind}申请未获通过。原因及救济途径{SEE_PORTAL}"


def certificate_issued(kind: str, valid_until: dt.date | None) -> str:
    if valid_until is None:  # a transfer or a cancellation: done, no new card
        return f"{SIGNATURE}您的残疾人证{kind}申请已办结。{SEE_PORTAL}"
    return (f"{SIGNATURE}您的残疾人证{kind}已办结，新证有效期至{date(valid_until)}，"
            f"请到户籍所在地村（社区）或镇街领取。{SEE_PORTAL}")


def programme_approved(name: str) -> str:
    return f"{SIGNATURE}您的“{name}”申请已批准。{SEE_PORTAL}"


def programme_refused(name: str) -> str:
    return f"{SIGNATURE}您的“{name}”申请未获批准。原因及救济途径{SEE_PORTAL}"


def certificate_renewal_due(valid_until: dt.date) -> str:
    return (f"{SIGNATURE}您的残疾人证将于{date(valid_until)}到期，请在到期前办理换领，"
            f"可登录网上办事申请或到村（社区）咨询。")

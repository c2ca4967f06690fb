"""Benefits (两项补贴): the living subsidy for persons in hardship (困难残疾人生活补贴) and
the nursing subsidy for severely disabled persons (重度残疾人护理补贴).

``rulesets`` loads each deployment's versioned rule set from ``data/<code>.yaml``;
``eligibility`` decides, as a pure function of a person's facts and a date, whether the
person is eligible and for how much, with every rule it checked. Neither module touches
the database or imports Django: national rules are code, local amounts and predicates
are data (国发〔2015〕52号 lets each province and city set its own).
"""

"""Employment of disabled persons (残疾人就业): the employer quota (按比例安排残疾人就业) and
the employment security fund levy (残疾人就业保障金, 残保金).

``uscc`` validates an employer's unified social credit code (统一社会信用代码);
``levy`` computes the levy as a pure function of the employer's declaration and the
versioned rules in ``data/levy.yaml``; ``quota`` classifies an employer against the
ratio and checks the Linzi plan's rule for public units. None of these modules touches
the database or imports Django: national rules are code, ratios, caps, reduction
tiers and exemptions are data (each province sets its own ratio, and the reductions
are time-limited), so a new year's rules are a data change.
"""

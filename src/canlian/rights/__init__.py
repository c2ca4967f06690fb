"""Rights casework (维权): 信访 (letters and visits), legal aid (法律援助) and rights
complaints (维权投诉), from intake (portal, 12385 hotline, walk-in, letter) through
acceptance, assignment or referral, the statutory time limits (``rules`` and
``data/time_limits.yaml``), supervision of overdue cases (督办), 代办 with the person's
consent, closure with the person's satisfaction, and reopening on appeal.
"""

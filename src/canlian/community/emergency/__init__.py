"""Community support, emergency protection (应急保护): the person's circumstances, the roster,
emergencies and check-ins.
"""

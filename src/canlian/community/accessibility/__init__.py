"""Community support, accessibility supervision (无障碍监督): places, inspections and the
rectification of problems.
"""

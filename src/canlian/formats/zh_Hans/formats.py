"""Digits grouped by three with a comma, as federation reports and bank rolls write them."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

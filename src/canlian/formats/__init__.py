"""Number formats that override Django's locale defaults (settings.FORMAT_MODULE_PATH).

Django's zh_Hans locale groups digits by nothing (``THOUSAND_SEPARATOR = ""``), so
``intcomma`` printed "2422260" on the Chinese pages. Federation reports and bank rolls
write amounts as 2,422,260.00: comma every three digits, as in English.
"""

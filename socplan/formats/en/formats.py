"""Dates in English as the pages write them (``{{ day|date:"SHORT_DATE_FORMAT" }}``): one style
everywhere, "5 Dec 2026" in lists and tables, "5 December 2026" in sentences."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, P"
SHORT_DATETIME_FORMAT = "j M Y, P"

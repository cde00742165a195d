"""Dates in Spanish as the pages write them: "5 dic 2026" in lists and tables (months in
lower case, as Spanish writes them), "5 de diciembre de 2026" in sentences, 24-hour times."""

DATE_FORMAT = r"j \d\e F \d\e Y"
SHORT_DATE_FORMAT = "j b Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
SHORT_DATETIME_FORMAT = "j b Y, H:i"

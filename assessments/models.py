"""The self-assessment instrument, survey responses, the data table and the map (issues 4, 5)."""

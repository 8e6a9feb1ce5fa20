"""Clinical safety, in plain Python: the phrase triage, the words around a phrase, the disposition
table, safety across turns, safety when the stores fail, and the report for the CSO."""

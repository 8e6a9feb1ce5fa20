"""Feedback and insights for the NET team, without keeping what patients typed (issue 21).

- `broker`: a Rasa event broker that folds each turn's events into one analytics row (no text).
- `feedback_channel`: the widget's "Was this helpful?" and consented-question endpoint.
- `redact`: keeps only allowlisted words of a question a patient chose to share.
- `store`: the SQLite file beside the tracker store, its retention and erasure.
- `figures`, `charts`, `report`: what the staff page (bot/web/staff.py) and `make report` show.
See docs/insights.md.
"""

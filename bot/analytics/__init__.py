"""Feedback and insights for the NET team, without keeping what patients typed (issue 21).

- `turns`: folds each turn's events into one analytics row (no text); the Rasa event broker
  that feeds it is bot/rasa_ext/analytics_broker.py.
- The widget's "Was this helpful?" and consented-question endpoint is a Rasa channel:
  bot/rasa_ext/channels/feedback.py.
- `redact`: keeps only allowlisted words of a question a patient chose to share.
- `store`: the SQLite file beside the tracker store, its retention and erasure.
- `figures`, `charts`, `report`: what the staff page (bot/web/staff.py) and `make report` show.
See docs/insights.md.
"""

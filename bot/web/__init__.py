"""The website chat widget (static/widget.js, static/widget.css), its demo page and the nurse page.

`python -m bot.web.server --help` serves them; see bot/web/server.py.
"""

"""Rasa input channels: the guarded REST channel and the widget's feedback endpoint."""

"""What a client sends to the REST channel, checked before Rasa sees it: body, payloads, size and
rate limits. Plain Python; the channel itself is bot/rasa_ext/channels/rest.py."""

"""The one Rasa version the patches in this package were written against and tested on."""
SUPPORTED_RASA = "3.6.21"

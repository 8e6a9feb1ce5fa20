"""Everything that imports Rasa: NLU components, the policy, channels, stores, the analytics event
broker, the patches to Rasa's own code, and the entry points of the Rasa and action servers.
Each is a thin adapter over the plain Python in the other packages of bot/."""

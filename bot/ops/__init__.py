"""Running the bot: the launcher and its supervisor, the cluster on one machine, the
vulnerability audit and the cross-validation summary."""

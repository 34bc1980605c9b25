"""Review: the state store, decisions applied to the dataset, the web app and its CLI."""

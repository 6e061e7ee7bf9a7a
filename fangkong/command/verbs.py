"""Chinese names of the command audit verbs (shown on the audit pages)."""

VERBS: dict = {}

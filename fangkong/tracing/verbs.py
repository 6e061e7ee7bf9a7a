"""Chinese names of the tracing audit verbs (shown on the audit pages)."""

VERBS: dict = {}

"""Models of the control area (管控)."""

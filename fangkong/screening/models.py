"""Models of the screening area (风险排查)."""

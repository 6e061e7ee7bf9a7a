"""Pages of the control area, split by model group."""

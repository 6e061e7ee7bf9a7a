"""Pages of risk screening: public intake, the grid worker's phone view, work lists, boards."""

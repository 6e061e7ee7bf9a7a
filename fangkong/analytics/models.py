"""Models of the analytics area (分析引擎)."""

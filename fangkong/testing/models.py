"""Models of the testing area (核酸检测)."""

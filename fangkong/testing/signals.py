"""Signals other areas listen to: defined in core (`core.signals`), re-exported for testing's senders."""

from fangkong.core.signals import result_recorded

__all__ = ["result_recorded"]

"""Signals other areas listen to: defined in core (`core.signals`), re-exported for screening's senders."""

from fangkong.core.signals import person_controlled

__all__ = ["person_controlled"]

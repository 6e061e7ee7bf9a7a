"""The events the testing area sends. `result_recorded` is defined in core (cross-app events live
there, so control listens without importing testing); re-exported for the senders here."""

from fangkong.core.signals import result_recorded

__all__ = ["result_recorded"]

"""Signals other areas listen to (control connects to `result_recorded`)."""

from django.dispatch import Signal

# Sent on commit for every individual result attributed to a person (a single tube, or a
# negative pool for each of its members). kwargs: resident (registry.Resident or None),
# id_number (str), sampled_at (datetime), result ("negative" / "positive" / "invalid"),
# kind ("pcr_test" / "antigen_test"), sample (the testing object)
result_recorded = Signal()

# The board tests' known data set (day 1 and day 2 of July 2022), shared by the metrics tests.
from fangkong.screening.tests.test_reports import known  # noqa: F401

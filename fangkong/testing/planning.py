"""Planning a round (Dorfman pooling): tests per person, retests, tubes and reagents, best pool size.

With prevalence p and pool size k, a pool is positive with probability 1 − (1−p)^k and then
each of its k members is re-sampled singly, so the expected tests per person are
    E(k) = 1/k + 1 − (1−p)^k      (k ≥ 2; a single tube is 1 test per person).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from .choices import POOL_SIZES


def tests_per_person(p: float, k: int) -> float:
    if not 0 <= p <= 1:
        raise ValueError("阳性率必须在 0 到 1 之间")
    if k < 1:
        raise ValueError("混采人数至少为 1")
    return 1.0 if k == 1 else 1 / k + 1 - (1 - p) ** k


def best_pool_size(p: float, sizes: tuple[int, ...] | range = POOL_SIZES) -> int:
    """The pool size (among `sizes`) with the fewest expected tests per person; ties → smaller pool."""
    return min(sizes, key=lambda k: (round(tests_per_person(p, k), 12), k))


@dataclass
class RoundPlan:
    population: int
    prevalence: float
    pool_size: int
    pools: int
    pool_positive_probability: float
    expected_positive_pools: float
    retests: int  # single tubes for members of positive pools
    tests: int  # reagent tests: pools + retests
    tubes: int  # pool tubes + single tubes, with spare
    reagent_kits: int  # kits of `kit_size` tests, with spare
    tests_per_person: float
    recommended_pool_size: int
    optimal_pool_size: int  # unconstrained optimum 2..50, for reference

    def as_dict(self) -> dict:
        return asdict(self)


def plan_round(population: int, prevalence: float, pool_size: int, *, spare: float = 0.1, kit_size: int = 48
               ) -> RoundPlan:
    """Tubes and reagents to order before a round (试剂要能满足大规模检测需要)."""
    k = pool_size
    e = tests_per_person(prevalence, k)
    if k == 1:
        pools, q, positive_pools, retests = population, prevalence, population * prevalence, 0
    else:
        pools = math.ceil(population / k)
        q = 1 - (1 - prevalence) ** k
        positive_pools = pools * q
        retests = math.ceil(positive_pools * k)
    tests = pools + retests
    return RoundPlan(
        population=population, prevalence=prevalence, pool_size=k, pools=pools,
        pool_positive_probability=round(q, 6), expected_positive_pools=round(positive_pools, 2), retests=retests,
        tests=tests, tubes=math.ceil(tests * (1 + spare)), reagent_kits=math.ceil(tests * (1 + spare) / kit_size),
        tests_per_person=round(e, 6), recommended_pool_size=best_pool_size(prevalence),
        optimal_pool_size=best_pool_size(prevalence, range(1, 51)),
    )

"""The buddy matcher: parents in, scored and explained pair proposals out. Pure: it imports only
the standard library and networkx (and rustworkx, if installed, as a faster exact solver), never
the database, the bot or the configuration.

One entry point::

    match(candidates: Sequence[Candidate], rules: Rules, *,
          avoid: Collection[frozenset[int]] = (), effort: Effort | None = None,
          relaxed: Rules | None = None) -> MatchResult

- `Candidate(parent_id, home_languages, age_bands, place: Place | None, waiting_since,
  availability)`; `Place(name, lat, lon)` is the neighbourhood (centre) a parent lives in.
- `Rules(now, max_distance_m=2000, allow_dutch=False, allow_unknown_place=False, dutch="nl",
  weights=Weights())`. A pair needs a shared home language (Dutch only counts when
  `allow_dutch`), both places known and within `max_distance_m` (or `allow_unknown_place`), and
  must not be in `avoid`. Its weight in points rewards a shared language other than Dutch, a
  short distance, a shared children's age band and the time both have waited.
- `MatchResult.proposals`: `Proposal(a, b, weight, language, reasons)`, a maximum-weight
  matching (exact for small rounds, within a few tenths of a percent for large ones);
  `reasons` are `Reason` values (data, for the catalogs) and `describe()` renders them in plain
  English. `MatchResult.left_over`: `LeftOver(parent_id, reason)` for every candidate
  without a proposal.
- `relaxed`: wider limits for a second pass among the parents the main round left over
  (matching/second.py); its proposals come last, with `second_pass=True` and the limit each
  needed as its first reasons (`beyond_limit`, `only_dutch`).

`eligible_graph` returns the exact networkx model of a round, for checks and benchmarks.
See matching/README.md for an example.
"""

from .graph import eligible_graph, eligible_pairs
from .matcher import match
from .pairing import Effort
from .profiles import Availability, Candidate, Place
from .results import (
    LeftOver,
    LeftOverReason,
    MatchResult,
    Proposal,
    Reason,
    ReasonKind,
    describe,
)
from .rules import Rules, Weights

__all__ = [
    "Availability",
    "Candidate",
    "Effort",
    "LeftOver",
    "LeftOverReason",
    "MatchResult",
    "Place",
    "Proposal",
    "Reason",
    "ReasonKind",
    "Rules",
    "Weights",
    "describe",
    "eligible_graph",
    "eligible_pairs",
    "match",
]

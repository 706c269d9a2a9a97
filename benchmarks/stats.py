"""Small statistics helpers shared by the benchmarks."""
from __future__ import annotations

import numpy as np


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")

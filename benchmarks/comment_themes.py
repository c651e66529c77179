"""Time theme finding over synthetic rating comments; prints seconds and peak memory (MB)."""

from __future__ import annotations

import random
import resource
import sys
import time

from kpis.themes.finding import Comment, find_themes

_PARTS = [("refund", "not processed", "still waiting", "money back"),
          ("password", "reset link", "expired", "login failed"),
          ("reply", "too slow", "days waiting", "no answer"),
          ("agent", "very friendly", "solved quickly", "helpful"),
          ("invoice", "wrong amount", "charged twice", "billing"),
          ("shipping", "package late", "tracking", "delivery")]


def comments(n: int, seed: int = 7) -> list[Comment]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = rng.sample(_PARTS[rng.randrange(len(_PARTS))], 3) + rng.sample(_PARTS[rng.randrange(len(_PARTS))], 1)
        out.append(Comment(f"r{i:06d}", " ".join(words) + f" order {rng.randrange(1000)}"))
    return out


def main(sizes: list[int]) -> None:
    started = time.perf_counter()
    import sklearn.decomposition  # noqa: F401  (one-off per process; timed apart)
    import sklearn.feature_extraction.text  # noqa: F401

    print(f"import scikit-learn: {time.perf_counter() - started:.2f} s")
    for n in sizes:
        data = comments(n)
        started = time.perf_counter()
        result = find_themes(data)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n:>6} comments: {seconds:.2f} s, {len(result.themes)} themes, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 50000])

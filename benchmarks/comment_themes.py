"""Time comment themes as the report, digest and `/kpi comments` compute them: language detection
(py3langid), then TF-IDF + NMF per language, then each theme's figures, over synthetic rating
comments (English with some German), with the previous window placed into the themes too.

Prints seconds per size and the process's peak memory (MB), which includes the import of
scikit-learn and py3langid's model (timed apart: once per process).
    python benchmarks/comment_themes.py [N ...]   (default: 2000 50000)
"""

from __future__ import annotations

import random
import resource
import sys
import time
from datetime import datetime, timedelta, timezone

from kpis.themes.report import RatedComment, comment_themes

_PARTS = [("refund", "not processed", "still waiting", "money back"),
          ("password", "reset link", "expired", "login failed"),
          ("reply", "too slow", "days waiting", "no answer"),
          ("agent", "very friendly", "solved quickly", "helpful"),
          ("invoice", "wrong amount", "charged twice", "billing"),
          ("shipping", "package late", "tracking", "delivery")]
_GERMAN = [("Rückerstattung", "nicht bearbeitet", "immer noch", "warte"),
           ("Passwort", "zurücksetzen", "Link abgelaufen", "Anmeldung"),
           ("Antwort", "viel zu langsam", "tagelang", "keine Antwort")]
_START = datetime(2026, 11, 1, tzinfo=timezone.utc)


def comments(n: int, seed: int = 7, prefix: str = "r") -> list[RatedComment]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts = _GERMAN if i % 5 == 0 else _PARTS  # one comment in five in German
        words = rng.sample(parts[rng.randrange(len(parts))], 3) + rng.sample(parts[rng.randrange(len(parts))], 1)
        low = rng.random() < 0.4
        out.append(RatedComment(f"{prefix}{i:06d}", " ".join(words) + f" order {rng.randrange(1000)}",
                                _START + timedelta(seconds=i), positive=not low, low=low,
                                score_raw="bad" if low else "good",
                                ticket_id=str(i), agent_id=f"zendesk:acme:{i % 40}", agent_name=f"Agent {i % 40}",
                                tags=(f"tag{i % 12}",)))
    return out


def main(sizes: list[int]) -> None:
    started = time.perf_counter()
    import py3langid
    import sklearn.decomposition  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401

    py3langid.classify("warm up the language model")  # it loads on first use
    print(f"import scikit-learn and py3langid's model: {time.perf_counter() - started:.2f} s")
    for n in sizes:
        current, previous = comments(n), comments(n, seed=8, prefix="p")
        started = time.perf_counter()
        result = comment_themes(current, previous)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n:>6} comments (and {n} of the window before): {seconds:.2f} s, {len(result.themes)} themes, "
              f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 50000])

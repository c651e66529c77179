"""Printing the benchmark's figures: the full-report table (each row as soon as it is measured)
and the narrowed queries' spreads."""

from __future__ import annotations

import statistics


class Table:
    """The full-report figures, a row as soon as it is measured."""

    def __init__(self, duck_times: list[float]) -> None:
        self.duck_times = duck_times
        self.duck_best, self.duck_median = min(duck_times[1:]), statistics.median(duck_times[1:])
        print(f"{'full report':<30}{'cold':>8}{'best':>8}{'median':>8}{'fetch':>8}{'compute':>9}"
              f"{'best/DuckDB':>13}{'median/DuckDB':>15}{'peak RSS':>10}")

    def row(self, name: str, result: dict) -> None:
        warm = result["runs"][1:]
        best = min(run["total"] for run in warm)
        median = statistics.median(run["total"] for run in warm)
        fastest = min(warm, key=lambda run: run["total"])
        print(f"{name + ' (this engine)':<30}{result['runs'][0]['total']:>7.2f}s{best:>7.2f}s{median:>7.2f}s"
              f"{fastest['fetch']:>7.2f}s{fastest['compute']:>8.2f}s{best / self.duck_best:>12.2f}x"
              f"{median / self.duck_median:>14.2f}x{result['peak_rss_mb']:>7.0f} MB")

    def duckdb(self) -> None:
        print(f"{'DuckDB (SQL, in memory)':<30}{self.duck_times[0]:>7.2f}s{self.duck_best:>7.2f}s"
              f"{self.duck_median:>7.2f}s{'':>8}{'':>9}{1:>12.2f}x{1:>14.2f}x{'':>10}")
        print("(rows: 1 overall, the teams, the active agents; peak RSS of the process timing the report)")


def print_narrowed(results: dict[str, dict]) -> None:
    print("\nnarrowed queries (one team's row; that team's agents), seconds: best / median / p99")
    for name, result in results.items():
        narrowed = result["narrowed"]
        for query in ("team", "agents of team"):
            alone, together = narrowed[query]["alone"], narrowed[query]["together"]
            print(f"  {name:<11} {query:<15} alone {spread(alone)}   "
                  f"{narrowed['clients']} clients at once {spread(together)}")


def spread(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return f"{ordered[0]:.3f} / {statistics.median(ordered):.3f} / {p99:.3f}"

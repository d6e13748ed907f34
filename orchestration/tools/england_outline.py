"""Write England's outline for the dashboard map: the edges of the English local authority
districts (ONS, December 2024, ultra generalised) that only one district has, that is the
coast and the borders with Wales and Scotland, chained into lines.

    python -m orchestration.tools.england_outline [--lads FILE] [--out FILE]

Districts next to each other share their vertices in the ONS file, so an edge two districts
share is inside England and drops out; no geometry library is needed.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from orchestration.core.paths import REPO

# shared/ sits beside the repository (read-only reference data, not shipped with it).
LADS = REPO.parent / "shared" / "reference-data" / "boundaries" / "lad_dec2024_uk_buc.geojson"
OUT = Path(__file__).resolve().parents[2] / "dashboards" / "assets" / "england_outline.geojson"
DIGITS = 4  # about 10 metres: finer than the map can show


def _rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def outside_edges(features: list[dict]) -> list[tuple]:
    """Every edge of the English districts' rings that belongs to one district only."""
    counts: Counter = Counter()
    for feature in features:
        for ring in _rings(feature["geometry"]):
            points = [(round(x, DIGITS), round(y, DIGITS)) for x, y in ring]
            for a, b in zip(points, points[1:], strict=False):
                if a != b:
                    counts[frozenset((a, b))] += 1
    return [tuple(edge) for edge, seen in counts.items() if seen == 1 and len(edge) == 2]


def chained(edges: list[tuple]) -> list[list]:
    """The edges joined end to end into as few lines as they make."""
    touching = defaultdict(list)
    for index, (a, b) in enumerate(edges):
        touching[a].append(index)
        touching[b].append(index)
    used = [False] * len(edges)
    lines = []
    for start in range(len(edges)):
        if used[start]:
            continue
        used[start] = True
        line = list(edges[start])
        while True:
            step = next((i for i in touching[line[-1]] if not used[i]), None)
            if step is None:
                break
            used[step] = True
            a, b = edges[step]
            line.append(b if a == line[-1] else a)
        lines.append([list(point) for point in line])
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lads", type=Path, default=LADS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    features = json.loads(args.lads.read_text(encoding="utf-8"))["features"]
    english = [f for f in features if str(f["properties"].get("LAD24CD", "")).startswith("E")]
    lines = chained(outside_edges(english))
    outline = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "name": "England",
                    "source": "Derived from ONS Local Authority Districts (December 2024) "
                    "Boundaries UK BUC, OGL v3; contains OS data © Crown copyright and "
                    "database right",
                },
                "geometry": {"type": "MultiLineString", "coordinates": lines},
            }
        ],
    }
    args.out.write_text(json.dumps(outline, separators=(",", ":")), encoding="utf-8")
    print(f"{args.out}: {len(english)} districts, {len(lines)} lines")


if __name__ == "__main__":
    main()

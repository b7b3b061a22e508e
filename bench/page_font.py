"""The font subset of an HTML page (toolkit/output/fonts.py): cut from the shipped base (web_font_base.woff)
against cut from the installed Noto Sans CJK collection, on the text of the seed run's report.html and
ldavis.html (a run of configs/seeds.toml with the shipped defaults, made first), interleaved, in this process
after one untimed call of each (the base's first load, about 0.35 s, is timed apart).

    python bench/page_font.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import ROOT, git_commit, spread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    import toolkit
    from toolkit.output import fonts

    started = time.perf_counter()
    fonts._web_font_base()
    first_load = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        run = toolkit.run(toolkit.Config.load(ROOT / "configs" / "seeds.toml"), Path(tmp) / "seeds")
        pages = {name: (run.out_dir / name).read_text(encoding="utf-8") for name in ("report.html", "ldavis.html")}
    real = fonts._web_font_base
    ways = {"from the base": real, "from the collection": lambda: None}
    print(f"page font subsets, toolkit {git_commit()}, {repeat} interleaved calls each; the base's first load {first_load:.2f} s")
    for name, text in pages.items():
        seconds: dict[str, list[float]] = {way: [] for way in ways}
        sizes = {}
        for i in range(repeat + 1):
            for way, base in ways.items():
                fonts._web_font_base = base
                fonts._font_face_css.cache_clear()  # the process keeps its last rules: each call makes its own
                try:
                    started = time.perf_counter()
                    css = fonts.font_face_css(text)
                    if i:  # the first round warms both ways up
                        seconds[way].append(time.perf_counter() - started)
                    sizes[way] = len(css)
                finally:
                    fonts._web_font_base = real
        print(f"{name} ({len(set(text)):,} distinct characters):")
        for way in ways:
            print(f"  {way:20s} {spread(seconds[way], 3)}, the rule {sizes[way]:,} bytes")
        ratio = statistics.median(seconds["from the collection"]) / statistics.median(seconds["from the base"])
        print(f"  the base is {ratio:.1f}x faster")


if __name__ == "__main__":
    main()

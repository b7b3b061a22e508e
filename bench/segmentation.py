"""Segmentation speed and agreement: the toolkit's segmenter beside plain jieba.lcut, same text, one core.

    .venv/bin/python bench/segmentation.py [--mb 5] [--hmm]

Text: the shipped State Council reports and seed documents (normalised), repeated to --mb megabytes.
Prints characters per second for each and the share of identical tokens, position by position per line.
"""

from __future__ import annotations

import argparse
import logging
import platform
import time

from common import ROOT, git_commit


def corpus_lines(megabytes: float) -> list[str]:
    from toolkit.text.normalize import Normalizer

    normalizer = Normalizer()
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "corpora/gwr_national/texts").glob("*.txt"))
    lines = [line for p in paths for line in normalizer.normalize(p.read_text(encoding="utf-8")).text.splitlines()]
    target = int(megabytes * 1e6 / 3)  # ~3 bytes per character in UTF-8
    out, size = [], 0
    while size < target:
        for line in lines:
            out.append(line)
            size += len(line)
            if size >= target:
                break
    return out


def main() -> None:
    import jieba

    from toolkit.analysis.lexicon import load_lexicon
    from toolkit.config import Config
    from toolkit.text.preparation import make_segmenter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="megabytes of text (default 5)")
    parser.add_argument("--hmm", action="store_true", help="HMM on for both")
    args = parser.parse_args()
    jieba.setLogLevel(logging.WARNING)
    lines = corpus_lines(args.mb)
    chars = sum(map(len, lines))
    print(
        f"text: {chars:,} characters in {len(lines):,} lines; HMM {'on' if args.hmm else 'off'}; "
        f"{platform.processor() or platform.machine()}, one process; toolkit {git_commit()}"
    )

    jieba.initialize()
    start = time.perf_counter()
    plain = [[w for w in jieba.lcut(line, HMM=args.hmm) if not w.isspace()] for line in lines]
    plain_seconds = time.perf_counter() - start

    def timed(segmenter):
        segmenter.cut("预热")  # load the dictionary outside the timing
        start = time.perf_counter()
        tokens = [segmenter.cut(line) for line in lines]
        return time.perf_counter() - start, tokens

    from toolkit.text.segment import Segmenter

    fast_seconds, fast = timed(Segmenter(backend="jieba_fast_dat", hmm=args.hmm, domain_dictionary=False))
    lexicon = load_lexicon()
    toolkit_runs = {}
    for backend in ("jieba", "jieba_fast_dat"):
        config = Config.from_dict({"segment": {"backend": backend, "hmm": args.hmm}})
        toolkit_runs[backend] = timed(make_segmenter(config, lexicon))

    def agreement(x_lists, y_lists):
        same = sum(sum(a == b for a, b in zip(x, y)) for x, y in zip(x_lists, y_lists))
        total = sum(max(len(x), len(y)) for x, y in zip(x_lists, y_lists))
        lines_same = sum(x == y for x, y in zip(x_lists, y_lists))
        return f"{same / total:.3%} of tokens, {lines_same / len(lines):.2%} of lines"

    print(f"{'segmenter':<66} {'chars/s':>11} {'speed-up':>9}  agreement (position by position)")
    rows = [
        ("plain jieba.lcut, jieba's dictionary", plain_seconds, "reference"),
        ("jieba_fast_dat, jieba's dictionary", fast_seconds, "with plain jieba.lcut: " + agreement(plain, fast)),
        ("toolkit Segmenter, jieba + domain dictionary", toolkit_runs["jieba"][0], "reference for the next row"),
        (
            "toolkit Segmenter, jieba_fast_dat + domain dictionary (default)",
            toolkit_runs["jieba_fast_dat"][0],
            "with the row above: " + agreement(toolkit_runs["jieba"][1], toolkit_runs["jieba_fast_dat"][1]),
        ),
    ]
    for name, seconds, note in rows:
        print(f"{name:<66} {chars / seconds:>11,.0f} {plain_seconds / seconds:>8.1f}x  {note}")


if __name__ == "__main__":
    main()

"""What encoding the figures' PNG costs (issue 29): matplotlib's way (RGBA, zlib level 6) against the toolkit's
(``plots._common._png_bytes``: RGB, level 3), on the pixels of the committed figures (figures/*/*.png), in CPU
seconds (the fastest of ``--repeat`` passes, default 5: the encoder does the same work each time, so the fastest
pass is the least disturbed by a busy machine), with the bytes written.

    python bench/png_encoding.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import time

from common import ROOT, git_commit
from PIL import Image

WAYS = {"matplotlib (RGBA, level 6)": ("RGBA", 6), "toolkit (RGB, level 3)": ("RGB", 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    images = [Image.open(path).convert("RGBA") for path in sorted(ROOT.glob("figures/*/*.png"))]
    pixels = sum(image.width * image.height for image in images)
    print(f"PNG encoding, toolkit {git_commit()}: {len(images)} figures, {pixels / 1e6:.1f} megapixels")
    for way, (mode, level) in WAYS.items():
        best, size = float("inf"), 0
        for _ in range(repeat):
            start, size = time.process_time(), 0
            for image in images:
                buffer = io.BytesIO()
                (image if mode == "RGBA" else image.convert(mode)).save(buffer, format="png", compress_level=level)
                size += buffer.tell()
            best = min(best, time.process_time() - start)
        print(f"  {way:28s} {best:5.2f} CPU-s, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

"""Start-up time of the commands that do no analysis: `toolkit --help` and `toolkit config` (goal < 0.5 s).

Each command runs as a fresh process, interleaved, ``--repeat`` times (default 7); prints the median and range.

    python bench/startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from common import ROOT, git_commit, spread

COMMANDS = {
    "toolkit --help": ["--help"],
    "toolkit config configs/seeds.toml": ["config", "configs/seeds.toml"],
    "toolkit config configs/gwr_national.toml": ["config", "configs/gwr_national.toml"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    seconds: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(repeat):
        for name, args in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            seconds[name].append(time.perf_counter() - start)
    print(f"start-up, toolkit {git_commit()}, python {sys.version.split()[0]}, {repeat} interleaved runs each")
    for name, values in seconds.items():
        print(f"  {name:<45} {spread(values, digits=2)}")


if __name__ == "__main__":
    main()

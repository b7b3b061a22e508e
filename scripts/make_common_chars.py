"""Regenerate toolkit/data/common_chars.txt: the 4,000 most frequent simplified Chinese characters.

Frequencies are summed over the words of jieba's own dictionary (jieba/dict.txt, MIT licence), each
character counting its word's frequency. The decoder uses the list to tell a right decoding of GB18030 or
Big5 bytes from a wrong one. Run: python scripts/make_common_chars.py
"""

from collections import Counter
from pathlib import Path

import jieba

from toolkit.text.normalize import HAN_RANGES

counts: Counter[str] = Counter()
dict_path = Path(jieba.__file__).with_name("dict.txt")
for line in dict_path.read_text(encoding="utf-8").splitlines():
    word, freq, *_ = line.split(" ")
    for ch in word:
        if any(low <= ord(ch) <= high for low, high in HAN_RANGES):
            counts[ch] += int(freq)
chars = "".join(ch for ch, _ in counts.most_common(4000))
out = Path(__file__).resolve().parent.parent / "toolkit" / "data" / "common_chars.txt"
out.write_text("\n".join(chars[i : i + 100] for i in range(0, len(chars), 100)) + "\n", encoding="utf-8")
print(f"wrote {len(chars)} characters to {out}")

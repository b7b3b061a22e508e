"""The State Council work reports, end to end (slow: about 10 seconds)."""

import pandas as pd
import pytest

import toolkit

from .conftest import ROOT


@pytest.mark.slow
def test_state_council_run_covers_2014_to_2021(tmp_path):
    result = toolkit.run(ROOT / "configs" / "gwr_national.toml", tmp_path / "gwr")
    docs = pd.read_csv(tmp_path / "gwr" / "documents.csv")
    assert len(docs) == 53
    assert sorted(docs.loc[docs["status"] == "used", "year"]) == list(range(2000, 2023))
    table = result.theme_by_year
    for year in range(2014, 2022):
        shares = table[table["year"] == year].set_index("theme")["share"]
        assert shares.sum() == pytest.approx(1.0), year
    topics = result.topics
    assert {"innovation", "ecology", "livelihood"} <= set(topics["theme"])
    ecology_words = " ".join(" ".join(w) for w in topics.loc[topics["theme"] == "ecology", "top_words"])
    assert "生态" in ecology_words or "节能" in ecology_words or "污染" in ecology_words
    # seeded topics are their themes (topic 2 is the digital economy)
    assert topics["theme"].tolist()[:9] == result.prepared.lexicon.names
    assert "数字" in topics.loc[1, "top_words"][:5]
    # notebooks/04 reads the change table: no theme's 2014-2021 change is larger than its interval
    change = result.trends.change
    assert (change["year_from"] == 2014).all() and (change["year_to"] == 2021).all()
    assert not change["clear"].any()
    for png in (tmp_path / "gwr" / "figures").glob("*.png"):
        assert (ROOT / "figures" / "gwr_national" / png.name).read_bytes() == png.read_bytes()

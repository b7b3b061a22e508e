"""``report.html``: one self-contained page with a run's figures, tables, metrics and provenance."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import pandas as pd

from . import atomic


def _table(frame: pd.DataFrame, float_format: str = "{:.3f}") -> str:
    return frame.to_html(index=False, border=0, classes="t", na_rep="",
                         float_format=lambda x: float_format.format(x), escape=True)


def write_report(folder: Path, config, manifest: dict) -> Path:
    """Gather the PNG figures (embedded), the main tables and the manifest summary of ``folder``."""
    name = html.escape(config["corpus"]["name"] or "run")
    parts = [f"<h1>{name}</h1>"]
    counts = manifest["counts"]
    parts.append(f"<p>{counts['documents_used']} documents used, {counts['documents_skipped']} skipped "
                 f"(see documents.csv); {counts['units']} units, {counts['tokens']} tokens, vocabulary "
                 f"{counts['vocabulary']}. Model: {html.escape(config['model']['kind'].upper())} with "
                 f"{config['model']['n_topics']} topics, seed {config['model']['random_state']}.</p>")
    metrics = manifest.get("metrics", {})
    if metrics:
        parts.append("<h2>Evaluation</h2>" + _table(pd.DataFrame([metrics]), "{:.4f}"))
    for png in sorted((folder / "figures").glob("*.png")):
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        parts.append(f'<h2>{html.escape(png.stem)}</h2><img alt="{html.escape(png.stem)}" '
                     f'src="data:image/png;base64,{data}">')
    topics = pd.read_csv(folder / "topics.csv")
    topics["top_words"] = topics["top_words"].map(lambda s: " ".join(w.split(":")[0] for w in s.split()[:12]))
    parts.append("<h2>Topics</h2>" + _table(topics[["topic", "theme", "score", "top_words"]]))
    yearly = pd.read_csv(folder / "theme_by_year.csv")
    parts.append("<h2>Theme share by year</h2>"
                 + _table(yearly.pivot(index="year", columns="theme", values="share").reset_index()))
    for file, title in [("change.csv", "Change between two years"), ("model_vs_keywords.csv",
                                                                       "Model against keyword frequency")]:
        if (folder / file).is_file():
            table = pd.read_csv(folder / file)
            if len(table):
                parts.append(f"<h2>{title}</h2>" + _table(table))
    if (folder / "ldavis.html").is_file():
        parts.append('<p>Interactive topic map: <a href="ldavis.html">ldavis.html</a> (next to this file).</p>')
    summary = {k: manifest[k] for k in ("config", "random_state", "versions", "timings_seconds", "cache")}
    parts.append("<h2>Provenance</h2><pre>" + html.escape(json.dumps(summary, ensure_ascii=False, indent=1))
                 + "</pre><p>Input and output hashes: manifest.json.</p>")
    page = ("<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>" + name + "</title><style>"
            "body{font-family:'Noto Sans CJK SC',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
            "img{max-width:100%}table.t{border-collapse:collapse;font-size:13px}"
            "table.t td,table.t th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}"
            "</style></head><body>" + "\n".join(parts) + "</body></html>\n")
    atomic.write_text(folder / "report.html", page)
    return folder / "report.html"

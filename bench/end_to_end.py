"""End to end: `toolkit run` as shipped against the script a researcher would write (bench/straightforward.py).

    .venv/bin/python bench/end_to_end.py [--corpus DIR | --chars 10000000] [--repeats 3] [--k 20]

Every measurement is a fresh process timed from start to exit (imports included), with the peak resident
memory of its whole process tree. Each repeat runs, interleaved: the script; the toolkit with one model
(model.ensemble = 1, the script fits one) on a cold cache; the toolkit as shipped (its default ensemble) on a
cold cache; and the toolkit as shipped on the warm cache. The medians, ranges and speed-ups are printed.

The toolkit runs every default setting (tables, every figure in PNG and SVG, the pyLDAvis page, bootstrap
intervals, evaluation) except: the corpus (corpus.texts, corpus.metadata), model.n_topics = K (the script's
K), cache.dir (a fresh folder per cold run), and, where said, model.ensemble = 1. They are printed with the
results. NPMI is compared on the same units with the same code: the script's LdaModel (same K and passes)
fitted to the toolkit's counts, and the toolkit's topics, both scored on the toolkit's tokens by
toolkit.analysis.evaluate (equal to gensim's CoherenceModel, tested); plus each side on its own tokens.
Default corpus: the State Council reports 1954-2022 shipped in corpora/; `--chars N` generates one of N
characters with ../shared/bench/make_scale_corpus.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import ROOT, Measured, before_fit, generate_corpus, git_commit, measured, spread


def toolkit_command(corpus: Path, metadata: Path | None, k: int, out: Path, cache: Path, ensemble: int | None):
    overrides = [
        f'corpus.texts="{corpus}"',
        f'corpus.metadata="{metadata or ""}"',
        'corpus.name="bench"',
        f"model.n_topics={k}",
        f'cache.dir="{cache}"',
    ]
    if ensemble is not None:
        overrides.append(f"model.ensemble={ensemble}")
    command = [sys.executable, "-m", "toolkit", "-q", "run", str(ROOT / "bench" / "empty.toml"), "--out", str(out)]
    for override in overrides:
        command += ["--set", override]
    return command, overrides


def equal_tokens_npmi(out: Path, corpus: Path, metadata: Path | None, k: int, cache: Path) -> dict:
    """The script's LdaModel on the toolkit's counts against the toolkit's topics, both scored on the toolkit's
    tokens by the same coherence code."""
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel
    from straightforward import PASSES

    import toolkit
    from toolkit.analysis.evaluate import CoherenceStatistics, top_words

    config = toolkit.Config.load(ROOT / "bench" / "empty.toml", toolkit_command(corpus, metadata, k, out, cache, 1)[1])
    prepared = toolkit.prepare(config)
    counted = toolkit.count_units(prepared, config)
    fitted = toolkit.fit(prepared, config, counted)
    vocabulary, counts, _ = counted
    lda = LdaModel(
        Sparse2Corpus(counts.astype(float), documents_columns=False),
        num_topics=k,
        id2word=dict(enumerate(vocabulary)),
        passes=PASSES,
        random_state=42,
    )
    statistics_ = CoherenceStatistics(prepared.tokens, vocabulary)
    script_topics = [[vocabulary[i] for i, _ in lda.get_topic_terms(t, 10)] for t in range(k)]

    def mean(topics):
        return sum(statistics_.coherence(topics, "c_npmi")) / len(topics)

    return {
        "script": mean(script_topics),
        "toolkit": mean(top_words(fitted.model, vocabulary, 10)),
        "kind": config["model"]["kind"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora/gwr_national/texts")
    parser.add_argument("--chars", type=int, default=0, help="generate a corpus of this many characters instead")
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="toolkit-bench-"))
    env = {**os.environ}
    try:
        if args.chars:
            args.corpus = work / "corpus"
            generate_corpus(args.corpus, args.chars)
        metadata = args.corpus / "metadata.csv" if (args.corpus / "metadata.csv").is_file() else None
        chars = sum(len(p.read_text(encoding="utf-8")) for p in args.corpus.glob("*.txt"))
        print(
            f"corpus: {args.corpus} ({len(list(args.corpus.glob('*.txt')))} files, {chars:,} characters); "
            f"K={args.k}; {args.repeats} interleaved repeats; commit {git_commit()}"
        )
        print(
            f"toolkit settings that are not the defaults: {toolkit_command(args.corpus, metadata, args.k, work, work, 1)[1]} "
            "(model.ensemble=1 only in the one-model rows)"
        )
        results: dict[str, list[Measured]] = {"script": [], "one model, cold": [], "shipped, cold": [], "shipped, warm": []}
        manifests: dict[str, dict] = {}
        for repeat in range(args.repeats):
            script_json = work / f"script-{repeat}.json"
            results["script"].append(
                measured(
                    [sys.executable, str(ROOT / "bench" / "straightforward.py"), str(args.corpus), str(args.k), str(script_json)],
                    env,
                )
            )
            manifests["script"] = json.loads(script_json.read_text())
            for label, ensemble, cache in (
                ("one model, cold", 1, work / f"cache-a{repeat}"),
                ("shipped, cold", None, work / f"cache-b{repeat}"),
                ("shipped, warm", None, work / f"cache-b{repeat}"),
            ):
                out = work / f"out-{label.replace(', ', '-').replace(' ', '_')}"
                command, _ = toolkit_command(args.corpus, metadata, args.k, out, cache, ensemble)
                results[label].append(measured(command, env))
                manifests[label] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
                shutil.rmtree(out, ignore_errors=True)
        script = statistics.median(m.seconds for m in results["script"])
        s = manifests["script"]
        print(
            f"\nscript: {spread([m.seconds for m in results['script']])}, peak "
            f"{max(m.peak_bytes for m in results['script']) / 2**30:.2f} GiB; last run: imports {s['imports']:.1f} s, "
            f"segment {s['segment']:.1f}, vocabulary {s['vocabulary']:.1f}, fit {s['fit']:.1f}; {s['units']} "
            f"paragraphs; NPMI {s['npmi_own_tokens']:.3f} on its own tokens"
        )
        for label in ("one model, cold", "shipped, cold", "shipped, warm"):
            seconds = [m.seconds for m in results[label]]
            manifest = manifests[label]
            t = manifest["timings_seconds"]
            print(
                f"toolkit, {label}: {spread(seconds)}, peak {max(m.peak_bytes for m in results[label]) / 2**30:.2f} "
                f"GiB; speed-up over the script {script / statistics.median(seconds):.2f}x "
                f"(range {script / max(seconds):.2f}-{script / min(seconds):.2f}x); model "
                f"{manifest['config']['model']['kind']} x{len(manifest['ensemble_seeds'])}; last run: before the "
                f"fit {before_fit(t):.1f} s, fit {t['model']:.1f} s, figures {t.get('figures', 0):.1f} s; "
                f"{manifest['counts']['units_modelled']} units; NPMI {manifest['metrics']['c_npmi']:.3f} on its own "
                f"tokens; stages {json.dumps(t)}"
            )
        equal = equal_tokens_npmi(work / "equal", args.corpus, metadata, args.k, work / "cache-b0")
        print(
            f"\nNPMI on the same units (the toolkit's) with the same code: script's LdaModel {equal['script']:.3f}, "
            f"toolkit's {equal['kind']} model {equal['toolkit']:.3f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

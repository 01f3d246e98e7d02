"""Evaluation of the assistant on the gold question set (``questions.jsonl``).

Modules: ``dataset`` (loading and validating the gold set), ``scoring`` (one question's result and how it
is judged), ``metrics`` (the summary of a set of results), ``run`` (asking every question and timing it),
``ablations`` (other retrieval modes and backends), ``plots`` and ``report`` (the Markdown report with PNG
plots). Run ``python -m evaluation``.
"""

__all__: list[str] = []

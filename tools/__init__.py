"""Build and measurement tools, outside the runtime packages: ``python -m tools.render_pdf``, ``python -m tools.bench``.

Tools may import any layer (corpus, index, assistant, evaluation); nothing in the runtime imports them.
"""

"""The Streamlit chat UI (``streamlit run ui/app.py``): presentation only, the answers come from ``assistant``."""

__all__: list[str] = []

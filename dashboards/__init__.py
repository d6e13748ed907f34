"""Streamlit dashboard over the published warehouse snapshot."""

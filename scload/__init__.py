"""Loaders from published source files to the raw tables of docs/CONTRACT.md (``python -m scload --help``)."""

"""Data: the files in `data/` read, validated and normalised into tables (inventory,
vocabularies, country codes, geometry), plus survey import and the SYNTHETIC generator."""

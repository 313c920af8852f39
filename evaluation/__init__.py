"""Evaluation of cbdash's duplicate check against labelled pairs (outside the package:
it reads the evaluation sets in `tests/data/`). Run from the repository root:
`python -m evaluation.dedupe` (or `make evaluate`)."""

"""The review queue on the page: a person decides proposed pairs (one project or two); the
decisions download as a reviewed-pairs file (data/dedupe_reviewed.csv's format) and are added
to the data folder's file only when the setting allows it (cbdash.data.lists.may_write_reviewed).
Decisions are kept for the session, per queue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from cbdash.analysis.projects import reviewed_rows
from cbdash.data.lists import DedupeInputError, add_reviewed, may_write_reviewed
from cbdash.present.views.projects import pair_labels, queue_table
from cbdash.text import escape_markdown, plural
from cbdash.ui import download_csv, table


def _decided(key: str) -> dict[str, tuple[str, str]]:
    return st.session_state.setdefault(f"{key}_decided", {})


def _decide(key: str, pair: str, decision: str) -> None:
    """Button callback: record the decision on the pair shown, then show the next one."""
    _decided(key)[pair] = (decision, st.session_state.get(f"{key}_reason", ""))
    st.session_state.pop(f"{key}_pick", None)
    st.session_state[f"{key}_reason"] = ""


def review(pairs: pd.DataFrame, key: str, *, inventory_ids: bool, save_to: Path | None) -> None:
    """The queue `pairs` (projects.queue_pairs) as a table, the pair being decided with its
    evidence and Same / Different buttons, then the decisions: a table, their download and,
    with `save_to`, a button that adds them to that file. `inventory_ids`: both rows of a
    pair are the inventory's (else a row of an uploaded list is known by its name)."""
    decided = _decided(key)
    table(queue_table(pairs, decided), f"{key}_table", what="pairs")
    open_pairs = pairs[~pairs["pair"].isin(list(decided))]
    if open_pairs.empty:
        st.info("Every pair in the queue is decided.")
    else:
        labels = pair_labels(open_pairs)
        pick = st.selectbox(
            "Pair to decide (most probable first)",
            list(labels),
            format_func=labels.__getitem__,
            key=f"{key}_pick",
        )
        row = open_pairs.set_index("pair").loc[pick]
        where = " (in the inventory)" if row["candidate_from"] == "inventory" else ""
        st.markdown(
            f"**{escape_markdown(row['title'])}** and **{escape_markdown(row['candidate_title'])}**"
            f"{where}; the model: {escape_markdown(row['evidence'])}"
        )
        st.text_input("Why (optional; recorded with the decision)", key=f"{key}_reason")
        buttons = {"same": "Same project", "different": "Different projects"}
        for column, (decision, label) in zip(st.columns(2), buttons.items(), strict=True):
            column.button(
                label, key=f"{key}_{decision}", on_click=_decide, args=(key, pick, decision)
            )
    if not decided:
        return
    st.markdown(f"**{plural(len(decided), 'decision')}** in this session.")
    reviewer = st.text_input(
        "Your name (the reviewed-pairs file says who decided)", key=f"{key}_who"
    )
    rows = reviewed_rows(pairs, decided, reviewer, date.today().isoformat(), inventory_ids)
    table(rows, f"{key}_decisions", what="decisions")
    if not reviewer.strip():
        st.caption("Give your name to download the decisions as a reviewed-pairs file.")
        return
    download_csv(rows, "reviewed pairs", f"dl_full_reviewed_{key}")  # the data file's format
    st.button("Clear the decisions", key=f"{key}_clear", on_click=decided.clear)
    if save_to is not None and st.button(f"Add the decisions to {save_to}", key=f"{key}_save"):
        try:
            added = add_reviewed(save_to, rows)
        except DedupeInputError as exc:
            st.error("The decisions cannot be added:\n\n" + "\n\n".join(exc.messages))
        else:
            decided.clear()
            st.success(f"Added {plural(added, 'pair')} to {save_to}; the check reruns with them.")


def save_target(folder: Path) -> Path | None:
    """The reviewed-pairs file of the data folder `folder` the app may add decisions to, or
    None (the default: the setting CBDASH_WRITE_REVIEWED is not "1")."""
    return folder / "dedupe_reviewed.csv" if may_write_reviewed() else None

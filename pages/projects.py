"""Projects & duplicates: which projects several mappings list, and who funds what where.

The sentence, the projects listed by several mappings, the duplicate check and the funding
flows are computed by `cbdash.present.views` and kept per filter state and choice.
"""

import streamlit as st

from cbdash import ui
from cbdash.analysis import bounded
from cbdash.present.views import projects as projects_view
from cbdash.ui import review

model, filters = ui.page_context("projects")
projects = model.filtered_projects(filters)

st.title("Which projects appear in several mappings?")
# Sentences, tables and charts are kept per filter state (Model.memo).
st.markdown(projects_view.projects_sentence(model, filters))
if projects.empty:
    ui.empty_state("No project matches the filters. Widen or reset them in the sidebar.")
    st.stop()

section = ui.choice("projects_view", model, "segmented")
if section == "several":
    shown = projects_view.projects_listed_by_several(model, filters)
    if shown.empty:
        ui.empty_state(
            "No project that passes the filters is listed by two or more of the mappings "
            "counted here."
        )
    else:
        ui.table(shown, "several_table", what="projects")
        ui.caption(
            f"{len(shown)} projects listed by two or more of the mappings counted here "
            "(“Also count” adds the efforts shown apart), with the other names they go by "
            "(aliases).",
            filters,
            model,
        )
        ui.download_csv(shown, "projects listed by several mappings", "dl_several")
elif section == "duplicates":
    # The check on all projects is cached by the app (ui.get_clusters) and only read when
    # this filter state's result is not kept yet.
    check = projects_view.projects_duplicate_check(model, filters, ui.get_clusters)
    checked, group_rows, groups, near = check.checked, check.group_rows, check.groups, check.near
    st.markdown(check.sentence)
    if not groups.empty:
        ui.table(
            group_rows,
            "clusters_table",
            what="rows",
        )
        ui.download_csv(group_rows, "duplicate groups", "dl_clusters")
    st.subheader("Closest calls kept apart")
    ui.table(near, "near_table", max_rows=50, what="closest calls")
    ui.caption(
        "Each row's closest other row, most probable first, and why the check keeps them "
        "apart: different phases or editions (a veto, such as GLACY+ vs GLACY-e), a phase "
        "named on one side only with other start years (such as GLACY vs GLACY-e), a "
        "reviewed decision, or a probability below the threshold.",
        filters,
        model,
    )
    ui.download_csv(
        near,
        "duplicate check closest calls",
        "dl_near",
    )
    st.subheader("Review queue")
    st.markdown(
        "Each project's five most probable candidates among the others, most probable first, "
        "with the evidence; pairs already decided in the reviewed-pairs file are left out. "
        "Decide a pair and download your decisions as a reviewed-pairs file "
        "(`data/dedupe_reviewed.csv`): the check obeys it at once and learns from it when "
        "the model is retrained."
    )
    queue = projects_view.projects_review_queue(model, filters, ui.get_review_queue)
    review.review(queue, "dup_queue", inventory_ids=True, save_to=review.save_target(ui.data_dir()))
elif section == "check":
    # Bounded: the limits are stated before any work; the check runs in a process of its
    # own within its budget and stops when the session ends (cbdash.analysis.bounded).
    limits, budget = bounded.UPLOAD_LIMITS, bounded.CHECK_BUDGET
    st.markdown(
        "Upload another mapping's project list as CSV, TSV or XLSX (a `title` column; "
        "optional `project_id`, `aliases`, `funders`, `implementers`, "
        "`beneficiary_countries`, `start_year`, `end_year`) to see which rows are projects "
        "this inventory already holds, under any of their known names, and which rows list "
        f"one project twice. Limits: {limits.describe()}; the check stops after "
        f"{budget.describe()}."
    )
    upload = st.file_uploader(
        "Project list (CSV, TSV or XLSX)",
        type=["csv", "tsv", "txt", "xlsx"],
        key="check_list_file",
        max_upload_size=max(1, limits.max_bytes // 1_000_000),
    )
    if upload is not None:
        with ui.progress("Checking the list against the inventory…", budget.seconds) as tick:
            check = projects_view.projects_check_list(model, upload.getvalue(), upload.name, tick)
        if check.errors:
            ui.messages("error", ["This file cannot be checked:", *check.errors])
        else:
            ui.messages("warning", check.warnings)
            st.markdown(
                f"**{check.known} of {len(check.rows)} rows** are projects of this "
                f"inventory; **{check.repeated} rows** list a project another row lists too."
            )
            ui.table(check.rows, "check_list_table", what="rows")
            st.caption(
                "Each match comes with its evidence. Matches are leads to check: on real "
                "names the check joins about half of the duplicates and sometimes merges "
                "look-alikes; the review queue below holds most of the rest (see Data & "
                "method)."
            )
            ui.download_csv(check.rows, "project list checked", "dl_check_list")
            st.subheader("Review queue")
            if len(check.rows) > bounded.QUEUE_MAX_ROWS:
                st.info(
                    f"The review queue is made for lists of up to {bounded.QUEUE_MAX_ROWS:,} "
                    "rows: split the list to review its pairs."
                )
            else:
                st.markdown(
                    "Each row's five most probable candidates in the inventory and in the "
                    "list, with the evidence: decide the pairs and download your decisions "
                    "as a reviewed-pairs file."
                )
                review.review(
                    check.queue,
                    f"list_queue_{upload.file_id}",
                    inventory_ids=False,
                    save_to=review.save_target(ui.data_dir()),
                )
else:
    by = ui.choice("flow_by", model, "radio", horizontal=True)
    flows, sankey, sentence = projects_view.projects_flows(model, filters, by)
    st.markdown(sentence)
    if sankey is None:
        ui.empty_state(f"No project with known {by} and region matches the filters.")
    else:
        ui.chart(sankey, "flows_chart")
        grouped = (
            " Funders are grouped by the government or organisation that funds: an agency, "
            "ministry or programme counts as its government (the names as written are in "
            "the hover and the download; data/funder_aliases.csv)."
            if by == "funders"
            else ""
        )
        ui.caption(
            f"Width = number of projects (not money), a project counted once per region it "
            f"reaches; the 12 busiest {by}, the rest grouped. Regions from named beneficiary "
            f"countries or regions.{grouped}",
            filters,
            model,
        )
        ui.download_csv(flows, f"projects by {by} and region", "dl_flows")

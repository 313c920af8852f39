"""Presentation: the guided story, one question, one computed sentence, one chart per step.

The step lives in the URL (`?present=1&step=3`), so any step can be linked; `present=1`
turns on the projector theme (large type, no sidebar; arrow keys or a clicker's
PageDown/PageUp press Next/Back) and app.py routes any page to this one.
"""

import streamlit as st

from cbdash import ui
from cbdash.present import projector, story

model, filters = ui.page_context("story")
steps = story.STEPS
present = story.is_present(st.query_params.get(story.PRESENT_PARAM))
number, problem = story.parse_step(st.query_params.get(story.STEP_PARAM), len(steps))
step = steps[number - 1]


def go_to(to: int) -> None:
    st.query_params[story.STEP_PARAM] = str(to)


def set_present(on: bool) -> None:
    if on:
        st.query_params[story.PRESENT_PARAM] = "1"
    elif story.PRESENT_PARAM in st.query_params:
        del st.query_params[story.PRESENT_PARAM]


if present:  # constant CSS and script written in cbdash.present.projector, never user text
    st.html(projector.PROJECTOR_CSS + projector.PRESENTER_KEYS_JS, unsafe_allow_javascript=True)
back, middle, forward = st.columns([1, 6, 1], vertical_alignment="center")
back.button(
    "◀ Back",
    key="story_prev",
    on_click=go_to,
    args=(number - 1,),
    disabled=number == 1,
    width="stretch",
)
middle.title(step.question)
forward.button(
    "Next ▶",
    key="story_next",
    on_click=go_to,
    args=(number + 1,),
    disabled=number == len(steps),
    width="stretch",
    type="primary",
)
if problem:
    st.warning(problem)


sentence, chart, figure = story.shown_step(model, filters, number, present)
st.markdown(f"**{sentence}**")
if chart is None:
    ui.empty_state("Nothing to draw for this step under the current filters.")
else:
    with st.container(key=projector.CHART_KEY):
        ui.chart(
            figure,
            key=f"story_chart_{step.slug}",
            png_name=f"{number}_{step.slug}",
            height="stretch" if present else "content",
            theme=None if present else "streamlit",
        )
caption = f"Step {number} of {len(steps)}, {step.title}: {step.caption}"
if present:  # the caption and Exit share the last line: the chart gets the rest
    words, leave = st.columns([6, 1], vertical_alignment="bottom")
    with words:
        ui.caption(caption, filters, model)
    leave.button("Exit", key="story_exit", on_click=set_present, args=(False,), type="tertiary")
    st.stop()
ui.caption(caption, filters, model)
if chart is not None:
    ui.download_csv(chart.data, f"step {number}, {step.title.lower()}", "dl_story")
st.session_state["story_jump"] = number
st.segmented_control(
    "Go to step",
    list(range(1, len(steps) + 1)),
    key="story_jump",
    format_func=lambda i: f"{i}. {steps[i - 1].title}",
    on_change=lambda: go_to(st.session_state["story_jump"] or number),
)
st.button(
    "Start presentation mode",
    key="story_present",
    on_click=set_present,
    args=(True,),
    icon=":material/slideshow:",
)
st.caption(
    f"More detail on this question: the {step.page} page. In presentation mode the "
    "sidebar is hidden and type is large; the camera icon above a chart saves it as "
    "PNG (no internet needed). Link a step with `?present=1&step=3`."
)

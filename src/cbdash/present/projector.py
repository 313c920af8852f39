"""The projector theme of the guided story: constant CSS (never user text) for large type
and a page that fits one screen, the presenter's keys, and figures in large type.
"""

from __future__ import annotations

import plotly.graph_objects as go

PROJECTOR_FONT = 20
CHART_KEY = "story_chart"  # the container that takes the height the other parts leave

# Constant CSS for the projector theme: large type, high contrast, no sidebar or toolbar, and
# the page as one screen: a column whose chart takes the height the other parts leave, so
# that a step with a longer sentence gets a shorter chart, never a scroll bar.
PROJECTOR_CSS = """
<style>
html { font-size: 22px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff; color: #000000; }
[data-testid="stMainBlockContainer"], .block-container {
  padding: 0.5rem 2rem 1rem 2rem !important; max-width: 100% !important;
  height: 100vh; box-sizing: border-box; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {
  height: 100%; gap: 0.45rem; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > * { flex-shrink: 0; }
[data-testid="stMainBlockContainer"] .stElementContainer:has(> [data-testid="stHtml"]) {
  display: none; }
[data-testid="stLayoutWrapper"]:has(> .st-key-story_chart) {
  flex: 1 1 0 !important; min-height: 0; }
.st-key-story_chart { height: 100% !important; }
h1 { font-size: 1.9rem !important; line-height: 1.2 !important; padding: 0.2rem 0 !important;
  color: #000000 !important; }
[data-testid="stMarkdownContainer"] p { font-size: 1.15rem; line-height: 1.3; color: #000000; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  font-size: 20px !important; line-height: 1.3 !important; color: #1a1a1a !important;
  opacity: 1 !important; }
.stButton button p { font-size: 22px !important; font-weight: 600; color: inherit !important; }
.stButton button { min-height: 2.2rem; border-width: 2px; }
</style>
"""

# Constant script: a presenter's clicker (PageDown/PageUp) or the arrow keys press Next/Back.
PRESENTER_KEYS_JS = """
<script>
(() => {
  if (window.cbdashPresenterKeys) return;
  window.cbdashPresenterKeys = true;
  const keys = {ArrowRight: "story_next", PageDown: "story_next",
                ArrowLeft: "story_prev", PageUp: "story_prev"};
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    const button = keys[event.key] && document.querySelector(`.st-key-${keys[event.key]} button`);
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
})();
</script>
"""


def projector(fig: go.Figure) -> go.Figure:
    """A copy of `fig` with type large enough for the back of a room and no fixed height
    (it fills the container that the projector CSS sizes to the window)."""
    big = go.Figure(fig)
    big.update_layout(
        template="plotly_white",
        font=dict(size=PROJECTOR_FONT, color="#000000"),
        title=dict(font=dict(size=PROJECTOR_FONT + 4)),
        legend=dict(font=dict(size=PROJECTOR_FONT - 2)),
        hoverlabel=dict(font_size=PROJECTOR_FONT),
        height=None,
        autosize=True,
        margin=dict(l=10, r=10, t=50, b=10),
    )
    big.update_xaxes(automargin=True)
    big.update_yaxes(automargin=True)
    big.update_annotations(font_size=PROJECTOR_FONT)
    big.update_traces(textfont_size=PROJECTOR_FONT, selector=dict(type="bar"))
    big.update_traces(textfont_size=PROJECTOR_FONT, selector=dict(mode="markers+text"))
    return big

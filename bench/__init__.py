"""`make bench`: the dashboard's performance against its budgets (README, Performance).

Run from the repository root: `python -m bench` (options: `python -m bench --help`).

Two datasets: the shipped `data/`, and a SYNTHETIC inventory of 1,000 mappings and 100,000
projects (`bench.data`). On each:

- server (`bench.server`): every page of app.py rerun with Streamlit's AppTest, against
  the server floor (`bench/floor_server.py`: the same sidebar, no chart); a cProfile
  listing of one rerun of each page.
- browser (`bench.browser`): cold loads, filter changes and their websocket bytes in
  headless Chromium, against the browser floor (`bench/floor_browser.py`: the app's
  navigation and sidebar, one 10x10 plotly heatmap that follows the filters); the server's
  peak memory; 20 browsers and 20 protocol sessions (`bench.sessions`) at once; a trace
  and JavaScript profile of the pages furthest over a browser budget (`bench.traces`).

`bench.budgets` holds the budgets and verdicts, `bench.report` the table and what is
printed under it, `bench.streamlit_internals` every use of Streamlit beyond its public API.
Budgets are evaluated, never asserted: the exit code is 0 unless the benchmark itself fails.
"""

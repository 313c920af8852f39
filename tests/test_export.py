"""Safe CSV export: the golden string, formula neutralising, numbers kept."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest

from cbdash.present.export import file_name, to_csv


def test_golden_csv():
    df = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x")', "plain", "-2+3", "@SUM(A1)", "\tTab", "ok"],
            "count": [1, -2, 3, 4, 5, 6],
            "share": [0.5, -1.25, 0.0, 1.0, 2.0, 3.0],
            "tags": [("a", "b"), (), ("=x",), ("c",), ("d",), ("e",)],
        }
    )
    assert to_csv(df).decode("utf-8") == (
        "name,count,share,tags\r\n"
        '"\'=HYPERLINK(""http://x"")",1,0.5,a; b\r\n'
        "plain,-2,-1.25,\r\n"
        "'-2+3,3,0.0,'=x\r\n"
        "'@SUM(A1),4,1.0,c\r\n"
        "'\tTab,5,2.0,d\r\n"
        "ok,6,3.0,e\r\n"
    )


@pytest.mark.parametrize("dtype", ["str", "object", "category", "string"])
def test_text_columns_neutralised_whatever_the_dtype(dtype):
    df = pd.DataFrame({"x": ["=1+1", "+A1", "\rCR", "fine"]}).astype({"x": dtype})
    rows = list(csv.reader(io.StringIO(to_csv(df).decode("utf-8"), newline="")))
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'+A1", "'\rCR", "fine"]


def test_numbers_stay_numbers_and_nulls_stay_empty():
    df = pd.DataFrame({"n": pd.array([-5, None], dtype="Int64"), "f": [-0.5, None]})
    assert to_csv(df).decode() == "n,f\r\n-5,-0.5\r\n,\r\n"


def test_unicode_round_trip():
    assert "Côte d’Ivoire" in to_csv(pd.DataFrame({"c": ["Côte d’Ivoire"]})).decode("utf-8")


def test_file_name():
    assert file_name("Projects in Oceania!", date(2026, 11, 27)) == (
        "cbdash_projects_in_oceania_2026-11-27.csv"
    )

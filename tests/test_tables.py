"""gantk.tables: metrics records become one table, reference rows first, written as CSV and Markdown."""

from __future__ import annotations

import pandas as pd
import pytest

from gantk.tables import REFERENCE_METHOD, metrics_table, to_markdown, write_metrics_table

RECORDS = [
    {
        "dataset": "digits",
        "n": 64,
        "seed": 0,
        "method": "ga_cntk",
        "type": "images",
        "steps": 1000,
        "final_loss": 15.85,
        "seconds": 50.1,
        "am_ssim": 0.946,
    },
    {
        "dataset": "grid25",
        "n": 256,
        "seed": 0,
        "method": "ga_fntk",
        "type": "toy",
        "steps": 500,
        "final_loss": 68.7,
        "seconds": 20.0,
        "wasserstein": 0.041,
        "modes_covered": 25,
        "n_modes": 25,
        "high_quality_fraction": 0.965,
    },
    {
        "dataset": "digits",
        "n": 64,
        "seed": 0,
        "method": REFERENCE_METHOD,
        "type": "images",
        "heldout_count": 64,
        "am_ssim": 0.802,
    },
]


def test_rows_group_by_subset_with_the_reference_first():
    table = metrics_table(RECORDS)
    assert list(zip(table["dataset"], table["method"])) == [
        ("digits", REFERENCE_METHOD),
        ("digits", "ga_cntk"),
        ("grid25", "ga_fntk"),
    ]
    assert list(table.columns[:4]) == ["dataset", "n", "seed", "method"]
    assert "type" not in table.columns and "heldout_count" not in table.columns


def test_missing_metrics_stay_missing_and_counts_stay_integers():
    table = metrics_table(RECORDS)
    assert pd.isna(table.loc[0, "wasserstein"]) and pd.isna(table.loc[2, "am_ssim"])
    assert table.loc[2, "modes_covered"] == 25 and str(table["modes_covered"].dtype) == "Int64"


def test_duplicate_run_records_are_rejected():
    with pytest.raises(ValueError, match="two metrics records"):
        metrics_table([RECORDS[0], dict(RECORDS[0])])


def test_record_without_its_run_key_is_named():
    with pytest.raises(ValueError, match="record 0 lacks \\['method'\\]"):
        metrics_table([{"dataset": "d", "n": 1, "seed": 0}])


def test_markdown_has_a_row_per_record_four_digits_and_dashes_for_missing():
    text = to_markdown(metrics_table(RECORDS))
    lines = text.splitlines()
    assert lines[0].startswith("| dataset | n | seed | method |")
    assert lines[2].startswith(f"| digits | 64 | 0 | {REFERENCE_METHOD} | – | – | 0.802 | – |")
    assert "| grid25 | 256 | 0 | ga_fntk | 500 | 68.7 | – | 0.041 | 25 | 25 | 0.965 | 20 |" in lines
    assert any(line.startswith("- `am_ssim`:") for line in lines)


def test_written_csv_reads_back_to_the_same_values(tmp_path):
    table = metrics_table(RECORDS)
    write_metrics_table(table, tmp_path / "m.csv", tmp_path / "m.md")
    back = pd.read_csv(tmp_path / "m.csv")
    pd.testing.assert_frame_equal(back, table, check_dtype=False)
    assert (tmp_path / "m.md").read_text() == to_markdown(table)


def test_fid_records_join_their_runs_and_paper_values_sit_beside_ours():
    from gantk.tables import merge_records, with_paper_values

    fid = {"dataset": "digits", "n": 64, "seed": 0, "method": "ga_cntk", "fid_split": 31.5, "fid_samples": 2048}
    merged = merge_records(RECORDS, [fid])
    assert len(merged) == len(RECORDS)
    row = next(r for r in merged if r["method"] == "ga_cntk")
    assert (row["am_ssim"], row["fid_split"], row["fid_samples"]) == (0.946, 31.5, 2048)
    with pytest.raises(ValueError, match="no metrics record"):
        merge_records(RECORDS, [{**fid, "n": 128}])
    mnist = {"dataset": "m", "n": 256, "seed": 0, "method": "ga_cntk", "am_ssim": 0.6}
    other = {**mnist, "n": 64}
    papered = with_paper_values([mnist, other], {"m": "mnist"})
    assert (papered[0]["paper_fid"], papered[0]["paper_am_ssim"]) == (14.96, 0.54)
    assert "paper_fid" not in papered[1]
    table = metrics_table(papered)
    assert list(table.columns).index("paper_fid") > list(table.columns).index("am_ssim")

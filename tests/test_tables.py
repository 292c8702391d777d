"""gantk.experiments.tables: metrics records become one table, reference rows first, written as CSV and Markdown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gantk.experiments.tables import REFERENCE_METHOD, metrics_table, to_markdown, write_metrics_table

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
    from gantk.experiments.tables import merge_records, with_paper_values

    fid = {"dataset": "digits", "n": 64, "seed": 0, "method": "ga_cntk", "fid_split": 31.5, "fid_samples": 2048}
    merged = merge_records(RECORDS, [fid])
    assert len(merged) == len(RECORDS)
    row = next(r for r in merged if r["method"] == "ga_cntk")
    assert (row["am_ssim"], row["fid_split"], row["fid_samples"]) == (0.946, 31.5, 2048)
    with pytest.raises(ValueError, match="no metrics record"):
        merge_records(RECORDS, [{**fid, "n": 128}])
    mnist = {"dataset": "m", "n": 256, "seed": 0, "method": "ga_cntk", "am_ssim": 0.6}
    other = {**mnist, "n": 100}  # a size the paper did not run
    papered = with_paper_values([mnist, other], {"m": "mnist"})
    assert (papered[0]["paper_fid"], papered[0]["paper_am_ssim"]) == (14.96, 0.54)
    assert "paper_fid" not in papered[1]
    table = metrics_table(papered)
    assert list(table.columns).index("paper_fid") > list(table.columns).index("am_ssim")


def test_paper_values_hold_tables_1_2_and_9_in_full():
    from gantk.experiments.tables import PAPER_TABLE1, PAPER_TABLE2, PAPER_TABLE9, paper_values

    values = paper_values()
    table1 = values[values["table"] == "table1"]
    assert len(table1) == 144 and table1["value"].notna().all()  # 8 methods x 3 data sets x 3 n x 2 metrics
    assert set(table1["method"]) == {"dcgan", "lsgan", "wgan", "wgan_gp", "sngan", "stylegan2", "ga_cntk", "ga_cntkg"}
    assert PAPER_TABLE1[("mnist", 128, "ga_cntk")] == {"paper_fid": 21.14, "paper_am_ssim": 0.52}
    assert PAPER_TABLE1[("celeba", 256, "wgan_gp")]["paper_fid"] == 79.36
    assert PAPER_TABLE1[("cifar10", 64, "stylegan2")] == {"paper_fid": 406.02, "paper_am_ssim": 0.64}
    assert len(values[values["table"] == "table2"]) == 12
    assert PAPER_TABLE2[("cifar10", 2048, "ga_cntkg")] == {"paper_fid": 78.85, "paper_am_ssim": 0.432}
    assert PAPER_TABLE9[("mnist", 256, "ga_cntk_batch")]["paper_iterations"] == 500
    assert PAPER_TABLE9[("celeba", 256, "ga_cntkg")]["paper_iterations_per_second"] == 5
    assert np.isnan(PAPER_TABLE9[("cifar10", 256, "dcgan")]["paper_iterations"])  # N/A in the paper


def test_ratios_sit_beside_the_papers_values_and_missing_stays_missing():
    from gantk.experiments.tables import with_paper_values

    ours = {"dataset": "m", "n": 64, "seed": 0, "method": "ga_cntk", "am_ssim": 0.98, "fid_split": 62.2}
    no_fid = {**ours, "method": "wgan_gp", "fid_split": None}
    [a, b] = with_paper_values([ours, no_fid], {"m": "mnist"})
    assert a["ratio_fid"] == pytest.approx(62.2 / 31.10) and a["ratio_am_ssim"] == pytest.approx(0.98 / 0.49)
    assert np.isnan(b["ratio_fid"]) and b["ratio_am_ssim"] == pytest.approx(0.98 / 0.83)


def test_run_facts_give_lambda_and_the_stopping_outcome():
    from gantk.experiments.tables import run_facts

    stop = {"rule": "plateau", "selected_step": 128, "loss": 15.9}
    assert run_facts({"config": {"lambdas": [1.44]}}, stop) == {
        "lam": 1.44, "stop_rule": "plateau", "selected_step": 128, "loss": 15.9}
    assert run_facts({"config": {"lambdas": [1.0, 2.5, 4.0]}}, stop)["lam"] == "1 / 2.5 / 4"
    assert run_facts({"config": {"lam": 3.0}}, stop)["lam"] == 3.0  # GA-CNTKg


def test_reproduction_report_puts_every_number_beside_the_papers():
    from gantk.experiments.reproduction import report_rows, to_markdown
    from gantk.experiments.tables import metrics_table, with_paper_values

    records = [
        {"dataset": "m", "n": 128, "seed": 0, "method": "real (held-out)", "am_ssim": 0.66},
        {"dataset": "m", "n": 128, "seed": 0, "method": "ga_cntk", "lam": 1.44, "stop_rule": "plateau",
         "selected_step": 225, "am_ssim": 0.52, "fid_split": 42.28, "fid_samples": 2048},
        {"dataset": "d", "n": 64, "seed": 0, "method": "ga_cntk", "am_ssim": 0.7},
    ]
    frame = metrics_table(with_paper_values(records, {"m": "mnist", "d": "digits"}))
    datasets = {"m": {"source": "mnist", "options": {"root": "data/mnist", "split": "train"}}, "d": {"source": "digits"}}
    rows = report_rows("table1", frame, datasets)
    assert len(rows) == 3 and "real (held-out)" not in set(rows["method"])
    fid = rows[(rows["data set"] == "m") & (rows["metric"] == "FID")].iloc[0]
    assert (fid["paper"], fid["ours / paper"], fid["selected step"]) == (21.14, pytest.approx(2.0), 225)
    assert fid["FID reference"] == "mnist (split train); 2048 generated images"
    text = to_markdown({"table1": rows, "table9": rows.iloc[:0]})
    assert "| m | 128 | ga_cntk | AM-SSIM | 0.52 | 0.52 | 1 | 225 | plateau | 1.44 |  |" in text
    assert "| d | 64 | ga_cntk | AM-SSIM | 0.7 | – | – |" in text
    assert "No run of this config has a value for this table." in text

"""Table 9 rows from recorded curves, and the CPU speed benchmark's row format."""

import numpy as np
import pandas as pd
import pytest

from gantk.experiments.table9_speed import speed_row, table9, to_markdown


def _curve(losses, step_seconds=0.5, compile_seconds=10.0):
    steps = np.arange(1, len(losses) + 1)
    return pd.DataFrame({"step": steps, "loss": losses, "seconds": compile_seconds + step_seconds * (steps - 1)})


def test_speed_row_counts_convergence_rate_and_seconds():
    losses = [10.0 - t for t in range(10)] + [1.0] * 30  # improves until step 10, then flat
    row = speed_row(_curve(losses), patience=5, delta=0.05, window=1)
    assert row["iterations_to_convergence"] == 10 and row["stopped"] and row["iterations_run"] == 40
    assert row["iterations_per_second"] == pytest.approx(2.0)  # compilation of step 1 excluded
    assert row["seconds_to_convergence"] == pytest.approx(10.0 + 0.5 * 9)
    assert row["seconds"] == pytest.approx(10.0 + 0.5 * 39)


def test_a_run_that_never_stops_is_marked_as_a_lower_bound():
    row = speed_row(_curve(np.linspace(5, 0, 30)), patience=100, delta=0.05, window=1)
    assert not row["stopped"] and row["iterations_to_convergence"] == 30


def test_table_orders_columns_and_renders_markdown():
    rows = [{"dataset": "digits", "n": 64, "seed": 0, "method": m, **speed_row(_curve([3.0, 2.0, 1.0]), patience=2, window=1)}
            for m in ("wgan_gp", "ga_cntk_batch")]
    frame = table9(rows)
    assert list(frame.columns)[:4] == ["dataset", "n", "seed", "method"]
    text = to_markdown(frame)
    assert "| digits | 64 | 0 | wgan_gp | 3 | no | 3 | 2 |" in text


def test_curves_without_the_needed_columns_are_refused():
    with pytest.raises(ValueError, match="seconds"):
        speed_row(pd.DataFrame({"step": [1], "loss": [1.0]}))


def test_the_papers_values_follow_ours_where_known():
    from gantk.experiments.tables import PAPER_TABLE9, with_paper_values

    rows = [{"dataset": "m", "n": 256, "seed": 0, "method": m, **speed_row(_curve([3.0, 2.0, 1.0]), patience=2, window=1)}
            for m in ("ga_cntk_batch", "wgan_gp")]
    frame = table9(with_paper_values(rows, {"m": "mnist"}, PAPER_TABLE9))
    columns = list(frame.columns)
    assert columns.index("paper_iterations") > columns.index("seconds")
    assert frame["paper_iterations"].iloc[0] == 500 and frame["paper_iterations"].iloc[1] == 3400
    assert frame["ratio_iterations"].iloc[0] == pytest.approx(frame["iterations_to_convergence"].iloc[0] / 500)
    assert "the paper's Table 9" in to_markdown(frame)

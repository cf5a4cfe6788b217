#!/bin/bash
# docker.sh's whole battery with ward under policy `userns = auto` (lib/engine-userns.sh): every
# container the engine starts gets a user namespace from the pool, its root filesystem and
# binds idmapped. It runs as that script itself (exec): the same test name, work directory and
# cgroup parent, whose mounts the other scripts' leftover checks know.
# Docker's default storage driver, overlay2: ward rebuilds its overlay root filesystems over
# idmapped layers (podman-userns.sh covers plain directories, vfs).
export WARD_TEST_DOCKER_STORAGE=${WARD_TEST_DOCKER_STORAGE:-overlay2}
WARD_TEST_USERNS=auto exec "$(dirname "$0")/docker.sh" "$@"

#!/bin/bash
# podman.sh's whole battery with ward under policy `userns = auto` (lib/engine-userns.sh): every
# container the engine starts gets a user namespace from the pool, its root filesystem and
# binds idmapped. It runs as that script itself (exec): the same test name, work directory and
# cgroup parent, whose mounts the other scripts' leftover checks know.
WARD_TEST_USERNS=auto exec "$(dirname "$0")/podman.sh" "$@"

#!/bin/bash
# The short soak of `make check`: create/start/exec/delete cycles and SIGKILLs of ward at random
# points of create, start, exec, delete and run, each followed by `delete --force`; any cgroup,
# mount, state entry, process or fd left fails. The long run with its figures (and the parallel
# run against runc and crun): tests/soak/soak.sh, see README.md, "Testing".
exec "$WARD_SRCDIR/tests/soak/soak.sh" -n "${WARD_SOAK_CYCLES:-100}" -k "${WARD_SOAK_KILLS:-30}" -p 0

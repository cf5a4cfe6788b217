#!/bin/bash
# ward --version: the first line as go-runc and dockerd parse it, then commit, spec, libraries.
. "$(dirname "$0")/lib/common.sh"

out=$("$WARD" --version)
like first_line_is_name_version_semver "$(echo "$out" | sed -n 1p)" '^ward version [0-9]+\.[0-9]+\.[0-9]+$'
like second_line_is_the_commit "$(echo "$out" | sed -n 2p)" '^commit: ([0-9a-f]{40}|unknown)$'
like third_line_is_the_spec_version "$(echo "$out" | sed -n 3p)" '^spec: 1\.[0-9]+\.[0-9]+$'
like lists_the_library_versions "$(echo "$out" | tail -n +4 | cut -d: -f1 | tr '\n' ' ')" '^libseccomp libcap libselinux yajl libmount $'
is short_flag_matches_long "$("$WARD" -v)" "$out"
done_testing

#!/bin/bash
# --console-socket: one SCM_RIGHTS message with the pty master (allocated in the container's
# devpts), sent before create returns; the pty is the process's controlling terminal and
# /dev/console.
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
recvtty="$WARD_HELPERS/recvtty"

b=$(new_bundle tty 'tty; readlink /proc/self/fd/0; stat -c "%t:%T" /dev/console; stty size')
edit_config "$b" '.process.terminal = true | .process.consoleSize = {height: 33, width: 101}'
sock="$SOCKDIR/tty.sock"
"$recvtty" "$sock" >"$WORK/tty.out" 2>"$WORK/tty.err" &
rpid=$!
for _ in $(seq 100); do grep -q listening "$WORK/tty.err" 2>/dev/null && break; sleep 0.02; done
W create -b "$b" --console-socket "$sock" tty </dev/null
is create_with_console_socket_succeeds "$?" 0
like master_arrives_before_create_returns "$(cat "$WORK/tty.err")" 'payload=/dev/ptmx fds=1 tty=1'
W start tty
wait "$rpid"
out=$(tr -d '\r' <"$WORK/tty.out")
is process_has_the_pty_as_controlling_terminal "$(echo "$out" | sed -n 1p)" /dev/pts/0
is stdio_is_the_pty "$(echo "$out" | sed -n 2p)" /dev/pts/0
is dev_console_is_the_pty "$(echo "$out" | sed -n 3p)" "88:0"
is console_size_is_applied "$(echo "$out" | sed -n 4p)" "33 101"
W delete --force tty

# A socket path longer than sun_path (107 bytes), as a deep checkout or state root makes.
deep="$WORK/$(printf 'a%.0s' $(seq 60))/$(printf 'b%.0s' $(seq 60))"
mkdir -p "$deep"
"$recvtty" "$sock" >"$WORK/long.out" 2>"$WORK/long.err" &
rpid=$!
ln -s "$sock" "$deep/tty.sock"
for _ in $(seq 100); do grep -q listening "$WORK/long.err" 2>/dev/null && break; sleep 0.02; done
b=$(new_bundle long 'tty')
edit_config "$b" '.process.terminal = true'
W create -b "$b" --console-socket "$deep/tty.sock" long </dev/null
like console_socket_path_longer_than_sun_path_is_reached "$(cat "$WORK/long.err")" 'payload=/dev/ptmx fds=1'
W delete --force long
wait "$rpid"

b=$(new_bundle notty 'true')
edit_config "$b" '.process.terminal = true'
like terminal_without_console_socket_is_refused_for_create "$(W create -b "$b" notty 2>&1 </dev/null)" 'console-socket is required'
b=$(new_bundle noterm 'true')
like console_socket_without_terminal_is_refused "$(W create -b "$b" --console-socket "$sock" noterm 2>&1 </dev/null)" 'needs process.terminal'

assert_no_leftovers
done_testing

# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the test scripts whose work is one independent check per capture.
#
# run_each FUNC ITEM...: FUNC ITEM for every ITEM, S7DIAG_TEST_JOBS at a time (default: the
#   number of cores), each in a subshell; what each printed is printed in ITEM order once all
#   are done; returns 1 when any FUNC returned non-zero. FUNC gets the item's index in $EACH_INDEX
#   (for files of its own) and must not rely on variables the others set.
run_each() {
  local fn=$1; shift
  local jobs=${S7DIAG_TEST_JOBS:-$(nproc)} dir i=0 k rc=0 running=0 item
  dir=$(mktemp -d)
  for item in "$@"; do
    ( EACH_INDEX=$i; "$fn" "$item" > "$dir/$i.out" 2>&1; echo $? > "$dir/$i.rc" ) &
    i=$((i + 1)); running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  done
  wait
  for ((k = 0; k < i; k++)); do
    cat "$dir/$k.out"
    [ "$(cat "$dir/$k.rc" 2>/dev/null)" = 0 ] || rc=1
  done
  rm -rf "$dir"
  return $rc
}

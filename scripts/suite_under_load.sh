#!/usr/bin/env bash
# Run the whole suite twice in a row while a second copy of the suite runs alongside on the same
# machine, and report every run's result line. Exits non-zero if any finished run failed.
#
# Usage: scripts/suite_under_load.sh [PYTEST ARGS...]
#
# Run it from a checkout with the project installed in the active virtual environment
# (`pip install ".[test]"` or `pip install -e ".[test]"`). The second copy is a copy of the
# checkout's files in a temporary folder (the same tests, the same installed package); each run
# has its own pytest temporary folder, so the two never share a file. The copy keeps running the
# suite until the two runs under test have ended, then it is stopped: its finished runs count,
# the run it was in the middle of does not. It takes about three times the suite's own time.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root" || exit 2

if ! command -v pytest >/dev/null || ! python -c "import console" 2>/dev/null; then
    echo "suite_under_load: activate a virtual environment with the project installed" \
        "(pip install \".[test]\") first." >&2
    exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/suite-under-load.XXXXXX")"
copy="$work/copy"
mkdir -p "$copy"

# The second copy: the checkout's files (tracked and new ones, without the ignored ones such as
# virtual environments), or everything but .git and virtual environments outside git.
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$root" ls-files -z --cached --others --exclude-standard |
        (cd "$root" && xargs -0 cp --parents -t "$copy" 2>/dev/null)
else
    tar -C "$root" --exclude=.git --exclude='.venv*' --exclude='.ci-venv' -cf - . |
        tar -C "$copy" -xf -
fi

run_suite() {
    # run_suite FOLDER NAME: one whole run of the suite in FOLDER, its output in $work/NAME.log.
    local folder="$1" name="$2"
    (cd "$folder" && pytest -q -p no:cacheprovider --basetemp="$work/tmp-$name" "${@:3}") \
        >"$work/$name.log" 2>&1
}

closing='^(=+ )?([0-9]+ [a-z]+|no tests ran).* in [0-9.]+s( \([0-9:]+\))?( =+)?$'

result_line() {
    # The runner's closing line ("N passed, ... in S s"), or the log's last line.
    local line
    line="$(grep -E "$closing" "$1" | tail -n 1)"
    echo "${line:-$(tail -n 1 "$1")}"
}

done_marker="$work/runs-under-test-done"

alongside() {
    # Keep a second suite running until the runs under test have ended.
    echo "$$" >"$work/alongside.pgid" # this shell leads its own process group (setsid)
    local n=0
    while [ ! -e "$done_marker" ]; do
        n=$((n + 1))
        run_suite "$copy" "alongside-$n" "$@"
        echo "$?" >"$work/alongside-$n.rc"
    done
}

export work copy done_marker
export -f run_suite alongside
# The copy runs in a session of its own, so that stopping it reaches its whole run.
setsid --wait bash -c 'alongside "$@"' alongside "$@" &
alongside_pid=$!

stop_alongside() {
    local group
    group="$(cat "$work/alongside.pgid" 2>/dev/null)"
    if [ -n "$group" ] && kill -0 "$alongside_pid" 2>/dev/null; then
        # SIGTERM, not Ctrl+C: a job started with & ignores SIGINT. The consoles the run had
        # open in pseudo-terminals get SIGHUP when its end of their terminal closes.
        kill -TERM -- "-$group" 2>/dev/null
        for _ in $(seq 1 60); do
            kill -0 "$alongside_pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL -- "-$group" 2>/dev/null
    fi
    wait "$alongside_pid" 2>/dev/null
}
trap 'touch "$done_marker"; stop_alongside; exit 130' INT TERM

echo "suite_under_load: logs in $work"
failed=0
for n in 1 2; do
    started=$SECONDS
    run_suite "$root" "run-$n" "$@"
    rc=$?
    [ "$rc" -eq 0 ] || failed=1
    echo "run $n (the checkout, a second suite alongside): $(result_line "$work/run-$n.log")" \
        "[exit $rc, $((SECONDS - started)) s]"
done

touch "$done_marker"
stop_alongside

finished=0
for log in "$work"/alongside-*.log; do
    [ -e "$log" ] || continue
    name="$(basename "$log" .log)"
    if [ -e "$work/$name.rc" ]; then
        rc="$(cat "$work/$name.rc")"
        # The run stopped at the end has no closing line: it is not counted.
        if grep -qE "$closing" "$log"; then
            finished=$((finished + 1))
            [ "$rc" -eq 0 ] || failed=1
            echo "$name (the copy, alongside): $(result_line "$log") [exit $rc]"
            continue
        fi
    fi
    echo "$name (the copy, alongside): stopped unfinished when the runs under test ended"
done
[ "$finished" -gt 0 ] || echo "note: the copy alongside finished no whole run"

if [ "$failed" -ne 0 ]; then
    echo "suite_under_load: FAILED (logs kept in $work)"
    exit 1
fi
rm -rf "$work"
echo "suite_under_load: every run passed"

# lib.sh - helpers for the TAP test scripts under tests/ (sourced, not run).
# Each script prints a plan ("1..N") and one "ok"/"not ok" line per check.

: "${top_srcdir:?run this through make check}" "${top_builddir:?run this through make check}"
tap_n=0
tap_failed=0

# ok DESCRIPTION: one passing check.
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
# not_ok DESCRIPTION [DETAIL...]: one failing check; DETAIL lines become TAP comments.
not_ok() {
    tap_n=$((tap_n + 1)); tap_failed=1
    echo "not ok $tap_n - $1"; shift
    for line in "$@"; do printf '%s\n' "$line" | sed 's/^/# /'; done
}
# skip_all REASON: skip the whole script.
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# done_testing: print the plan last, as TAP allows.
done_testing() { echo "1..$tap_n"; exit 0; }

# A scratch directory removed on exit.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ttlab-test.XXXXXX") || exit 99
# Passable (not listable) by others, as /tmp is: ttgrade's scratch dirs made
# in here must be reachable by its sandbox user (nobody, when run as root).
chmod 711 "$scratch"
trap 'rm -rf "$scratch"' EXIT

# The labs, from labs/manifest (tools/labs): their names in order, and how
# many; a lab's folder (labs/NN-<lab>); a lab's file of a kind (reference,
# header, test, hidden, mem, mutants, ...: see tools/labs), from the top of
# the tree; every lab's file of a kind.
lab_names() { "$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" names; }
lab_count() { "$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" count; }
lab_folder() { "$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" folder "$1"; }
lab_file() { "$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" "$1" "$2"; }
lab_files() { "$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" all "$1"; }

# rubric_items: every graded item, "<lab> <kind>:<name> <points>" (kind:
# test, memory or question), from the rubric the build made (the points next
# to each hidden test and memory scenario; its perf: lines are extra credit,
# no item) and each lab's question bank.
rubric_items() {
    $AWK '!/^[ \t]*#/ && NF >= 3 && $2 !~ /^perf:/ { print $1, ($2 ~ /^memory:/ ? $2 : "test:" $2), $3 }' \
        "$top_builddir/grader/rubric.txt"
    for lab in $(lab_names); do
        $AWK -v lab="$lab" '$1 == "question" { q = $2 } $1 == "points" && q != "" { print lab, "question:" q, $2; q = "" }' \
            "$top_srcdir/$(lab_folder "$lab")/questions.txt"
    done
}

# example_expect scores|fails README: what an example's README says it must
# fail ("- <lab>: passes" or "- <lab>: fails ITEM...", continued on indented
# lines; text in parentheses is the why), plus every question its answers.txt
# (next to the README) does not answer, turned into "<lab>: <score>/<max>"
# per lab, computed from rubric_items (scores), or the "<lab> <kind>:<name>"
# items it must fail (fails). A lab the README does not state reads "?".
example_expect() {
    rubric_items > "$scratch/rubric-items.txt"
    answers="$(dirname "$2")/answers.txt"
    [ -f "$answers" ] || answers=/dev/null
    $AWK -v mode="$1" -v answers="$answers" '
        BEGIN { while ((getline line < answers) > 0) if (line ~ /^[a-z][a-z0-9_]*\.[a-z0-9_]+:/) { sub(/:.*/, "", line); answered[line] = 1 } }
        FNR == NR { pts[$1 " " $2] = $3; max[$1] += $3; items[$1] = items[$1] " " $2; if (!($1 in seen)) { seen[$1]; order[++nl] = $1 } next }
        /^- [a-z][a-z0-9_]*: (passes|fails)/ { lab = $2; sub(/:$/, "", lab); s = $0; sub(/^- [^:]*: */, "", s); spec[lab] = s; cont = lab; next }
        cont != "" && /^  / { spec[cont] = spec[cont] " " $0; next }
        { cont = "" }
        END {
            for (i = 1; i <= nl; i++) {
                lab = order[i]
                if (!(lab in spec)) { if (mode == "scores") print lab ": ?"; else print lab, "?"; continue }
                s = spec[lab]; gsub(/\([^)]*\)/, " ", s)
                nw = split(s, w, /[ \t]+/); split("", failed); lost = 0
                nit = split(items[lab], it, " ")
                for (j = 2; j <= nw; j++) {
                    if (w[j] == "") continue
                    hit = 0
                    for (k = 1; k <= nit; k++) {
                        kind = it[k]; sub(/:.*/, "", kind)
                        if (w[j] == "everything" || w[j] == kind "s" || (w[j] == "memory" && kind == "memory") \
                            || it[k] == w[j] || it[k] == "test:" w[j]) { failed[it[k]] = 1; hit = 1 }
                    }
                    if (!hit) { printf "%s: %s is no item of lab %s\n", FILENAME, w[j], lab > "/dev/stderr"; failed["?"] = 1 }
                }
                for (k = 1; k <= nit; k++) {
                    q = it[k]; if (q !~ /^question:/) continue
                    sub(/^question:/, "", q); if (!((lab "." q) in answered)) failed[it[k]] = 1
                }
                for (f in failed) { lost += pts[lab " " f]; if (mode == "fails") print lab, f }
                if (mode == "scores") printf "%s: %g/%g\n", lab, ("?" in failed) ? -1 : max[lab] - lost, max[lab]
            }
        }' "$scratch/rubric-items.txt" "$2" | LC_ALL=C sort
}

# copy_tree DEST: a copy of the source tree's files in DEST (in a checkout,
# git's list of them, committed or not, as they are now; else a dist tree's
# every file), made a git repository of its own, so that git shows what a
# test changes in it. Needs git.
copy_tree() {
    mkdir -p "$1"
    if git -C "$top_srcdir" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
        git -C "$top_srcdir" ls-files --cached --others --exclude-standard |
            while IFS= read -r f; do [ -e "$top_srcdir/$f" ] && printf '%s\n' "$f"; done > "$scratch/files"
        tar -C "$top_srcdir" -cf - -T "$scratch/files" | tar -C "$1" -xf -
    else
        cp -R "$top_srcdir/." "$1"
    fi
    chmod -R u+w "$1"
    git_snapshot "$1"
}

# git_snapshot DIR: DIR made a git repository of its own, everything its
# .gitignore does not leave out committed as "before".
git_snapshot() {
    git -C "$1" init -q && git -C "$1" add -A &&
        git -C "$1" -c user.name=t -c user.email=t@example.org commit -q -m before
}

# copy_built_tree DEST: a copy of this tree as built (objects, configure's
# results, the generated files, the data dir) in DEST, made a git repository
# of its own as copy_tree's is (.gitignore leaves the build out of it), so
# that make there rebuilds only what an edit touches, as in an instructor's
# tree. The absolute paths configure and make wrote (config.status, the
# Makefile, the data dir's sources.txt) are rewritten for DEST with their
# times kept, so make finds nothing out of date. Only for a build in the
# source tree (./bootstrap && make); status 1 for any other (make distcheck's
# VPATH build): copy_tree and build instead.
copy_built_tree() {
    [ -f "$top_builddir/config.status" ] && [ -x "$top_builddir/grader/ttgrade" ] &&
        [ "$(cd "$top_srcdir" && pwd -P)" = "$(cd "$top_builddir" && pwd -P)" ] || return 1
    cb_old=$(sed -n 's/^abs_top_builddir = //p' "$top_builddir/Makefile")
    [ -n "$cb_old" ] || return 1
    mkdir -p "$1" && cb_new=$(cd "$1" && pwd) || return 1
    # Not the checkout's .git, the logs of the tests running now, the shared
    # gradings (made with this tree's data dir, not the copy's), nor the other
    # tests' and targets' folders of their own.
    tar -C "$top_builddir" -cf - --exclude=./.git --exclude='*.log' --exclude='*.trs' --exclude=./tests/graded \
        --exclude=./kit.tree --exclude='./kit.stage.*' --exclude='./gradescope.tmp.*' \
        --exclude=./coverage --exclude=./coverage-student --exclude='./ttlab-[0-9]*' . 2> "$scratch/copy-built.err" |
        tar -C "$cb_new" -xf - || return 1
    chmod -R u+w "$cb_new"
    grep -rlIF --exclude-dir=.git "$cb_old" "$cb_new" > "$scratch/copy-built.paths" || true
    while IFS= read -r cb_f; do
        cp -p "$cb_f" "$scratch/copy-built.time" &&
            sed -i "s|$cb_old|$cb_new|g" "$cb_f" && touch -r "$scratch/copy-built.time" "$cb_f" || return 1
    done < "$scratch/copy-built.paths"
    git_snapshot "$cb_new"
}

# copy_reference DEST [SRC]: every lab's reference file (<lab>.c) of the
# source tree SRC (default: this one) into the folder DEST, made if need be.
copy_reference() {
    cr_src=${2:-$top_srcdir}
    mkdir -p "$1" || return 1
    for cr_f in $("$cr_src/tools/labs" "$cr_src/labs/manifest" all reference); do
        cp "$cr_src/$cr_f" "$1/" || return 1
    done
}

# reference_submission SRC BUILD DEST: a submission of the reference's lab
# files of the source tree SRC, in DEST, with the answer key of SRC's banks
# (in labs/manifest's order) that BUILD's ttquestions computes with the
# reference library; ttquestions' errors go to $scratch/key.err. Status:
# ttquestions', or 1 when the files cannot be copied.
reference_submission() {
    rs_src=$1 rs_build=$2 rs_dest=$3
    copy_reference "$rs_dest" "$rs_src" || return 1
    set --
    for rs_f in $("$rs_src/tools/labs" "$rs_src/labs/manifest" all questions); do
        set -- "$@" "$rs_src/$rs_f"
    done
    "$rs_build/grader/ttquestions" --key -o "$rs_dest/answers.txt" "$@" 2> "$scratch/key.err"
}

# valgrind_fast ARGS...: "$VALGRIND" ARGS, started at about half the cost of
# a plain start, as ttgrade starts its own: a program that loads Criterion
# gets the libgit2 stand-in of the data dir's lib/ (grader/shim/git2shim.c
# says why) instead of libgit2 and its 15 libraries; and where bubblewrap can
# start, the system's separate debug info (Debian's libc6-dbg) is hidden but
# for the dynamic loader's, which Valgrind needs to start (grader/proc.c:
# reading libc's is half of each start). Frames inside libc then name their
# function without its line; what Valgrind finds is the same.
valgrind_fast() {
    vf_lib=$top_builddir/grader/data/lib
    set -- env LD_LIBRARY_PATH="$vf_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$VALGRIND" "$@"
    vf_dbg=/usr/lib/debug
    if [ -d "$vf_dbg/.build-id" ] && command -v bwrap > /dev/null 2>&1 && command -v readelf > /dev/null 2>&1 \
       && bwrap --dev-bind / / true > /dev/null 2>&1; then
        vf_ld=$(readelf -l /bin/sh 2> /dev/null | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
        vf_id=$(readelf -n "$vf_ld" 2> /dev/null | sed -n 's/.*Build ID: *\([0-9a-f]*\)$/\1/p')
        vf_keep=$vf_dbg/.build-id/$(echo "$vf_id" | cut -c 1-2)/$(echo "$vf_id" | cut -c 3-).debug
        [ -n "$vf_id" ] && [ -f "$vf_keep" ] && set -- bwrap --dev-bind / / --tmpfs "$vf_dbg" --ro-bind "$vf_keep" "$vf_keep" "$@"
    fi
    "$@"
}

# graded NAME DIR [OPTION...]: DIR graded by ttgrade with --json, --junit
# and the OPTIONs (none: in full) once per `make check` for every test
# script that asks the same (grade-examples.sh and intake.sh both grade
# examples/submissions/complete with --no-memcheck): the first script to ask
# grades, under a lock, the others copy its result. Leaves $scratch/NAME.json,
# $scratch/NAME.xml (JUnit) and $scratch/NAME.out (the terminal report), and
# sets $status to ttgrade's exit status. The shared gradings are in the
# build tree's tests/graded/, which every make check empties first
# (tests/local.mk), one per path and content of DIR and OPTIONs. Without
# flock(1) each script grades for itself.
graded() {
    gd_name=$1 gd_dir=${2%/}
    shift 2
    gd_cache=$top_builddir/tests/graded/$( { printf '%s\n' "$gd_dir" "$@"
        (cd "$gd_dir" && find . -type f -exec cksum {} + | LC_ALL=C sort -k 3); } | cksum | tr ' ' -)
    if command -v flock > /dev/null 2>&1 && mkdir -p "$top_builddir/tests/graded"; then
        (
            flock 8 || exit 1
            [ -f "$gd_cache/status" ] && exit 0
            gd_new=$gd_cache.new.$$
            mkdir "$gd_new" || exit 1
            "$top_builddir/grader/ttgrade" --json "$gd_new/json" --junit "$gd_new/xml" "$@" "$gd_dir" > "$gd_new/out" 2>&1 8>&-
            echo $? > "$gd_new/status" && mv -T "$gd_new" "$gd_cache" 2> /dev/null || rm -rf "$gd_new"
        ) 8> "$gd_cache.lock"
    fi
    if [ -f "$gd_cache/status" ]; then
        cp "$gd_cache/json" "$scratch/$gd_name.json" 2> /dev/null
        cp "$gd_cache/xml" "$scratch/$gd_name.xml" 2> /dev/null
        cp "$gd_cache/out" "$scratch/$gd_name.out"
        status=$(cat "$gd_cache/status")
    else
        "$top_builddir/grader/ttgrade" --json "$scratch/$gd_name.json" --junit "$scratch/$gd_name.xml" "$@" "$gd_dir" \
            > "$scratch/$gd_name.out" 2>&1
        status=$?
    fi
}

# graded_class: the bundled examples and a few more submissions graded as
# one class by `ttgrade batch` (no option: each in full, two at a time), once
# per `make check` for every test script that asks: batch.sh checks the
# gradebook and the class summary, grade-examples.sh each student's scores
# and grade-reports.sh their JUnit reports. The first script to ask grades,
# under a lock (tests/graded/class, emptied by every make check as graded's
# are); the others wait for it, then read the same files, never changing
# them. Without flock(1) each script grades its own in $scratch. Sets
# $class_dir, which holds:
#   subs/        the class: each folder of examples/submissions; second
#                copies of three buggy ones (wrong-matmul-2,
#                leak-sequential-2, double-free-module-2: shared mistakes);
#                reference (reference_submission: every point); blank (an
#                empty answers.txt); skeleton (student/'s lab files);
#                broken.zip (not an archive) and notes.txt (no submission)
#   out/         ttgrade batch's OUT (grades.csv, summary.txt, students/ID/...)
#   batch.out, batch.err, status, seconds: its stdout, stderr, exit status
#                and wall seconds
# Status 1 if the class could not be made.
graded_class() {
    class_dir=$top_builddir/tests/graded/class
    if command -v flock > /dev/null 2>&1 && mkdir -p "$top_builddir/tests/graded"; then
        (
            flock 8 || exit 1
            [ -f "$class_dir/status" ] || class_make "$class_dir" 8>&-
        ) 8> "$class_dir.lock"
        [ -f "$class_dir/status" ] && return 0
    fi
    class_dir=$scratch/class
    class_make "$class_dir" && [ -f "$class_dir/status" ]
}
# class_make DIR: graded_class's folder made and graded in DIR.
class_make() {
    cm_ex=$top_srcdir/examples/submissions
    rm -rf "$1" && mkdir -p "$1/subs" "$1/tmp" && chmod 711 "$1" "$1/tmp" || return 1
    for cm_d in "$cm_ex"/*/; do cp -R "$cm_d" "$1/subs/$(basename "$cm_d")" || return 1; done
    for cm_d in wrong-matmul leak-sequential double-free-module; do cp -R "$cm_ex/$cm_d" "$1/subs/$cm_d-2" || return 1; done
    mkdir -p "$1/subs/blank" "$1/subs/skeleton" && : > "$1/subs/blank/answers.txt" &&
        cp "$top_srcdir"/student/*.c "$1/subs/skeleton/" || return 1
    reference_submission "$top_srcdir" "$top_builddir" "$1/subs/reference" || return 1
    chmod -R u+w "$1/subs" # make distcheck's source tree is read-only
    echo "not a zip" > "$1/subs/broken.zip" && echo "notes" > "$1/subs/notes.txt" || return 1
    cm_t0=$(date +%s)
    # (TMPDIR: the scratch dirs of every ttgrade run stay in the class's folder.)
    TMPDIR="$1/tmp" "$top_builddir/grader/ttgrade" batch --out "$1/out" "$1/subs" > "$1/batch.out" 2> "$1/batch.err"
    cm_status=$?
    echo $(( $(date +%s) - cm_t0 )) > "$1/seconds"
    echo "$cm_status" > "$1/status"
}
# class_report NAME ID: student ID of graded_class's class, as graded leaves
# a grading: $scratch/NAME.json, NAME.xml (JUnit), NAME.out (the terminal
# report), NAME.gs.json (Gradescope's), and $status (ttgrade's exit status,
# from the student's batch.json). Call graded_class first.
class_report() {
    cr_d=$class_dir/out/students/$2
    cp "$cr_d/report.json" "$scratch/$1.json" 2> /dev/null
    cp "$cr_d/junit.xml" "$scratch/$1.xml" 2> /dev/null
    cp "$cr_d/results.json" "$scratch/$1.gs.json" 2> /dev/null
    cp "$cr_d/report.txt" "$scratch/$1.out" 2> /dev/null || echo "no report of $2 in $class_dir/out" > "$scratch/$1.out"
    status=$(jq -r '.exit_status // "none"' "$cr_d/batch.json" 2> /dev/null) || status=none
}

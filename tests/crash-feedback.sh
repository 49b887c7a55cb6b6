#!/bin/sh
# crash-feedback.sh - a hidden test that crashes names its signal, and (rerun
# alone under Valgrind) the kind of memory error and the line of the
# student's file; the verdict stays what it was. Memory findings name the
# student's line with the driver's line as context, and a finding repeated
# in a scenario is one line with its count. The bugs are planted in copies
# of the reference with sed, and each expected line number is found by
# grepping the planted line, never typed.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"

# plant NAME FILE SED-SCRIPT: a copy of the reference in $scratch/NAME with
# FILE edited; fails the check if the edit changed nothing.
plant() {
    copy_reference "$scratch/$1"
    ref=$top_srcdir/$(lab_file reference "${2%.c}")
    sed -e "$3" "$ref" > "$scratch/$1/$2"
    if cmp -s "$ref" "$scratch/$1/$2"; then
        not_ok "$1: the bug is planted in $2"
        return 1
    fi
}
# line_of NAME FILE TEXT: the number of the first line of the planted file
# that contains TEXT.
line_of() { grep -n -F "$3" "$scratch/$1/$2" | head -n 1 | cut -d: -f1; }
# grade NAME LAB [OPTIONS...]: grade $scratch/NAME, lab LAB only, into NAME.json.
grade() {
    name=$1 lab=$2; shift 2
    "$ttgrade" --quiet --no-questions --no-perf --lab "$lab" --json "$scratch/$name.json" "$@" "$scratch/${name%%.*}" \
        > "$scratch/$name.out" 2>&1
    status=$?
}
# out NAME TEST: that test's output in NAME.json.
out() { jq -r --arg t "$2" '.labs[].tests[] | select(.name == $t) | .output' "$scratch/$1.json"; }
# check DESCRIPTION TEXT REGEX: TEXT matches the (extended) REGEX.
check() {
    if printf '%s\n' "$2" | grep -E -q -e "$3"; then ok "$1"; else not_ok "$1" "want: $3" "got: $2"; fi
}

# 1. A missing NULL check: tt_flatten(NULL, 0) reads through NULL (SIGSEGV).
if plant nullcheck flatten.c 's/if (x == NULL || x->ndim == 0) {/if (x->ndim == 0) {/'; then
    line=$(line_of nullcheck flatten.c 'if (x->ndim == 0) {')
    grade nullcheck flatten
    got=$(out nullcheck null_and_0d_are_einval)
    check "missing NULL check: the crash names its signal" "$got" '^the test crashed: killed by SIGSEGV'
    if [ -n "${VALGRIND:-}" ]; then
        check "missing NULL check: the crash names the kind and flatten.c:$line" "$got" \
            "killed by SIGSEGV \\([^)]*\\): invalid read of size [0-9]+ at flatten\\.c:$line in tt_flatten"
        mem=$(jq -r '.labs[].memory[] | select(.name == "error_paths") | .output' "$scratch/nullcheck.json")
        check "missing NULL check: the memory check names flatten.c:$line, then the driver's line" "$mem" \
            "at flatten\\.c:$line in tt_flatten, called from mem_flatten\\.c:[0-9]+ in "
    fi
fi

# 2. A double free in tt_flatten: glibc aborts (SIGABRT) in every test that
# flattens; Valgrind names the double free and its line.
if plant doublefree flatten.c 's|^    return tt_tensor_from(keep + 1, shape, x->data);|    tt_tensor *y = tt_tensor_from(keep + 1, shape, x->data);\
    void *data = y != NULL ? y->data : NULL;\
    free(data);\
    free(data); /* planted */\
    return y;|'; then
    line=$(line_of doublefree flatten.c 'free(data); /* planted */')
    grade doublefree flatten
    got=$(out doublefree start_dim_1_merges_the_rest)
    check "double free: the crash names its signal" "$got" '^the test crashed: killed by SIGABRT'
    reruns=$(sed -n 's/^#define TG_CRASH_RERUNS \([0-9][0-9]*\).*/\1/p' "$top_srcdir/grader/crash.h")
    crashed=$(jq '[.labs[].tests[] | select(.output | startswith("the test crashed"))] | length' "$scratch/doublefree.json")
    if [ -n "${VALGRIND:-}" ]; then
        check "double free: the crash names the kind and flatten.c:$line" "$got" \
            "killed by SIGABRT \\([^)]*\\): double free\\(\\) at flatten\\.c:$line in tt_flatten; .*free'd at flatten\\.c:$((line - 1)) in tt_flatten"
        seen=$(jq '[.labs[].tests[] | select(.output | test("seen by Valgrind"))] | length' "$scratch/doublefree.json")
        if [ "$crashed" -gt "$reruns" ] && [ "$seen" -eq "$reruns" ]; then
            ok "double free: only the first $reruns of $crashed crashed tests are rerun under Valgrind"
        else
            not_ok "double free: only the first $reruns of $crashed crashed tests are rerun under Valgrind" "rerun: $seen"
        fi
    fi
    # Without Valgrind: the same verdicts, the signal only.
    grade doublefree.novg flatten --no-memcheck
    a=$(jq -c '[.labs[].tests[] | [.name, .status, .score]]' "$scratch/doublefree.json")
    b=$(jq -c '[.labs[].tests[] | [.name, .status, .score]]' "$scratch/doublefree.novg.json")
    if [ -n "$a" ] && [ "$a" = "$b" ]; then
        ok "double free: the verdicts do not depend on the rerun under Valgrind"
    else
        not_ok "double free: the verdicts do not depend on the rerun under Valgrind" "$a" "$b"
    fi
    check "double free: without Valgrind, the signal alone" "$(out doublefree.novg start_dim_1_merges_the_rest)" \
        '^the test crashed: killed by SIGABRT \([^)]*\)$'
fi

# 3. A division by zero (SIGFPE): no memory error, so the message says
# where the signal struck in flatten.c.
if [ -n "${VALGRIND:-}" ] &&
   plant divzero flatten.c 's|^    shape\[keep\] = merged;|    shape[keep] = merged / (size_t)(start - (long)keep); /* planted */|'; then
    line=$(line_of divzero flatten.c '/* planted */')
    grade divzero flatten
    check "division by zero: the crash names SIGFPE and flatten.c:$line" "$(out divzero start_dim_1_merges_the_rest)" \
        "^the test crashed: killed by SIGFPE \\([^)]*\\) at flatten\\.c:$line in tt_flatten"
fi

# 4. Parameter names never freed: one leak per parameter, from one line of
# the student's, collapsed into one finding with its count.
if [ -n "${VALGRIND:-}" ] &&
   plant leak module.c 's|^        free(m->params\[i\].name);|        (void)0; /* planted: the name is never freed */|'; then
    grade leak module
    line=$(awk '/^static char \*copy_name/ { f = 1 } f && /malloc\(/ { print NR; exit }' "$scratch/leak/module.c")
    mem=$(jq -r '.labs[].memory[] | .output' "$scratch/leak.json")
    check "names never freed: the leak names module.c:$line in copy_name, with the driver's line" "$mem" \
        "definitely lost, allocated at module\\.c:$line in copy_name, called from mem_module\\.c:[0-9]+ in "
    check "names never freed: a repeated leak is one line with its count" "$mem" \
        "allocated at module\\.c:$line in copy_name, called from [^ ]+ in [a-z_]+ \\([2-9][0-9]* times\\)"
fi
done_testing

#!/bin/sh
# memcheck-leaks.sh - a leak is charged to the scenario that made it, and its
# feedback gives the bytes that scenario added (grader/memxml.c reads them
# from Valgrind's added-leak check, memcheck/scenario.c), in every lab's
# memory driver. The leaky variants of the reference are made here, with sed,
# by calling an injected ttleak() first thing in one function of each lab:
#   once   its first call loses 4321 bytes, later calls nothing: exactly one
#          scenario fails, with those 4321 bytes;
#   twice  its first call allocates blocks of 8, 16, 32, ... bytes at one
#          place (one Valgrind loss record) and keeps them; call 2^k drops
#          block k (so the drops spread over the scenarios however many calls
#          each makes): every scenario that drops some fails with its own
#          blocks only, so the bytes reported, divided by 8, are disjoint sets
#          of bits whose union is every block dropped, and the place is the
#          same.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
[ -n "${VALGRIND:-}" ] || skip_all "valgrind not found (apt-get install valgrind)"

# The function of each lab that calls ttleak(): its first line, as a sed
# address. Each is called in several scenarios of its lab's driver.
leak_fn() {
    case $1 in
    matmul) echo '^tt_tensor \*tt_matmul(' ;;
    module) echo '^size_t tt_module_num_parameters(' ;;
    linear) echo '^tt_module \*tt_linear_new(' ;;
    sequential) echo '^tt_module \*tt_sequential_new(' ;;
    flatten) echo '^tt_tensor \*tt_flatten(' ;;
    esac
}
# The labs of labs/manifest this test knows a function to leak in.
LABS=$(for lab in $(lab_names); do [ -z "$(leak_fn "$lab")" ] || echo "$lab"; done)
NBLOCKS=12 # twice: blocks of 8 << 0 .. 8 << 11 bytes

cat > "$scratch/once.c" << 'EOF'
/* injected by tests/memcheck-leaks.sh: the first call loses 4321 bytes */
static unsigned ttleak_calls;
static void ttleak(void)
{
    if (ttleak_calls++ == 0) {
        char *volatile lost = malloc(4321);
        (void)lost;
    }
}
EOF
# volatile: the compiler must keep the stores to this write-only array, and
# must not unroll the loop (every block comes from one call instruction: one
# allocation stack, one loss record).
cat > "$scratch/twice.c" << EOF
/* injected by tests/memcheck-leaks.sh: blocks allocated at one place, block k dropped by call 2^k */
static void *volatile ttleak_keep[$NBLOCKS];
static volatile unsigned ttleak_n = $NBLOCKS;
static unsigned ttleak_calls;
static void ttleak(void)
{
    unsigned n = ttleak_calls++;
    if (n == 0)
        for (unsigned i = 0; i < ttleak_n; i++)
            ttleak_keep[i] = malloc((size_t)8 << i);
    else if ((n & (n - 1)) == 0) { /* call 2^k drops block k */
        unsigned k = 0;
        while ((1u << k) < n)
            k++;
        if (k < ttleak_n)
            ttleak_keep[k] = NULL;
    }
}
EOF

for variant in once twice; do
    mkdir -p "$scratch/$variant"
    for lab in $LABS; do
        sed -e "/^#include \"tinytorch.h\"/r $scratch/$variant.c" \
            -e "/$(leak_fn "$lab")/,/^{/ s/^{\$/{ ttleak();/" \
            "$top_srcdir/$(lab_file reference "$lab")" > "$scratch/$variant/$lab.c"
        if [ "$(grep -c 'ttleak();' "$scratch/$variant/$lab.c")" != 1 ] || ! grep -q 'static void ttleak' "$scratch/$variant/$lab.c"; then
            not_ok "$variant: ttleak() injected into $(lab_file reference "$lab")" "$(leak_fn "$lab") not found"
        fi
    done
    "$ttgrade" --memcheck-only --json "$scratch/$variant.json" "$scratch/$variant" > "$scratch/$variant.out" 2>&1
done

# memory LAB JSON: "name<TAB>status<TAB>first line of the output" per scenario.
memory() {
    jq -r --arg lab "$1" '.labs[] | select(.name == $lab) | .memory[]
                          | "\(.name)\t\(.status)\t\(.output | split("\n")[0])"' "$2"
}

for lab in $LABS; do
    # once: one failing scenario, with the 4321 bytes it lost; the ones after
    # it, which call the same function and lose nothing, pass.
    memory "$lab" "$scratch/once.json" > "$scratch/once.$lab"
    failed=$(awk -F '\t' '$2 == "failed"' "$scratch/once.$lab")
    passed=$(awk -F '\t' '$2 == "passed"' "$scratch/once.$lab" | wc -l)
    total=$(wc -l < "$scratch/once.$lab")
    if [ "$(printf '%s\n' "$failed" | grep -c .)" = 1 ] && [ "$passed" = $((total - 1)) ] && [ "$total" -ge 2 ] \
       && printf '%s\n' "$failed" | grep -q "	4321 bytes definitely lost, allocated at $lab\.c:[0-9]"; then
        ok "$lab: a leak in one scenario fails that scenario only, with its 4321 bytes ($((total - 1)) others pass)"
    else
        not_ok "$lab: a leak in one scenario fails that scenario only, with its 4321 bytes" \
            "$(cat "$scratch/once.$lab")" "$(tail -n 3 "$scratch/once.out")"
    fi

    # twice: the same loss record grows in two or more scenarios; each is
    # charged its own blocks.
    memory "$lab" "$scratch/twice.json" > "$scratch/twice.$lab"
    awk -F '\t' '$2 == "failed" { print $3 }' "$scratch/twice.$lab" > "$scratch/twice.$lab.failed"
    n=0 union=0 bad= places=
    while IFS= read -r line; do
        n=$((n + 1))
        bytes=$(printf '%s\n' "$line" | sed -n 's/^\([0-9]*\) bytes definitely lost.*/\1/p')
        blocks=$(printf '%s\n' "$line" | sed -n 's/^[0-9]* bytes definitely lost (in \([0-9]*\) blocks).*/\1/p')
        place=$(printf '%s\n' "$line" | sed -n "s/.*, allocated at \($lab\.c:[0-9]*\).*/\1/p")
        places="$places$place
"
        if [ -z "$bytes" ] || [ -z "$place" ] || [ $((bytes % 8)) != 0 ]; then bad="$bad; not a leak of whole blocks: $line"; continue; fi
        mask=$((bytes / 8)) bits=0 m=$((bytes / 8))
        while [ "$m" -gt 0 ]; do bits=$((bits + (m & 1))); m=$((m >> 1)); done
        [ "$bits" = "${blocks:-1}" ] || bad="$bad; $bytes bytes are not ${blocks:-1} of the blocks: $line"
        [ $((union & mask)) = 0 ] || bad="$bad; blocks charged to an earlier scenario again: $line"
        union=$((union | mask))
    done < "$scratch/twice.$lab.failed"
    [ $((union & (union + 1))) = 0 ] || bad="$bad; a dropped block was charged to no scenario (bits $union)"
    [ "$(printf '%s' "$places" | sort -u | grep -c .)" = 1 ] || bad="$bad; not one place: $(printf '%s' "$places" | sort -u | tr '\n' ' ')"
    if [ "$n" -ge 2 ] && [ -z "$bad" ]; then
        ok "$lab: one allocation site leaking in $n scenarios fails each, with only the bytes it added"
    else
        not_ok "$lab: one allocation site leaking in two or more scenarios fails each, with only the bytes it added" \
            "failing scenarios: $n$bad" "$(cat "$scratch/twice.$lab")" "$(tail -n 3 "$scratch/twice.out")"
    fi
done
done_testing

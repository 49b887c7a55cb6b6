#!/bin/sh
# gen-student-errors.sh - the generator turns a marked file into the expected
# skeleton, and refuses malformed markers with the file and line.
. "$top_srcdir/tests/lib.sh"
gen="$top_srcdir/tools/gen-student"

cat > "$scratch/good.c" <<'IN'
/* BEGIN SOLUTION */
static int helper(void) { return 1; }
/* END SOLUTION */
int f(int x)
{
    /* TODO: return x + 1 */
    /* BEGIN SOLUTION */
    return x + helper();
    /* END SOLUTION */
    /* STUB: (void)x; */
    /* STUB: return -1; */
}
IN
cat > "$scratch/want.c" <<'IN'
int f(int x)
{
    /* TODO: return x + 1 */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)x;
    return -1;
}
IN
if "$gen" "$scratch/good.c" > "$scratch/got.c" 2> "$scratch/err" && diff -u "$scratch/want.c" "$scratch/got.c" > "$scratch/diff"; then
    ok "a well-formed file gives the expected skeleton"
else
    not_ok "a well-formed file gives the expected skeleton" "$(cat "$scratch/err" "$scratch/diff" 2>/dev/null)"
fi

# refuse NAME LINE: the generator must fail on $scratch/NAME.c and name its line.
refuse() {
    if "$gen" "$scratch/$1.c" > /dev/null 2> "$scratch/err"; then
        not_ok "refuses $1" "the generator accepted it"
    elif grep -q "$1.c:$2:" "$scratch/err"; then
        ok "refuses $1, naming line $2"
    else
        not_ok "refuses $1, naming line $2" "$(cat "$scratch/err")"
    fi
}
printf 'a\n/* BEGIN SOLUTION */\nb\n' > "$scratch/unclosed.c"
refuse unclosed 2
printf 'a\n/* END SOLUTION */\n' > "$scratch/stray-end.c"
refuse stray-end 2
printf '/* BEGIN SOLUTION */\n/* BEGIN SOLUTION */\n/* END SOLUTION */\n' > "$scratch/nested.c"
refuse nested 2
printf '/* BEGIN SOLUTION */\n/* END SOLUTION */\nx;\n/* STUB: y; */\n' > "$scratch/lost-stub.c"
refuse lost-stub 4
printf '/* BEGIN SOLUTION*/\n' > "$scratch/malformed.c"
refuse malformed 1
done_testing

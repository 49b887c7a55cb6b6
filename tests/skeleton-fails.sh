#!/bin/sh
# skeleton-fails.sh - the generated skeleton builds, and every public lab test
# fails on it with "not implemented": no test passes, none crashes or hangs.
. "$top_srcdir/tests/lib.sh"
prog="$top_builddir/tests/public/student_tests"

[ -x "$prog" ] || { not_ok "the skeleton's test program exists" "$prog is missing"; done_testing; }
"$prog" --tap="$scratch/tap" > "$scratch/out" 2>&1
echo >> "$scratch/tap"
# One verdict per public test, from Criterion's TAP: a "not ok" whose failure
# text says "not implemented" is what we want; a pass, a crash ("unexpected
# signal"), a timeout or any other failure is not.
$AWK '
function verdict() {
    if (name == "") return
    if (status == "pass") printf "not ok %s passes on the skeleton\n", name
    else if (why != "") printf "not ok %s %s\n", name, why
    else if (notimpl) printf "ok %s fails with \"not implemented\"\n", name
    else printf "not ok %s fails, but not with \"not implemented\"\n", name
    name = ""
}
/^ok - / { verdict(); name = $3; status = "pass"; next }
/^not ok - / {
    verdict(); name = $4; status = "fail"; notimpl = 0; why = ""
    if ($0 ~ /unexpected signal/) why = "CRASHED on the skeleton"
    else if ($0 ~ /timed out/) why = "timed out on the skeleton"
    next
}
/not implemented/ { notimpl = 1 }
END { verdict() }
' "$scratch/tap" > "$scratch/verdicts"
total=0
while read -r word rest; do
    total=$((total + 1))
    case "$word $rest" in
        "ok "*) ok "${rest}" ;;
        *) not_ok "${rest#ok }" ;;
    esac
done < "$scratch/verdicts"
if [ "$total" -eq 0 ]; then
    not_ok "the skeleton's test program reported tests" "$(head -n 20 "$scratch/out")"
fi
done_testing

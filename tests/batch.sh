#!/bin/sh
# batch.sh - `ttgrade batch`: the bundled examples, graded as one class, give
# the gradebook their READMEs state (plus a failed row for a bad archive);
# every student gets their reports; an interrupted batch (SIGINT, then
# SIGKILL) resumes to the same gradebook; GNU parallel's per-submission
# recipe (doc/distribution.md), run on this host only (--sshlogin :), merges
# to the same rows.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
# Scratch dirs of every ttgrade run stay in our scratch folder.
TMPDIR=$scratch; export TMPDIR
examples="$top_srcdir/examples/submissions"

# --- the class (tests/lib.sh, graded_class: graded once per make check and
# read by grade-examples.sh and grade-reports.sh too): every example, the
# reference, a blank submission (an empty answers.txt), the unmodified
# skeleton, second copies of three buggy examples (so that their mistakes
# are shared), a bad archive and a file that is not a submission
graded_class || { not_ok "the class is made and graded (tests/lib.sh: graded_class)"; done_testing; }
class=$class_dir/subs

# The expected gradebook, from the READMEs (what each example fails, scored
# with the rubric: tests/lib.sh): id, status, total, max and each lab's score
# (columns 1-4, then 5, 7, ...: two per lab, in labs/manifest's order); the
# memory and question columns are checked for form only.
labs=$(lab_names | tr '\n' ' ') n_labs=$(lab_count)
zeros=$($AWK -v n="$n_labs" 'BEGIN { for (i = 0; i < n; i++) printf ",0" }')
for dir in "$class"/*/; do
    [ -f "$dir/README.md" ] || continue
    example_expect scores "$dir/README.md" | $AWK -v id="$(basename "$dir")" -v labs="$labs" '
        { lab = $1; sub(/:$/, "", lab); split($2, s, "/"); got[lab] = s[1]; t += s[1]; m += s[2] }
        END { printf "%s,graded,%g,%g", id, t, m; n = split(labs, l, " "); for (i = 1; i <= n; i++) printf ",%s", got[l[i]]; print "" }'
done > "$scratch/want.rows"
# The blank one and the skeleton score nothing, out of the same maximum;
# the reference scores every point.
max=$($AWK -F, 'NR == 1 { print $4 }' "$scratch/want.rows")
echo "blank,graded,0,$max$zeros" >> "$scratch/want.rows"
echo "skeleton,graded,0,$max$zeros" >> "$scratch/want.rows"
rubric_items | $AWK -v labs="$labs" -v max="$max" '{ m[$1] += $3 }
    END { printf "reference,graded,%g,%g", max, max; n = split(labs, l, " "); for (i = 1; i <= n; i++) printf ",%g", m[l[i]]; print "" }' \
    >> "$scratch/want.rows"
$AWK -v n="$n_labs" 'BEGIN { printf "broken,failed,,"; for (i = 0; i < n; i++) printf ","; print "" }' >> "$scratch/want.rows"
LC_ALL=C sort "$scratch/want.rows" > "$scratch/want.csv"
project() { $AWK -F, -v n="$n_labs" 'NR > 1 { printf "%s,%s,%s,%s", $1, $2, $3, $4; for (i = 0; i < n; i++) printf ",%s", $(5 + 2 * i); print "" }' "$1"; }

# A copy of OUT (the batch runs again on it below) and of its stdout and stderr.
out="$scratch/out"
cp -R "$class_dir/out" "$out" && cp "$class_dir/batch.out" "$class_dir/batch.err" "$scratch/" || exit 99
status=$(cat "$class_dir/status") took=$(cat "$class_dir/seconds")
project "$out/grades.csv" > "$scratch/got.csv"
if [ "$status" -eq 1 ] && diff "$scratch/want.csv" "$scratch/got.csv" > "$scratch/diff"; then
    ok "the examples' gradebook is what their READMEs state (the reference: every point), plus a failed row (exit 1, $took s)"
else
    not_ok "the examples' gradebook is what their READMEs state, plus a failed row" "exit $status" \
        "$(cat "$scratch/diff")" "$(tail -n 5 "$scratch/batch.err")"
fi
header="id,status,total,max,$(lab_names | $AWK '{ printf "%s,%s_memory,", $1, $1 }')questions,matmul_extra_credit,reason,sandbox"
if head -n 1 "$out/grades.csv" | grep -qx -- "$header" \
   && $AWK -F, -v q=$((5 + 2 * n_labs)) 'NR > 1 && $2 == "graded" { for (i = 6; i <= q; i++) if ((i % 2 == 0 || i == q) && $i !~ /^([0-9.]+)?$/) bad = 1 }
                END { exit bad }' "$out/grades.csv"; then
    ok "grades.csv: its header, and memory and question cells that are numbers or empty"
else
    not_ok "grades.csv: its header, and memory and question cells that are numbers or empty" "$(cat "$out/grades.csv")"
fi
if grep -q '^broken,failed,.*not a folder, a .tar.gz/.tgz or a .zip archive' "$out/grades.csv" \
   && grep -q 'skipping notes.txt' "$scratch/batch.err"; then
    ok "a bad archive is a failed row with its reason; a stray file is skipped with a warning"
else
    not_ok "a bad archive is a failed row with its reason; a stray file is skipped with a warning" \
        "$(grep broken "$out/grades.csv")" "$(cat "$scratch/batch.err")"
fi

missing=""
for dir in "$examples"/*/; do
    id=$(basename "$dir")
    for f in report.json results.json junit.xml report.txt batch.json; do
        [ -s "$out/students/$id/$f" ] || missing="$missing $id/$f"
    done
    jq -e '.tests | length > 0' "$out/students/$id/results.json" > /dev/null 2>&1 || missing="$missing $id/results.json(tests)"
    if command -v xmllint > /dev/null 2>&1; then
        xmllint --noout "$out/students/$id/junit.xml" 2> /dev/null || missing="$missing $id/junit.xml(xml)"
    fi
done
if [ -z "$missing" ]; then
    ok "every student has report.json, results.json, junit.xml, report.txt and batch.json"
else
    not_ok "every student has report.json, results.json, junit.xml, report.txt and batch.json" "missing or bad:$missing"
fi
if grep -q 'Scores, as a percentage' "$scratch/batch.out" && grep -q 'Pass rate of each graded item' "$scratch/batch.out" \
   && cmp -s "$scratch/batch.out" "$out/summary.txt" \
   && grep -q '<svg' "$out/summary.html" && grep -q '</html>' "$out/summary.html" \
   && ! grep -qiE '<link|<img|src=|href="[^#]|url\(' "$out/summary.html"; then
    ok "the class summary is printed, saved as text, and as HTML with inline SVG and script, and no external asset"
else
    not_ok "the class summary is printed, saved as text, and as HTML with inline SVG and no external asset" \
        "$(head -n 20 "$scratch/batch.out")"
fi
# --- the class summary, checked against the students' own reports
sum="$out/summary.txt"; html="$out/summary.html"
# The report.json of each graded student (a failed row may have one too).
$AWK -F, -v d="$out/students" 'NR > 1 && $2 == "graded" { print d "/" $1 "/report.json" }' "$out/grades.csv" > "$scratch/graded"
graded=$(wc -l < "$scratch/graded")
if "$top_builddir/tests/mistake-keys" > "$scratch/keys.tap" 2>&1; then
    ok "mistake keys: $(grep -c '^ok' "$scratch/keys.tap") unit checks of the message normaliser pass"
else
    not_ok "mistake keys: the message normaliser's unit checks" "$(grep -A2 '^not ok' "$scratch/keys.tap")"
fi
# The histogram's bins: half-open, contiguous from 0 to 100, the same in both.
grep -oE '^  \[[0-9]+,[0-9]+[])]' "$sum" | tr -d ' ' > "$scratch/bins.txt"
grep -oE '>\[[0-9]+,[0-9]+[])]%</text>' "$html" | sed 's/^>//; s/%<\/text>$//' > "$scratch/bins.html"
if [ "$(wc -l < "$scratch/bins.txt")" -ge 2 ] && cmp -s "$scratch/bins.txt" "$scratch/bins.html" \
   && $AWK -F'[][(),]' 'NR == 1 && $2 != 0 { bad = 1 } NR > 1 && $2 != hi { bad = 1 }
                         { hi = $3; last = $0 } $0 ~ /\)$/ && /100/ { bad = 1 }
                         END { exit bad || last !~ /,100\]$/ }' "$scratch/bins.txt"; then
    ok "histogram bins [0,10) ... [90,100]: half-open, contiguous, the same in summary.txt and summary.html"
else
    not_ok "histogram bins: half-open, contiguous, the same in text and HTML" "$(paste "$scratch/bins.txt" "$scratch/bins.html")"
fi
# Each lab's mean, median, builds that failed and attempts, from the reports:
# attempted = submitted and (did not build, or passed a test).
for f in $(cat "$scratch/graded"); do
    jq -r '.labs[] | [.name, (100 * .score / .max_score),
                      (if .status == "compile_error" or .status == "link_error" then 1 else 0 end),
                      (if .status == "compile_error" or .status == "link_error" or .status == "refused"
                          or (.status == "graded" and ([.tests[] | select(.status == "passed")] | length) > 0)
                       then 1 else 0 end)] | @tsv' "$f" 2> /dev/null
done > "$scratch/labs.tsv"
labs_bad=""
for lab in $(jq -r '.labs[].name' "$out/students/complete/report.json"); do
    want=$($AWK -F'\t' -v lab="$lab" -v n="$graded" '$1 == lab { p[++k] = $2; s += $2; nb += $3; at += $4 }
        END { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (p[j] < p[i]) { t = p[i]; p[i] = p[j]; p[j] = t }
              med = k % 2 ? p[(k + 1) / 2] : (p[k / 2] + p[k / 2 + 1]) / 2
              printf "%s %.1f%% %.1f%% %d %d/%d", lab, s / k, med, nb, at, n }' "$scratch/labs.tsv")
    got=$(grep -E "^  $lab +[0-9]" "$sum" | $AWK '{ print $1, $2, $3, $4, $5 }')
    [ "$want" = "$got" ] || labs_bad="$labs_bad want '$want' got '$got';"
    set -- $want
    grep -q "<td><a href=\"#lab-[0-9]*\">$lab</a></td><td class=\"n\">$2</td><td class=\"n\">$3</td><td class=\"n\">$4</td><td class=\"n\">$5</td>" "$html" \
        || labs_bad="$labs_bad html row of $lab;"
done
if [ -n "$(cat "$scratch/labs.tsv")" ] && [ -z "$labs_bad" ]; then
    ok "each lab's mean, median, builds that failed and attempts match the reports, in text and HTML"
else
    not_ok "each lab's mean, median, builds that failed and attempts match the reports" "$labs_bad" "$(sed -n '/^Labs/,/^$/p' "$sum")"
fi
if grep -q '^matmul: .* 1 did not build, ' "$sum" && grep -q '^sequential: .* 1 did not build, ' "$sum" \
   && grep -q 'attempted a lab when its file was submitted' "$sum"; then
    ok "no-compile counts as a lab that did not build (matmul, sequential); the rule for \"attempted\" is stated"
else
    not_ok "no-compile counts as a lab that did not build; the rule for \"attempted\" is stated" "$(grep -E '^[a-z]+: mean' "$sum")"
fi
# Items: the terminal's names, the rubric's points and descriptions, and who failed.
names_bad=""
grep -hE '^[a-z]+: memory: .*: (OK|FAIL)( \[[0-9.]+/[0-9.]+\])?$' "$out"/students/*/report.txt |
    sed -E 's/^[a-z]+: (memory: .*): (OK|FAIL)( \[[0-9.]+\/[0-9.]+\])?$/\1/' | sort -u > "$scratch/mem.names"
while read -r name; do
    grep -qF "  $name " "$sum" && grep -qF "<strong>$name</strong>" "$html" || names_bad="$names_bad [$name]"
done < "$scratch/mem.names"
if [ -s "$scratch/mem.names" ] && [ -z "$names_bad" ] && ! grep -qE 'memory: [a-z]+_[a-z_]+' "$sum"; then
    ok "memory checks are named as in report.txt ($(wc -l < "$scratch/mem.names") names: \"$(head -n 1 "$scratch/mem.names")\"), in text and HTML"
else
    not_ok "memory checks are named as in report.txt" "missing:$names_bad" "$(grep -E 'memory: [a-z]+_' "$sum" | head -n 3)"
fi
t=$(jq -r '.labs[0].tests[0] | [.name, .description, .points] | @tsv' "$out/students/complete/report.json")
tname=$(printf '%s' "$t" | cut -f1); tdesc=$(printf '%s' "$t" | cut -f2); tpts=$(printf '%s' "$t" | cut -f3)
failers=$(for f in $(cat "$scratch/graded"); do
    jq -e --arg t "$tname" '.labs[0] | (.status == "compile_error" or .status == "link_error" or .status == "refused"
            or (.status == "graded" and ([.tests[] | select(.status == "passed")] | length) > 0))
            and ([.tests[] | select(.name == $t and .status == "failed")] | length) > 0' "$f" > /dev/null \
        && basename "$(dirname "$f")"
done | sort | tr '\n' ' ')
line=$(grep -A2 -E "^  $tname +$tpts pts" "$sum" | grep 'failed:')
miss=""
for id in $failers; do case "$line" in *"$id"*) ;; *) miss="$miss $id" ;; esac; done
if [ -n "$failers" ] && [ -z "$miss" ] && grep -A1 -E "^  $tname +$tpts pts" "$sum" | grep -qF "$tdesc" \
   && grep -qF "$tdesc" "$html" && ! printf '%s' "$line" | grep -q 'complete'; then
    ok "item $tname: its points ($tpts), description and the students who attempted and failed it ($failers)"
else
    not_ok "item $tname: its points, description and the students who failed it" "want: $failers; missing:$miss" "$line"
fi
# Common mistakes: the second copies share their originals' messages.
mistakes_bad=""
for pair in "wrong-matmul, wrong-matmul-2" "leak-sequential, leak-sequential-2" "double-free-module, double-free-module-2"; do
    grep -A2 "% of students (2/$graded): " "$sum" | grep -qF "for example: $pair " || mistakes_bad="$mistakes_bad [$pair]"
done
if [ -z "$mistakes_bad" ] && grep -qE "^  [0-9]+% of students \(2/$graded\): N bytes definitely lost, allocated at sequential\.c:N in FN(, called from mem_sequential\.c:N in FN)?( \(N times\))?$" "$sum" \
   && grep -qE "^  [0-9]+% of students \(2/$graded\): tt_matmul\(\(shape\), \(shape\)\): element \[N\]: got N where N was expected$" "$sum" \
   && grep -A1 'definitely lost, allocated at sequential' "$sum" | grep -q 'labs: sequential; in: sequential: memory: ' \
   && grep -q '<h2 id="mistakes">Common mistakes</h2>' "$html" && grep -q 'N bytes definitely lost' "$html" \
   && ! grep -A2 '% of students' "$sum" | grep -qE 'example: .*(skeleton|blank)'; then
    ok "common mistakes: a leak and a wrong product shared by two students each, with their labs, tests and names; none from the skeleton"
else
    not_ok "common mistakes: shared mistakes grouped, with labs, tests and names" "missing:$mistakes_bad" "$(sed -n '/^Common mistakes/,/^Items/p' "$sum")"
fi
# Items by pass rate: lowest first, in both.
if grep -oE '<tr data-rate="[0-9.]+"><td>[a-z]+: ' "$html" | sed -E 's/.*rate="([0-9.]+)".*/\1/' > "$scratch/rates" \
   && [ "$(wc -l < "$scratch/rates")" -gt 10 ] && sort -n -c "$scratch/rates" \
   && sed -n '/^Items to re-teach/,/^$/p' "$sum" | grep -oE 'attempted: +[0-9]+%' | tr -dc '0-9\n' | sort -n -c; then
    ok "items by pass rate: $(wc -l < "$scratch/rates") items, lowest first, in HTML and text"
else
    not_ok "items by pass rate, lowest first" "$(head -n 5 "$scratch/rates")"
fi
if grep -q 'class="legend"' "$html" && for c in $(grep -oE 'fill="#[0-9a-f]{6}"/></svg>' "$html" | sort -u | cut -d'"' -f2); do
       grep -q "class=\"swatch\" style=\"background:$c\"" "$html" || exit 1; done; then
    ok "the colours of the bars are all in the legend"
else
    not_ok "the colours of the bars are all in the legend"
fi
if command -v xmllint > /dev/null 2>&1; then
    xmllint --html --noout "$html" > "$scratch/xmllint.out" 2>&1
    # libxml2's HTML parser is HTML 4: inline SVG's tags are unknown to it.
    grep -v 'Tag \(svg\|rect\|line\|text\|title\) invalid' "$scratch/xmllint.out" | grep 'error' > "$scratch/xmllint.err"
    if [ ! -s "$scratch/xmllint.err" ] && xmllint --noout "$html" 2> "$scratch/xml.err"; then
        ok "summary.html: xmllint --html finds no error (besides SVG's tags), and it is well-formed XML"
    else
        not_ok "summary.html is well-formed" "$(head -n 5 "$scratch/xmllint.err" "$scratch/xml.err")"
    fi
fi
# The page as a browser reads it: headless Chromium's DOM.
chromium=$(command -v chromium || command -v chromium-browser)
if [ -n "$chromium" ]; then
    mean=$(grep -E '^  matmul +[0-9]' "$sum" | $AWK '{ print $2 }')
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$scratch/chromium" --dump-dom "file://$html" \
        > "$scratch/dom.html" 2> "$scratch/chromium.err"
    if grep -q 'Common mistakes' "$scratch/dom.html" && grep -q 'N bytes definitely lost, allocated at sequential.c:N in FN' "$scratch/dom.html" \
       && grep -q "<a href=\"#lab-0\">matmul</a></td><td class=\"n\">$mean</td>" "$scratch/dom.html" \
       && grep -q '<td class="who">[^<]*wrong-matmul-2' "$scratch/dom.html" \
       && grep -oE '<tr data-rate="[0-9.]+"><td>[a-z]+: ' "$scratch/dom.html" | sed -E 's/.*rate="([0-9.]+)".*/\1/' | sort -n -c; then
        ok "headless Chromium: the page shows the common mistakes, matmul's mean ($mean), a failing student, items by rate"
    else
        not_ok "headless Chromium: the page shows the common mistakes, a lab's mean, a failing student" \
            "$(head -c 600 "$scratch/dom.html")" "$(tail -n 3 "$scratch/chromium.err")"
    fi
    # Sorting each lab's items by pass rate: the rates of the tables after
    # "Items by lab", in rubric order in the file (not all sorted), sorted by
    # the page's script when opened as summary.html#sort-rate.
    # lab_rates FILE: each per-lab table's rates on one line.
    lab_rates() {
        sed -n '/<h2 id="items">/,$p' "$1" | $AWK '/<table class="items">/ { if (r != "") print r; r = "-" }
            match($0, /<tr data-rate="[0-9.]+">/) { v = substr($0, RSTART + 15, RLENGTH - 17); r = r " " v }
            END { if (r != "") print r }'
    }
    sorted_rows() { $AWK '{ for (i = 3; i <= NF; i++) if ($i + 0 < $(i - 1) + 0) bad++ } END { print NR, bad + 0 }'; }
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$scratch/chromium" --dump-dom "file://$html#sort-rate" \
        > "$scratch/dom-sorted.html" 2> "$scratch/chromium-sorted.err"
    read -r n_raw unsorted_raw <<EOF_RAW
$(lab_rates "$html" | sorted_rows)
EOF_RAW
    read -r n_js unsorted_js <<EOF_JS
$(lab_rates "$scratch/dom-sorted.html" | sorted_rows)
EOF_JS
    if [ "$n_raw" -eq "$n_labs" ] && [ "$unsorted_raw" -gt 0 ] && [ "$n_js" -eq "$n_labs" ] && [ "$unsorted_js" -eq 0 ] \
       && grep -q 'id="sort-rate"' "$scratch/dom-sorted.html"; then
        ok "headless Chromium: summary.html#sort-rate sorts each of the $n_labs labs' items by pass rate ($unsorted_raw rows out of order in the file, none after)"
    else
        not_ok "headless Chromium: summary.html#sort-rate sorts each lab's items by pass rate" \
            "tables: $n_raw in the file ($unsorted_raw out of order), $n_js in the page ($unsorted_js out of order)" "$(tail -n 3 "$scratch/chromium-sorted.err")"
    fi
else
    ok "# SKIP chromium not found (apt-get install chromium)"
fi
if [ -z "$(ls -A "$out/.tmp")" ] && ! grep -q 'ETA' "$scratch/batch.err"; then
    ok "no work folder is left behind, and no progress line when stderr is not a terminal"
else
    not_ok "no work folder is left behind, and no progress line when stderr is not a terminal" "$(ls -A "$out/.tmp")"
fi

# Run again: nothing is graded again, and the gradebook is the same.
cp "$out/grades.csv" "$scratch/first.csv"
start=$(date +%s)
"$ttgrade" batch --out "$out" "$class" > "$scratch/again.out" 2>&1
if [ $(( $(date +%s) - start )) -le 3 ] && cmp -s "$scratch/first.csv" "$out/grades.csv" \
   && grep -q '(0 graded in this run' "$scratch/again.out"; then
    ok "run again, it grades nothing and writes the same gradebook"
else
    not_ok "run again, it grades nothing and writes the same gradebook" "$(head -n 3 "$scratch/again.out")"
fi
if command -v script > /dev/null 2>&1; then
    script -qec "'$ttgrade' batch --out '$out' '$class'" /dev/null > "$scratch/tty.out" 2>&1
    total=$(( $(ls -d "$class"/*/ | wc -l) + 1 ))
    if grep -q "ttgrade batch: $total/$total done, 1 failed, 0 running, ETA" "$scratch/tty.out"; then
        ok "on a terminal, a progress line shows done/total, failures and the ETA"
    else
        not_ok "on a terminal, a progress line shows done/total, failures and the ETA" "$(tr '\r' '\n' < "$scratch/tty.out" | head -n 5)"
    fi
fi

# --- an interrupted batch resumes to the same gradebook
# A smaller class of quick examples, graded one at a time.
small="$scratch/small"
mkdir -p "$small"
for ex in crash leak-sequential no-compile sample; do cp -R "$examples/$ex" "$small/"; done
chmod -R u+w "$small"
$AWK -F, 'NR == 1 || $1 ~ /^(crash|leak-sequential|no-compile|sample)$/' "$scratch/first.csv" > "$scratch/small.want"
o2="$scratch/out2"
# wait_for N PID: until o2 holds N graded students, or PID ended (60 s at most).
wait_for() {
    i=0
    while [ "$(ls "$o2/students" 2> /dev/null | wc -l)" -lt "$1" ] && kill -0 "$2" 2> /dev/null && [ $i -lt 600 ]; do
        sleep 0.1; i=$((i + 1))
    done
}
"$ttgrade" batch --jobs 1 --timeout 2 --out "$o2" "$small" > "$scratch/int1.out" 2>&1 &
pid=$!
wait_for 1 $pid
kill -INT $pid
wait $pid
s1=$?
n1=$(ls "$o2/students" | wc -l)
if [ "$s1" -eq 2 ] && [ "$n1" -ge 1 ] && [ "$n1" -lt 4 ] && [ -z "$(ls -A "$o2/.tmp")" ] \
   && [ "$(grep -c ',pending,' "$o2/grades.csv")" -eq $((4 - n1)) ]; then
    ok "Ctrl-C: exit 2, $n1 of 4 graded, the rest pending in grades.csv, no work folder left"
else
    not_ok "Ctrl-C: exit 2, some graded, the rest pending, no work folder left" "exit $s1, $n1 graded" \
        "$(cat "$scratch/int1.out")"
fi
"$ttgrade" batch --jobs 1 --timeout 2 --out "$o2" "$small" > "$scratch/int2.out" 2>&1 &
pid=$!
wait_for $((n1 + 1)) $pid
kill -KILL $pid
wait $pid 2> /dev/null
sleep 1 # the orphaned ttgrade got SIGTERM (PR_SET_PDEATHSIG) and stops
"$ttgrade" batch --jobs 1 --timeout 2 --out "$o2" "$small" > "$scratch/int3.out" 2>&1
s3=$?
if [ "$s3" -eq 0 ] && cmp -s "$scratch/small.want" "$o2/grades.csv" && [ -z "$(ls -A "$o2/.tmp")" ]; then
    ok "after Ctrl-C and then kill -9, a third run completes the same gradebook as one run (exit 0)"
else
    not_ok "after Ctrl-C and then kill -9, a third run completes the same gradebook as one run" "exit $s3" \
        "$(diff "$scratch/small.want" "$o2/grades.csv")" "$(tail -n 5 "$scratch/int3.out")"
fi
if pgrep -f "$o2/.tmp" > /dev/null 2>&1; then
    not_ok "no ttgrade of an interrupted batch is left running" "$(pgrep -af "$o2/.tmp")"
else
    ok "no ttgrade of an interrupted batch is left running"
fi

# --- names: ids trimmed as ttgrade and ttquestions trim them, hidden entries
# listed, paths in batch.json valid UTF-8, nothing to grade is an error
set -- "$top_srcdir"/labs/[0-9][0-9]-*/questions.txt
names="$scratch/names"
mkdir -p "$names/s1001 " "$names/.hidden" "$names/élève"
"$top_builddir/grader/ttquestions" --key --student-id s1001 -o "$names/s1001 /answers.txt" "$@" 2> /dev/null
cp "$names/s1001 /answers.txt" "$names/.hidden/"
cp "$names/s1001 /answers.txt" "$names/élève/"
o4="$scratch/out4"
"$ttgrade" batch --student-ids --timeout 2 --out "$o4" "$names" > "$scratch/names.out" 2> "$scratch/names.err"
status=$?
if [ "$status" -eq 1 ] && grep -q '^s1001,graded,' "$o4/grades.csv" \
   && jq -e --argjson n "$(rubric_items | $AWK '$2 ~ /^question:/ { n++ } END { print n + 0 }')" \
        '[.labs[].questions[]] | length == $n and all(.[]; .status == "passed")' "$o4/students/s1001/report.json" > /dev/null; then
    ok "batch --student-ids: the folder \"s1001 \" is student s1001, and s1001's own answers score every question"
else
    not_ok "batch --student-ids: the folder \"s1001 \" is student s1001, and s1001's own answers score every question" "exit $status" \
        "$(cat "$o4/grades.csv" "$scratch/names.err")"
fi
if grep -q '^élève,failed,.*cannot be a student id (--student-ids): a student id may hold only ASCII' "$o4/grades.csv" \
   && [ ! -e "$o4/students/élève" ]; then
    ok "batch --student-ids: a folder whose name is no id is a failed row saying why, not graded"
else
    not_ok "batch --student-ids: a folder whose name is no id is a failed row saying why" "$(cat "$o4/grades.csv")"
fi
if grep -q "skipping .hidden: its name starts with '.'" "$scratch/names.err" \
   && grep -q "^  .hidden: its name starts with '.'" "$o4/summary.txt"; then
    ok "a folder whose name starts with '.' is listed as skipped, with the reason, on stderr and in summary.txt"
else
    not_ok "a folder whose name starts with '.' is listed as skipped, with the reason" "$(cat "$scratch/names.err" "$o4/summary.txt")"
fi

latin1="$scratch/latin1"
mkdir -p "$latin1/caf$(printf '\351')"
cp "$names/s1001 /answers.txt" "$latin1/caf$(printf '\351')/"
o5="$scratch/out5"
"$ttgrade" batch --timeout 2 --out "$o5" "$latin1" > /dev/null 2> "$scratch/latin1.err"
bad=""
for f in "$o5"/students/*/*.json; do
    iconv -f UTF-8 -t UTF-8 "$f" > /dev/null 2>&1 && jq -e . "$f" > /dev/null 2>&1 || bad="$bad $f"
done
if [ -z "$bad" ] && [ "$(ls "$o5"/students/*/batch.json | wc -l)" -eq 1 ] \
   && jq -e '.submission | endswith("/caf?")' "$o5"/students/*/batch.json > /dev/null; then
    ok "a folder name that is not UTF-8: every JSON file is valid UTF-8 (iconv, jq), the byte shown as '?'"
else
    not_ok "a folder name that is not UTF-8: every JSON file is valid UTF-8" "bad:$bad" "$(cat "$o5"/students/*/batch.json "$scratch/latin1.err")"
fi

# Nothing to grade: exit 2, one line saying so, and no OUT made.
mkdir -p "$scratch/void" "$scratch/junk/.git"
echo "notes" > "$scratch/junk/notes.txt"
nothing=""
for d in void junk missing; do
    "$ttgrade" batch --out "$scratch/o-$d" "$scratch/$d" > "$scratch/$d.out" 2> "$scratch/$d.err"
    s=$?
    case $d in missing) want='cannot use the folder' ;; *) want="no submissions found in $scratch/$d" ;; esac
    if [ "$s" -ne 2 ] || [ -e "$scratch/o-$d" ] || ! grep -q "$want" "$scratch/$d.err"; then
        nothing="$nothing $d: exit $s, $(ls -d "$scratch/o-$d" 2> /dev/null), $(cat "$scratch/$d.err");"
    fi
done
if [ -z "$nothing" ]; then
    ok "an empty DIR, a DIR of nothing gradable, a missing DIR: exit 2, say why, and create no OUT"
else
    not_ok "an empty DIR, a DIR of nothing gradable, a missing DIR: exit 2, say why, and create no OUT" "$nothing"
fi

# --- GNU parallel: the per-submission command on each "host" (here: this one)
if command -v parallel > /dev/null 2>&1 && parallel --version 2> /dev/null | grep -q 'GNU parallel'; then
    o3="$scratch/out3"
    ls -d "$small"/crash "$small"/no-compile |
        parallel --will-cite --sshlogin : "$ttgrade" batch --one {} --out "$o3" --timeout 2 > "$scratch/rows.csv" 2> "$scratch/parallel.err"
    { "$ttgrade" batch --csv-header; LC_ALL=C sort "$scratch/rows.csv"; } > "$scratch/merged.csv"
    $AWK -F, 'NR == 1 || $1 ~ /^(crash|no-compile)$/' "$scratch/first.csv" > "$scratch/par.want"
    if cmp -s "$scratch/par.want" "$scratch/merged.csv"; then
        ok "parallel --sshlogin : with batch --one, rows merged with sort: the same gradebook rows"
    else
        not_ok "parallel --sshlogin : with batch --one, rows merged with sort: the same gradebook rows" \
            "$(diff "$scratch/par.want" "$scratch/merged.csv")" "$(cat "$scratch/parallel.err")"
    fi
else
    ok "# SKIP GNU parallel not found (apt-get install parallel)"
fi
done_testing

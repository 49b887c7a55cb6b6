# A folder with the right files at its top and a broken copy under student/:
# the top is graded, and the report says student/ was ignored.
mkdir -p "$OUT/student" && cp "$COMPLETE"/* "$OUT/" && echo 'this does not compile' > "$OUT/student/matmul.c"

# A plain .tar holding a broken matmul.c, then the right one appended with
# `tar rf`: the last copy is the one graded.
cp -R "$COMPLETE" student && mv student/matmul.c good.c && echo 'this does not compile' > student/matmul.c &&
tar cf "$OUT" student && cp good.c student/matmul.c && tar rf "$OUT" student/matmul.c

# student/matmul.c twice: `tar czf x.tgz student student/matmul.c`
cp -R "$COMPLETE" student && tar czf "$OUT" student student/matmul.c

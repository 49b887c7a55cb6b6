# matmul.c a hard link to matmul_backup.c, which tar stores first.
cp -R "$COMPLETE" student && ln student/matmul.c student/matmul_backup.c &&
tar czf "$OUT" student/matmul_backup.c student/matmul.c student/module.c student/linear.c student/sequential.c \
    student/flatten.c student/answers.txt

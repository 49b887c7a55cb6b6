# matmul.c a hard link to a member that is not in the archive (deleted from
# it): only matmul is refused, with the reason.
cp -R "$COMPLETE" student && ln student/matmul.c student/matmul_backup.c &&
tar cf x.tar student/matmul_backup.c student/matmul.c student/module.c student/linear.c student/sequential.c \
    student/flatten.c student/answers.txt &&
tar --delete -f x.tar student/matmul_backup.c && gzip -c x.tar > "$OUT"

# A 50 MB matmul.c among the right files: only matmul is refused, and the
# reason names the member.
cp -R "$COMPLETE" student && head -c 50000000 /dev/zero | tr '\0' ' ' > student/matmul.c && tar czf "$OUT" student

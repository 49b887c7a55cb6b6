# A .zip holding student/matmul.c twice (a broken copy first): zip will not add
# a name twice, so the right copy goes in as zz.c and is renamed with zipnote.
cp -R "$COMPLETE" student && mv student/matmul.c student/zz.c && echo 'this does not compile' > student/matmul.c &&
zip -q x.zip student/matmul.c student/module.c student/linear.c student/sequential.c student/flatten.c \
    student/answers.txt student/zz.c &&
printf '@ student/zz.c\n@=student/matmul.c\n' | zipnote -w x.zip && mv x.zip "$OUT"

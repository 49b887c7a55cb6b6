# The same in an archive of a folder: top/ has the right files, top/student/
# a broken copy.
mkdir -p top/student && cp "$COMPLETE"/* top/ && echo 'this does not compile' > top/student/matmul.c && tar czf "$OUT" top

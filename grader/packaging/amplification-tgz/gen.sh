# 134 members d000/matmul.c ... d133/matmul.c of 15 MiB of zeros each, 2 MB
# compressed (2,010 MiB unpacked). Made as concatenated gzip members (one
# tar header each, then the same compressed 15 MiB of zeros), which
# decompress as one stream: gzip-ing 2 GiB would take too long here.
head -c $((15 * 1024 * 1024)) /dev/zero | gzip -9 > zeros.gz && mkdir -p h && truncate -s 15M h/matmul.c &&
i=0 && : > "$OUT" &&
while [ $i -lt 134 ]; do
    d=$(printf 'd%03d' $i) && mkdir -p "$d" && mv h/matmul.c "$d/" &&
    { tar cf - "$d/matmul.c" 2> /dev/null | head -c 512 | gzip -1; cat zeros.gz; } >> "$OUT" &&
    mv "$d/matmul.c" h/ || exit 1
    i=$((i + 1))
done && head -c 1024 /dev/zero | gzip -1 >> "$OUT"

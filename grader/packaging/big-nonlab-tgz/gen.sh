# A 4 GiB data.bin of zeros (4 MB compressed, made as concatenated gzip
# members: a tar stream ends at its first end-of-archive blocks, so data.bin
# comes first), then the right files: refused when data.bin's header is read,
# before any of it is decompressed.
cp -R "$COMPLETE" student && truncate -s 4G data.bin &&
head -c $((64 * 1024 * 1024)) /dev/zero | gzip -1 > zeros.gz &&
{ tar cf - data.bin 2> /dev/null | head -c 512 | gzip -1
  i=0; while [ $i -lt 64 ]; do cat zeros.gz; i=$((i + 1)); done
  tar cf - student | gzip -1; } > "$OUT"

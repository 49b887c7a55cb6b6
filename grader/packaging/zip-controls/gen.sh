# A zip of a folder whose name holds a tab, a CR and a newline.
d=$(printf 'Lab\t1\r\n2x') && d=${d%x} && cp -R "$COMPLETE" "$d" && zip -q -r x.zip "$d" && mv x.zip "$OUT"

# A zip of a folder whose name starts with '-' (an option to unzip).
d='-Lab 1' && cp -R "$COMPLETE" "./$d" && zip -q -r x.zip -- "$d" && mv x.zip "$OUT"

# A zip of a folder whose name unzip would read as a pattern: [ ] * ? \
d='Lab [1] *?\x' && cp -R "$COMPLETE" "$d" && zip -q -r x.zip "$d" && mv x.zip "$OUT"

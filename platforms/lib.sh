# platforms/lib.sh - what every platform's script does the same way, sourced
# by each (Gradescope's run_autograder, PrairieLearn's run, Autolab's
# autolab-grade, the container image's entrypoint); each bundle carries a copy.

# tt_pick DIR: what to grade in the submission folder DIR: DIR itself, or,
# when DIR holds nothing but one regular file that is an archive (the
# tarball of `make submit`, a .zip of the files), that file. ttgrade unpacks
# archives itself, in its sandbox.
tt_pick() {
    only=
    for f in "$1"/* "$1"/.[!.]*; do
        [ -e "$f" ] || [ -L "$f" ] || continue
        if [ -n "$only" ]; then only=; break; fi
        only=$f
    done
    if [ -n "$only" ] && [ -f "$only" ] && [ ! -L "$only" ]; then
        case $only in
        *.tar.gz | *.tgz | *.tar | *.zip) printf '%s\n' "$only"; return ;;
        esac
    fi
    printf '%s\n' "$1"
}

# tt_ready BUNDLE: makes the bundle's programs executable (a platform may
# copy files without their modes: only the entrypoint is sure to be).
tt_ready() {
    chmod +x "$1/ttgrade" "$1/data/ttunpack" "$1/data/memcheck/ttmemhost" 2> /dev/null
    :
}

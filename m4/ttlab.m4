# ttlab.m4 - the configure checks that ttlab's own build (configure.ac) and
# the student kit (kit/configure.ac; kit/mkkit copies this file into it)
# share. Each TT_ macro is one step; the two configure.ac files call the
# steps they need, in order.
#
# Missing packages are gathered, not reported one at a time: TT_REQUIRE_*
# add to a list, and TT_REPORT_MISSING stops with all of them at once,
# naming the Debian packages and the apt-get command that installs them.

# TT_PROG_CC: a C11 compiler, ar, ranlib, awk, and the TAP driver.
AC_DEFUN([TT_PROG_CC], [
AC_REQUIRE([AC_PROG_CC])
AS_IF([test "x$ac_cv_prog_cc_c11" = xno],
      [AC_MSG_ERROR([a C11 compiler is needed: install the Debian package gcc (apt-get install gcc)])])
AM_PROG_AR
AC_PROG_RANLIB
AC_PROG_AWK
AC_REQUIRE_AUX_FILE([tap-driver.sh])
])

# TT_WARN_CFLAGS(WERROR-DEFAULT): WARN_CFLAGS, the warnings everything is
# built with; -Werror when WERROR-DEFAULT is yes and --disable-werror was not
# given, or when --enable-werror was.
AC_DEFUN([TT_WARN_CFLAGS], [
AC_ARG_ENABLE([werror],
  [AS_HELP_STRING(m4_if([$1], [yes], [--disable-werror], [--enable-werror]),
                  m4_if([$1], [yes], [do not turn compiler warnings into errors],
                                     [turn compiler warnings into errors]))],
  [], [enable_werror=$1])
WARN_CFLAGS="-std=c11 -Wall -Wextra"
AS_IF([test "x$enable_werror" = xyes], [WARN_CFLAGS="$WARN_CFLAGS -Werror"])
AC_SUBST([WARN_CFLAGS])
])

# TT_DEBUG_CFLAGS: DEBUG_CFLAGS, -gdwarf-4 when the compiler takes it.
# Valgrind 3.19 (Debian 12) cannot read DWARF 5 as clang writes it
# ("unhandled dwarf2 abbrev form code 0x25", then the run stops), so
# everything Valgrind reads -- the libraries, the memory drivers, and the
# student's objects that ttgrade compiles -- gets DWARF 4, which every
# Valgrind reads. gcc and clang both take the flag; a later plain -g keeps it.
AC_DEFUN([TT_DEBUG_CFLAGS], [
AC_MSG_CHECKING([whether $CC accepts -gdwarf-4])
tt_save_CFLAGS=$CFLAGS
CFLAGS="$CFLAGS -gdwarf-4"
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
  [DEBUG_CFLAGS=-gdwarf-4; AC_MSG_RESULT([yes])],
  [DEBUG_CFLAGS=; AC_MSG_RESULT([no])])
CFLAGS=$tt_save_CFLAGS
AC_SUBST([DEBUG_CFLAGS])
])

AC_DEFUN([_TT_MISSING_INIT], [tt_missing_pkgs= tt_missing_why=])

# TT_MISSING(DEBIAN-PACKAGE, WHAT): adds a missing package to the report.
AC_DEFUN([TT_MISSING], [
AC_REQUIRE([_TT_MISSING_INIT])
AS_CASE([" $tt_missing_pkgs "], [*" $1 "*], [],
        [tt_missing_pkgs="$tt_missing_pkgs $1"
         tt_missing_why="$tt_missing_why
  $1: $2"])
])

# TT_REQUIRE_PKG_CONFIG: pkg-config, which the TT_REQUIRE_MODULE checks use.
AC_DEFUN([TT_REQUIRE_PKG_CONFIG], [
PKG_PROG_PKG_CONFIG
AS_IF([test -z "$PKG_CONFIG"],
      [TT_MISSING([pkg-config], [pkg-config, with which configure finds the libraries])])
])

# TT_REQUIRE_MODULE(VARIABLE-PREFIX, MODULE-SPEC, DEBIAN-PACKAGE, WHAT):
# PKG_CHECK_MODULES, a miss added to the report.
AC_DEFUN([TT_REQUIRE_MODULE], [
AC_REQUIRE([TT_REQUIRE_PKG_CONFIG])
PKG_CHECK_MODULES([$1], [$2], [], [TT_MISSING([$3], [$4])])
])

# TT_REQUIRE_LIBS: the libraries the grader and the tests link with, and the
# C library's sqrt (libm) and dlopen (libdl before glibc 2.34).
AC_DEFUN([TT_REQUIRE_LIBS], [
TT_REQUIRE_MODULE([CRITERION], [criterion >= 2.3], [libcriterion-dev],
  [Criterion, the unit-test library of the public and hidden tests])
TT_REQUIRE_MODULE([CJSON], [libcjson >= 1.7], [libcjson-dev],
  [cJSON, for ttgrade's JSON reports])
TT_REQUIRE_MODULE([LIBXML2], [libxml-2.0 >= 2.9], [libxml2-dev],
  [libxml2, with which ttgrade reads Valgrind's XML reports])
TT_REQUIRE_MODULE([LIBELF], [libelf], [libelf-dev],
  [libelf, with which ttgrade reads the submission's object files])
TT_REQUIRE_MODULE([LIBARCHIVE], [libarchive >= 3.4], [libarchive-dev],
  [libarchive, with which ttgrade unpacks .tar.gz and .zip submissions])
AC_SEARCH_LIBS([sqrt], [m])
AC_SEARCH_LIBS([dlopen], [dl], [],
  [AC_MSG_ERROR([dlopen was not found (the memory checks need it)])])
])

# TT_REPORT_MISSING: stops with every missing package, if any is.
AC_DEFUN([TT_REPORT_MISSING], [
AC_REQUIRE([_TT_MISSING_INIT])
AS_IF([test -n "$tt_missing_pkgs"],
      [AC_MSG_ERROR([missing Debian packages:$tt_missing_why
install them all with: apt-get install$tt_missing_pkgs (or run ./bootstrap)])])
])

# TT_VALGRIND: TTGRADE_VALGRIND, the Valgrind ttgrade runs the memory checks
# with: empty (the memory points ungraded, with a warning here) without
# valgrind or its <valgrind/memcheck.h>. Also VALGRIND, the program alone.
AC_DEFUN([TT_VALGRIND], [
AC_PATH_PROG([VALGRIND], [valgrind], [])
AC_CHECK_HEADERS([valgrind/memcheck.h])
TTGRADE_VALGRIND=
AS_IF([test -n "$VALGRIND" && test "x$ac_cv_header_valgrind_memcheck_h" = xyes],
      [TTGRADE_VALGRIND=$VALGRIND],
      [test -z "$VALGRIND"],
      [AC_MSG_WARN([valgrind was not found: the memory checks will not run (ttgrade leaves their points ungraded); install the Debian package valgrind])],
      [AC_MSG_WARN([valgrind/memcheck.h was not found: ttgrade will leave the memory points ungraded; install the Debian package valgrind])])
AC_SUBST([TTGRADE_VALGRIND])
])

# TT_RUNTIME_TOOL(VARIABLE, PROGRAM, DEBIAN-PACKAGE, WHAT-IS-LOST): a program
# needed at run time, not to build: its absence is a warning saying what is
# lost without it.
AC_DEFUN([TT_RUNTIME_TOOL], [
AC_PATH_PROG([$1], [$2], [])
AS_IF([test -z "$$1"],
      [AC_MSG_WARN([$2 was not found: $4; install the Debian package $3])])
])

# TT_RUNTIME_TOOLS: what ttgrade runs besides the compiler and Valgrind
# (it unpacks archives itself, with libarchive).
AC_DEFUN([TT_RUNTIME_TOOLS], [
TT_RUNTIME_TOOL([BWRAP], [bwrap], [bubblewrap],
  [ttgrade confines student code without bubblewrap (no private network, filesystem or process namespace: only resource limits and, as root, a user of its own; each report says so), and --sandbox bwrap fails])
])

## student/local.mk - the generated skeletons plus the support code. Do not edit
## student/*.c here: edit reference/ and run `make student`. Built so that
## make check can prove the skeleton compiles and fails every public test with
## "not implemented".
noinst_LIBRARIES += student/libttstudent.a
student_libttstudent_a_SOURCES = $(SUPPORT_SOURCES) $(LAB_STUDENT_SOURCES)

## grader/questions.mk - the systems questions: the question banks
## (labs/NN-<lab>/questions.txt), their copies in the grader's data dir,
## ttgrade's part (grader/questions.h and the grader/q*.c files of
## grader/qbank.h, which work out every expected value from the networks'
## layers, and check those numbers against the reference library), the
## ttquestions tool, and `make questions`.
##
## It needs, in Makefile.am, `include grader/questions.mk` after
## grader/local.mk; grader/data.mk copies $(QUESTION_BANKS) into
## grader/data/questions/<lab>.txt.

# QUESTION_BANKS, one per lab, is listed by labs/labs.mk.
QUESTIONS_DATA_INPUTS = $(QUESTION_BANKS:%=$(srcdir)/%)
EXTRA_DIST += $(QUESTION_BANKS)

# The questions' part of ttgrade and ttquestions (one idea a file: qbank.h).
QUESTIONS_SOURCES = \
	grader/questions.h \
	grader/qbank.h \
	grader/points.h \
	grader/qunits.c \
	grader/qexpr.c \
	grader/qnet.c \
	grader/qvariant.c \
	grader/fnv.h \
	grader/qbank.c \
	grader/qanswers.c \
	grader/qgrade.c \
	grader/qsheet.c \
	grader/student_id.c \
	grader/student_id.h

# ttgrade grades answers.txt; the reference library builds a network the
# counting rules do not cover (grader/qnet.c), and every one in a bank check.
grader_ttgrade_SOURCES += $(QUESTIONS_SOURCES)
grader_ttgrade_LDADD += reference/libttref.a -lm

# ttquestions writes a student's answers.txt and checks the banks.
bin_PROGRAMS += grader/ttquestions
grader_ttquestions_SOURCES = \
	grader/ttquestions.c \
	$(QUESTIONS_SOURCES) \
	grader/ttgrade.h \
	grader/labs.c \
	grader/rubric.c \
	grader/text.c \
	grader/text.h
grader_ttquestions_LDADD = reference/libttref.a -lm

# make questions STUDENT_ID=s123 [ANSWERS=path] [FORCE=1]: writes the
# answers.txt of student s123 (their questions, with their numbers, and
# blanks to fill in), by default into student/answers.txt. Without STUDENT_ID,
# the course's own numbers. It never overwrites an existing file unless FORCE=1.
STUDENT_ID =
ANSWERS = $(srcdir)/student/answers.txt
FORCE =
questions: grader/ttquestions
	@sid='$(STUDENT_ID)'; force='$(FORCE)'; \
	grader/ttquestions $${sid:+--student-id "$$sid"} $${force:+--force} -o '$(ANSWERS)' \
	  $(QUESTIONS_DATA_INPUTS)
.PHONY: questions

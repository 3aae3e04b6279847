# Build facts for exercise 4.2, read by the top-level Makefile (see
# "Exercises" there). Three programs: wordfreq (yours to fix), wordfreq_orig
# (the untouched original the grader compares with) and gentext (the
# course's input generator). No library code is shared between them.
NEEDS :=
LIBS  :=
MAINS := wordfreq.c wordfreq_orig.c gentext.c

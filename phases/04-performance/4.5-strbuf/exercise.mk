# Build facts for exercise 4.5, read by the top-level Makefile (see
# "Exercises" there). The string builder stands alone.
NEEDS :=
LIBS  :=
MAINS :=

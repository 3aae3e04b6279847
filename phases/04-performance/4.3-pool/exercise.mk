# Build facts for exercise 4.3, read by the top-level Makefile (see
# "Exercises" there). The pool stands alone; threads come from -lpthread,
# which every program links.
NEEDS :=
LIBS  :=
MAINS := pool_race.c

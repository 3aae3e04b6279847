# Build facts for exercise 4.6, read by the top-level Makefile (see
# "Exercises" there). The encoder writes into your 4.5 string builder,
# taken from your 4.3 pool; cJSON and jansson are the benchmark's
# baselines, and jansson decodes the output in the tests.
NEEDS := 04-performance/4.5-strbuf 04-performance/4.3-pool
LIBS  := -lcjson -ljansson
MAINS :=

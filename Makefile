# hotpath - the one entry point. `make help` lists what it can do.
#
# Settings: give them on the command line, e.g. `make test O=0 SAN=address,undefined`
#   CC=cc          the C compiler (gcc or clang)
#   O=2            optimisation level
#   SAN=           sanitizers: address,undefined | thread | empty for none
#   IMPL=phases    whose learner-edited files to build: phases (yours) | solutions
#   V=1            print every command in full
#   WERROR=1       turn warnings into errors (make test does)
#   EX=4.5         the exercise for grade, bench, profile, hint, watch, run, load
#   LEVEL=n        which hint (make hint)
#   FORMAT=text    grade report: text | json | gradescope | junit
#   OUTPUT=file    write the grade report there instead of the terminal
#   SUBMISSION=dir grade the learner files found in dir (a submission, or a
#                  folder of submissions, one per subfolder)
#   BENCHFLAGS=    flags for the benchmark harness: '-bench Get -count 10'
#   TOOL=perf      profiler for make profile: perf | callgrind | gperftools | massif | memcheck
#   BENCH=regex    which benchmarks make profile runs
#   OLD= NEW=      two benchmark outputs for make benchstat and make plot
#   UNIT=ns/op     the column make plot compares: ns/op, B/op, allocs/op, MB/s
#   PLOT=path      make plot's output prefix (.png, .svg, .tsv)
#
# Every output goes under build/<IMPL>[-<SAN>]/, so builds of your files and
# of the solutions, with and without sanitizers, never mix.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
# No built-in rules: every rule is written below (make's own would, for
# one, happily "build" load from load.sh).
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

CC        ?= cc
O         ?= 2
SAN       ?=
IMPL      ?= phases
V         ?=
WERROR    ?=
TOOL      ?= perf
BENCH     ?= .
UNIT      ?= ns/op
PLOT      ?= $(BUILDROOT)/plots/compare
BUILDROOT ?= build

comma := ,
B := $(BUILDROOT)/$(IMPL)$(if $(SAN),-$(subst $(comma),-,$(SAN)))

# The overlay: a tree shaped like phases/ holding only learner-edited files.
# When a file exists there it is compiled instead of the one in phases/.
# IMPL=solutions uses solutions/; the grader points it at a submission.
OVERLAY ?= $(if $(filter solutions,$(IMPL)),solutions)

# -D_GNU_SOURCE: POSIX and GNU APIs (clock_gettime, open_memstream, pthreads)
# next to strict C17. -MMD -MP: a .d file per object, so editing a header
# rebuilds what includes it. -fno-omit-frame-pointer: perf, gperftools and
# flame graphs walk the stack through frame pointers. -gdwarf-4: valgrind
# 3.19 cannot read the DWARF 5 that clang 14 writes by default.
CPPFLAGS := -D_GNU_SOURCE -MMD -MP -Ibench
CFLAGS   := -std=c17 -O$(O) -g -gdwarf-4 -fno-omit-frame-pointer -Wall -Wextra \
            $(if $(WERROR),-Werror) \
            $(if $(SAN),-fsanitize=$(SAN) -fno-sanitize-recover=all)
LDFLAGS  := $(if $(SAN),-fsanitize=$(SAN))
LDLIBS   := -lpthread -lm

ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @printf '  %-6s %s\n'
endif

# The packages the course needs, from Debian's archive.
PACKAGES := gcc make pkg-config libcriterion-dev uthash-dev valgrind linux-perf \
            google-perftools libgoogle-perftools-dev libmicrohttpd-dev \
            libcjson-dev libjansson-dev zlib1g-dev wrk gnuplot-nox \
            inotify-tools prometheus curl libxml2-utils patch

# --------------------------------------------------------------------------
# Compiling. The first rule whose source exists wins: the overlay's copy of
# a learner file, then phases/, then the course's own code (bench/, tools/).
# -I$(dir) lets an overlay file include the headers next to the original.
# --------------------------------------------------------------------------

compile = $(CC) $(CPPFLAGS) $(EX_INCLUDES) $(CFLAGS) $(EX_CFLAGS) -c -o $@ $<

ifneq ($(OVERLAY),)
$(B)/%.o: $(OVERLAY)/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(compile) -Iphases/$(dir $*)
endif

$(B)/%.o: phases/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(compile)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(compile)

link = $(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

# --------------------------------------------------------------------------
# The harness and the course's tools
# --------------------------------------------------------------------------

HARNESS      := $(B)/bench/bench.o $(B)/bench/alloc_count.o
BENCH_MAIN   := $(B)/bench/bench_main.o
BENCH_LIBS   := -ljansson -ldl
TEST_LIBS    := -lcriterion

# The harness's own benchmarks (overhead, counter cost, barrier) and its
# self-test, which runs the barrier benchmarks under callgrind.
$(B)/bench/harness: $(B)/bench/harness_bench.o $(HARNESS) $(BENCH_MAIN)
	$(say) LINK $@
	$(Q)$(link) $(BENCH_LIBS)

$(B)/bench/bench_test: $(B)/bench/bench_test.o $(HARNESS) | $(B)/bench/harness
	$(say) LINK $@
	$(Q)$(link) $(BENCH_LIBS) $(TEST_LIBS)

# --------------------------------------------------------------------------
# The measurement tools: the flame-graph renderer and the comparison tool.
# Like the grader they are built once for every IMPL and SAN, optimised and
# without sanitizers (objects under $(BUILDROOT)/tools/obj, by the rule in
# the Grading section); their Criterion tests sit next to them.
# --------------------------------------------------------------------------

FLAMEGRAPH      := $(BUILDROOT)/tools/flamegraph
FLAME_OBJS      := $(BUILDROOT)/tools/obj/bench/flamegraph/flame.o \
                   $(BUILDROOT)/tools/obj/bench/flamegraph/flame_svg.o

$(FLAMEGRAPH): $(BUILDROOT)/tools/obj/bench/flamegraph/flamegraph.o $(FLAME_OBJS)
	$(say) LINK $@
	$(Q)$(CC) -o $@ $^ -lm

$(BUILDROOT)/tools/flame_test: $(BUILDROOT)/tools/obj/bench/flamegraph/flame_test.o \
		$(FLAME_OBJS)
	$(say) LINK $@
	$(Q)$(CC) -o $@ $^ -lcriterion -lm

# benchcmp: `make benchstat`. Its tests read bench/benchcmp/testdata/.
BENCHCMP       := $(BUILDROOT)/tools/benchcmp
BENCHCMP_OBJS  := $(patsubst %.c,$(BUILDROOT)/tools/obj/%.o,$(addprefix \
                  bench/benchcmp/,benchcmp.c benchfile.c report.c stats.c unit.c))
BENCHCMP_TESTS := $(patsubst %.c,$(BUILDROOT)/tools/obj/%.o,\
                  $(wildcard bench/benchcmp/*_test.c))

$(BENCHCMP_TESTS): GRADE_CFLAGS += \
	-DBENCHCMP_TESTDATA='"$(CURDIR)/bench/benchcmp/testdata"'

$(BENCHCMP): $(BUILDROOT)/tools/obj/bench/benchcmp/main.o $(BENCHCMP_OBJS)
	$(say) LINK $@
	$(Q)$(CC) -o $@ $^ -lm

$(BUILDROOT)/tools/benchcmp_test: $(BENCHCMP_TESTS) $(BENCHCMP_OBJS)
	$(say) LINK $@
	$(Q)$(CC) -o $@ $^ -lcriterion -lm

# --------------------------------------------------------------------------
# Exercises. Every folder phases/<phase>/<exercise>/ holding an exercise.mk
# is an exercise; exercise.mk sets only these variables:
#   NEEDS  earlier exercises whose learner code this one links, as
#          <phase>/<exercise> (4.6 writes into your 4.5 string builder)
#   LIBS   extra libraries, e.g. -lcjson
#   MAINS  .c files holding a main(): each becomes a program of that name
#   EXTRA_CFLAGS  flags for this exercise's own files (4.4: -fstack-usage)
# From the folder the rules below build, under $(B)/<phase>/<exercise>/:
#   test   every *_test.c with the exercise's code, Criterion and alloc_count
#   bench  every *_bench.c with the exercise's code and the harness
#   one program per MAINS entry
# --------------------------------------------------------------------------

EXERCISES := $(patsubst phases/%/exercise.mk,%,$(wildcard phases/*/*/exercise.mk))

# $(1) is the exercise, e.g. 04-performance/4.5-strbuf
define exercise_rules
NEEDS :=
LIBS :=
MAINS :=
EXTRA_CFLAGS :=
include phases/$(1)/exercise.mk
$(1)_needs := $$(NEEDS)
$(1)_libs := $$(LIBS)
$(1)_mains := $$(addprefix $(B)/$(1)/,$$(basename $$(MAINS)))
$(1)_code := $$(patsubst phases/%.c,$(B)/%.o,$$(filter-out %_test.c %_bench.c \
	$$(addprefix phases/$(1)/,$$(MAINS)),$$(wildcard phases/$(1)/*.c)))
$(1)_tests := $$(patsubst phases/%.c,$(B)/%.o,$$(wildcard phases/$(1)/*_test.c))
$(1)_benches := $$(patsubst phases/%.c,$(B)/%.o,$$(wildcard phases/$(1)/*_bench.c))
$(1)_link = $$($(1)_code) $$(foreach n,$$($(1)_needs),$$($$(n)_code))
$(1)_bins := $$(if $$($(1)_tests),$(B)/$(1)/test) \
	$$(if $$($(1)_benches),$(B)/$(1)/bench) $$($(1)_mains)

$(B)/$(1)/%.o: EX_INCLUDES := -Iphases/$(1) $$(foreach n,$$(NEEDS),-Iphases/$$(n))
$(B)/$(1)/%.o: EX_CFLAGS := $$(EXTRA_CFLAGS)

$(B)/$(1)/test: $$($(1)_tests) $$($(1)_link) $(B)/bench/alloc_count.o
	$$(say) LINK $$@
	$$(Q)$$(link) $$($(1)_libs) $(TEST_LIBS)

$(B)/$(1)/bench: $$($(1)_benches) $$($(1)_link) $(HARNESS) $(BENCH_MAIN)
	$$(say) LINK $$@
	$$(Q)$$(link) $$($(1)_libs) $(BENCH_LIBS)

$$($(1)_mains): $(B)/$(1)/%: $(B)/$(1)/%.o $$($(1)_link)
	$$(say) LINK $$@
	$$(Q)$$(link) $$($(1)_libs)
endef

$(foreach e,$(EXERCISES),$(eval $(call exercise_rules,$(e))))

# --------------------------------------------------------------------------
# Demos: every phases/<phase>/demos/*.c is a lesson program. A *_bench.c demo
# is a benchmark program (the harness supplies main); any other demo has its
# own main() and may use the harness's barriers and alloc_count.h.
# --------------------------------------------------------------------------

DEMO_SRCS  := $(wildcard phases/*/demos/*.c)
DEMO_BINS  := $(patsubst phases/%.c,$(B)/%,$(DEMO_SRCS))
DEMO_LIBS  := -lcjson -ljansson -ldl

$(filter %_bench,$(DEMO_BINS)): $(B)/%: $(B)/%.o $(HARNESS) $(BENCH_MAIN)
	$(say) LINK $@
	$(Q)$(link) $(DEMO_LIBS)

$(filter-out %_bench,$(DEMO_BINS)): $(B)/%: $(B)/%.o $(HARNESS)
	$(say) LINK $@
	$(Q)$(link) $(DEMO_LIBS)

ALL_BINS := $(foreach e,$(EXERCISES),$($(e)_bins))

# EX=4.5 names the exercise whose folder starts with "4.5-".
ex_dir = $(patsubst phases/%/exercise.mk,%,$(wildcard phases/*/$(EX)-*/exercise.mk))
need_ex = $(if $(EX),$(if $(ex_dir),,$(error no exercise "$(EX)": see make list)),$(error say which exercise: EX=4.5))

# --------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------

## all: build every exercise (yours, or IMPL=solutions) and the tools
.PHONY: all
all: $(ALL_BINS) $(DEMO_BINS) $(B)/bench/bench_test $(B)/bench/harness

## build: build one exercise: make build EX=4.5
.PHONY: build
build:
	$(need_ex)
	@$(MAKE) --no-print-directory $($(ex_dir)_bins)

## bench: run an exercise's benchmarks: make bench EX=4.5 BENCHFLAGS='-count 10'
.PHONY: bench
bench:
	$(need_ex)
	@$(MAKE) --no-print-directory $(B)/$(ex_dir)/bench
	$(B)/$(ex_dir)/bench -pkg $(ex_dir) $(BENCHFLAGS)

# --------------------------------------------------------------------------
# Grading (tools/grade). The grader is built once, without sanitizers, and
# drives everything else through `make build` so there is one set of rules.
# --------------------------------------------------------------------------

FORMAT     ?= text
OUTPUT     ?=
SUBMISSION ?=
LEVEL      ?=
JOBS       ?=
GRADE      := $(BUILDROOT)/tools/grade
GRADE_SRCS := $(wildcard tools/grade/*.c)
GRADE_OBJS := $(patsubst %.c,$(BUILDROOT)/tools/obj/%.o,$(GRADE_SRCS))
# The grader's own unit tests (Criterion), kept out of GRADE_SRCS in
# tools/grade/tests/ and linked with every grader object but main.o.
GRADE_TEST      := $(BUILDROOT)/tools/grade_test
GRADE_TEST_OBJS := $(patsubst %.c,$(BUILDROOT)/tools/obj/%.o,\
	$(wildcard tools/grade/tests/*_test.c))
# To check the grader itself: GRADE_CFLAGS='-O1 -g -fsanitize=address,undefined'
# GRADE_LDFLAGS=-fsanitize=address,undefined BUILDROOT=build/grade-asan
GRADE_CFLAGS  ?= -O2 -g -gdwarf-4
GRADE_LDFLAGS ?=

$(BUILDROOT)/tools/obj/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) -D_GNU_SOURCE -MMD -MP -std=c17 $(GRADE_CFLAGS) -Wall -Wextra \
		$(if $(WERROR),-Werror) -Itools/grade -c -o $@ $<

$(GRADE): $(GRADE_OBJS)
	$(say) LINK $@
	$(Q)$(CC) $(GRADE_LDFLAGS) -o $@ $^ -ljansson -lm

$(GRADE_TEST): $(GRADE_TEST_OBJS) $(filter-out %/main.o,$(GRADE_OBJS))
	$(say) LINK $@
	$(Q)$(CC) $(GRADE_LDFLAGS) -o $@ $^ -lcriterion -ljansson -lm

.PHONY: tools
tools: $(GRADE) $(GRADE_TEST) $(FLAMEGRAPH) $(BUILDROOT)/tools/flame_test \
	$(BENCHCMP) $(BUILDROOT)/tools/benchcmp_test

grade_flags = $(if $(EX),--ex $(EX)) --impl $(IMPL) --format $(FORMAT) \
	$(if $(OUTPUT),--output $(OUTPUT)) $(if $(SUBMISSION),--submission $(SUBMISSION)) \
	--buildroot $(BUILDROOT) --cc '$(CC)' $(if $(JOBS),-j $(JOBS))

## grade: grade the exercises (EX=, IMPL=, SUBMISSION=, FORMAT=, OUTPUT=, JOBS=)
.PHONY: grade
grade: deps $(GRADE)
	@$(GRADE) run $(grade_flags)

## list: the exercises and where you stand on each
.PHONY: list
list: $(GRADE)
	@$(GRADE) list --impl $(IMPL) --buildroot $(BUILDROOT)

## hint: the next hint for an exercise: make hint EX=4.5 [LEVEL=2]
.PHONY: hint
hint: $(GRADE)
	$(need_ex)
	@$(GRADE) hint --ex $(EX) $(if $(LEVEL),--level $(LEVEL)) --buildroot $(BUILDROOT)

## watch: re-grade an exercise on every save: make watch EX=4.5
.PHONY: watch
watch: deps $(GRADE)
	$(need_ex)
	@tools/watch.sh $(GRADE) $(EX) $(IMPL) $(BUILDROOT)

## handout: a tarball of the course without solutions or mutants
.PHONY: handout
handout:
	@tools/handout.sh $(BUILDROOT)

## grade-test: the grader's unit tests (catalogue, bars, reports, submissions)
.PHONY: grade-test
grade-test: $(GRADE_TEST)
	$(GRADE_TEST)

## grade-selftest: solutions full marks, skeletons 0, mutants caught [EX=] [JOBS=]
.PHONY: grade-selftest
grade-selftest: deps $(GRADE)
	@$(GRADE) selftest --buildroot $(BUILDROOT) $(if $(EX),--ex $(EX)) \
		$(if $(JOBS),-j $(JOBS)) --cc '$(CC)'

-include $(GRADE_TEST_OBJS:.o=.d)
-include $(GRADE_OBJS:.o=.d)

## run: start an exercise's program in the foreground: make run EX=4.7 [PORT=8080] [DEBUG_PORT=6060]
.PHONY: run
run:
	$(need_ex)
	@$(MAKE) --no-print-directory $($(ex_dir)_bins)
	@test -x phases/$(ex_dir)/run.sh || { echo "exercise $(EX) has nothing to run"; exit 2; }
	@$(if $(PORT),PORT=$(PORT)) $(if $(DEBUG_PORT),DEBUG_PORT=$(DEBUG_PORT)) \
		phases/$(ex_dir)/run.sh $(B)/$(ex_dir)

## load: put an exercise's server under load with wrk and print the figures: make load EX=4.7
.PHONY: load
load: deps
	$(need_ex)
	@$(MAKE) --no-print-directory $($(ex_dir)_bins)
	@test -x phases/$(ex_dir)/load.sh || { echo "exercise $(EX) has no load test"; exit 2; }
	@$(if $(PORT),PORT=$(PORT)) phases/$(ex_dir)/load.sh $(B)/$(ex_dir)

## bench-harness: measure the harness itself (overhead, counter cost)
.PHONY: bench-harness
bench-harness: $(B)/bench/harness
	$(B)/bench/harness -pkg bench $(BENCHFLAGS)

## test: the course's own tests: tools work, solutions earn full marks, skeletons 0, mutants caught
.PHONY: test
test: deps
	@tools/test.sh $(BUILDROOT)/test

## demos: build and run the lessons' demos, printing the figures the lessons quote
.PHONY: demos
demos: deps $(DEMO_BINS) $(BENCHCMP) $(FLAMEGRAPH)
	@for d in phases/*/demos; do $$d/run.sh $(B)/$${d#phases/} $(BUILDROOT)/tools; done

## profile: profile an exercise's benchmarks: make profile EX=4.5 TOOL=perf|callgrind|gperftools|massif|memcheck [BENCH=regex]
.PHONY: profile
profile: deps $(FLAMEGRAPH)
	$(need_ex)
	@$(MAKE) --no-print-directory $(B)/$(ex_dir)/bench
	@FLAMEGRAPH=$(FLAMEGRAPH) bench/profile.sh $(TOOL) $(B)/$(ex_dir)/bench \
		$(BUILDROOT)/profiles/$(EX)/ '$(value BENCH)' $(BENCHFLAGS)

## benchstat: compare two benchmark runs: make benchstat OLD=a.txt NEW=b.txt
.PHONY: benchstat
benchstat: $(BENCHCMP)
	$(if $(OLD),,$(error say which files: make benchstat OLD=old.txt [NEW=new.txt]))
	@$(BENCHCMP) $(OLD) $(NEW)

## plot: chart two benchmark outputs: make plot OLD=a.txt NEW=b.txt [UNIT=allocs/op]
.PHONY: plot
plot: deps
	$(if $(and $(OLD),$(NEW)),,$(error say which files: make plot OLD=old.txt NEW=new.txt))
	@bench/plot.sh -u '$(UNIT)' -o '$(PLOT)' '$(OLD)' '$(NEW)'

## deps: install the Debian packages the course needs (apt-get)
.PHONY: deps
deps:
	@tools/deps.sh $(PACKAGES)

## clean: remove build/
.PHONY: clean
clean:
	rm -rf $(BUILDROOT)

## help: list the targets and settings
.PHONY: help
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST) | column -t -s ':' | sed 's/^/  make /'
	@echo
	@sed -n '3,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

-include $(shell find $(B) -name '*.d' 2>/dev/null)

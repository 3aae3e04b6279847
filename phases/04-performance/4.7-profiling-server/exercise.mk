# Build facts for exercise 4.7, read by the top-level Makefile (see
# "Exercises" there). The server writes its responses with your 4.5
# string builder.
#   -lprofiler   gperftools' CPU profiler (ProfilerStart/ProfilerStop).
#                Not tcmalloc: see heapprof.h for how --heap-profile
#                loads it only when asked, so valgrind and the sanitizers
#                keep their own malloc.
#   -rdynamic    export every global function in the dynamic symbol
#                table, so dladdr() (/debug/pprof/symbol) can name them.
#   -ldl         dlsym() for tcmalloc's functions (part of libc on
#                glibc 2.34 and later; harmless there).
NEEDS := 04-performance/4.5-strbuf
LIBS  := -lmicrohttpd -ljansson -lz -lprofiler -ldl -rdynamic
MAINS := server.c hello.c

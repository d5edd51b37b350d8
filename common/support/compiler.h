/*
 * common/support/compiler.h: the compiler that built this binary, as one
 * string, for the header of every results file (the benchmark driver,
 * bench-wait).
 */
#ifndef COMPILER_H
#define COMPILER_H

#ifdef __clang__
#define BENCH_COMPILER "clang " __clang_version__
#else
#define BENCH_COMPILER "gcc " __VERSION__
#endif

#endif /* COMPILER_H */

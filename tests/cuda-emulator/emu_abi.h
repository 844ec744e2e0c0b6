/* The interface between the emulated driver (libcuda.so.1) and a kernel module built by the emulated NVRTC.
 * Plain C so both sides agree on the layout; bump LLADAV_EMU_ABI on any change. */
#ifndef LLADAV_EMU_ABI_H
#define LLADAV_EMU_ABI_H

#include <stddef.h>

#define LLADAV_EMU_ABI 2
#define LLADAV_EMU_MAX_PARAMS 32
/* Fiber stacks: one per possible thread of a block (CUDA's limit of 1,024), each this many bytes, the lowest page of
 * each a PROT_NONE guard. The driver maps them once per process and hands them to every module's launches: a pool
 * per module would cost 2,048 memory mappings per loaded module, and a process that loads a few dozen modules (every
 * backend instance loads its own) would reach Linux's vm.max_map_count (65,530) and the .NET runtime would die
 * failing to map JIT code. */
#define LLADAV_EMU_MAX_THREADS 1024
#define LLADAV_EMU_STACK_BYTES (256 * 1024)

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lladav_emu_dim { unsigned x, y, z; } lladav_emu_dim;

/* One launch: filled by the driver, read (and `where` updated) by the module's scheduler. */
typedef struct lladav_emu_launch {
    lladav_emu_dim grid;
    lladav_emu_dim block;
    unsigned dynamic_shared;            /* bytes of extern __shared__ memory */
    const unsigned char* params;        /* the packed parameter buffer (CUDA layout: each at its alignment) */
    unsigned long long seed;            /* varies the thread order within each block */
    /* where execution is: updated by the scheduler so a fault handler can name block and thread */
    lladav_emu_dim current_block;
    lladav_emu_dim current_thread;
    int running;                        /* 1 while a kernel thread (not the scheduler) runs */
    char error[1024];                   /* set by the module on a detected error (barrier divergence, bad shuffle) */
    char* stacks;                       /* LLADAV_EMU_MAX_THREADS fiber stacks of LLADAV_EMU_STACK_BYTES, from the driver */
} lladav_emu_launch;

typedef struct lladav_emu_kernel {
    const char* name;
    int param_count;
    size_t param_size[LLADAV_EMU_MAX_PARAMS];
    size_t param_align[LLADAV_EMU_MAX_PARAMS];
    size_t param_offset[LLADAV_EMU_MAX_PARAMS];
    size_t buffer_size;                 /* offset + size of the last parameter */
    int launch_bounds;                  /* __launch_bounds__ maximum threads per block, 0 when none */
    void (*invoke)(const unsigned char* params);
} lladav_emu_kernel;

/* Exported by every module. */
typedef int (*lladav_emu_abi_fn)(void);
typedef const char* (*lladav_emu_build_id_fn)(void);

/* Set by scripts/cuda-emulator.sh: a hash of the emulator's sources, compiled into the libraries and every module. */
#ifndef LLADAV_EMU_BUILD_ID
#define LLADAV_EMU_BUILD_ID "unversioned"
#endif
typedef int (*lladav_emu_kernel_count_fn)(void);
typedef const lladav_emu_kernel* (*lladav_emu_kernel_at_fn)(int);
/* Runs the whole grid; returns 0, or non-zero with launch->error set. */
typedef int (*lladav_emu_run_fn)(const lladav_emu_kernel* kernel, lladav_emu_launch* launch);

#ifdef __cplusplus
}
#endif

#endif

/* CUDA C prelude of the emulated NVRTC: force-included (g++ -include) before a kernel translation unit, so the
 * unchanged CUDA source compiles as C++ for the CPU. It supplies what the CUDA Programming Guide's "C++ Language
 * Extensions" chapter defines and our kernels use: the execution-space and memory-space specifiers, the built-in
 * variables, __syncthreads, the warp shuffles, the round-to-nearest and bit-cast intrinsics, and a scheduler that runs
 * every thread of a block as a fiber on one OS thread.
 *
 * Semantics kept:
 *  - all threads of a block are live at once (one fiber each, own stack), so __syncthreads is a real barrier;
 *  - a warp's 32 lanes meet at every shuffle (a warp barrier), so values are exchanged in lockstep;
 *  - __shared__ variables are one instance per block (blocks run one after another, so a static is exactly that);
 *  - threads of a block start in a seeded, per-block shuffled order and each runs until it blocks, so a missing
 *    barrier reads another warp's stale or unwritten data, i.e. shows up as a wrong result;
 *  - __syncthreads reached by only part of the block (others exited), a shuffle with a lane missing or a partial mask,
 *    or a deadlock stop the launch with an error naming the kernel, block and thread.
 */
#ifndef LLADAV_EMU_PRELUDE_H
#define LLADAV_EMU_PRELUDE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utility>

#include "emu_abi.h"

#define __CUDACC__ 1
#define __CUDACC_RTC__ 1
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __restrict__ __restrict
#define __shared__ static
#define __constant__ static
#define __launch_bounds__(...)

struct uint3 { unsigned int x, y, z; };
typedef struct lladav_emu_dim dim3;

static const int warpSize = 32;

namespace lladav_emu_rt {

enum { kRunnable = 0, kAtBlockBarrier = 1, kAtWarpBarrier = 2, kDone = 3 };
enum { kMaxThreads = LLADAV_EMU_MAX_THREADS, kMaxWarps = 32, kStackBytes = LLADAV_EMU_STACK_BYTES };

struct Fiber {
    void* sp;
    uint3 tid;
    int linear;
    int lane;
    int warp;
    int state;
    unsigned phase;
};

static Fiber g_fibers[kMaxThreads];
static int g_order[kMaxThreads];
static char* g_stacks = nullptr;
static void* g_scheduler_sp = nullptr;
static Fiber* g_current = nullptr;
static lladav_emu_launch* g_launch = nullptr;
static const lladav_emu_kernel* g_kernel = nullptr;
static uint3 g_block_idx;
static uint3 g_block_dim;
static uint3 g_grid_dim;
static int g_threads = 0;
static int g_live = 0;
static int g_block_waiting = 0;
static int g_warp_live[kMaxWarps];
static int g_warp_waiting[kMaxWarps];
static int g_failed = 0;
static int g_pos = 0;  /* position in g_order of the scheduler's current pass */
static int g_ran = 0;  /* a fiber ran in this pass (none: deadlock) */
static int g_done = 0; /* fibers of the block that have exited */
static unsigned char g_exchange[kMaxWarps][2][32][8];

/* Callee-saved registers of the SysV x86-64 ABI, then the stack pointer: a fiber switch in a handful of
 * instructions (swapcontext would make a sigprocmask system call per switch). MXCSR and the x87 control word are
 * not switched: kernel code never changes them, and lladav_emu_run sets MXCSR once for the whole launch (saving
 * and reloading them per switch was a quarter of the emulator's time in attention). */
extern "C" void lladav_emu_switch(void** save_sp, void* load_sp);
__asm__(
    ".text\n"
    ".p2align 4\n"
    ".hidden lladav_emu_switch\n"
    ".type lladav_emu_switch,@function\n"
    "lladav_emu_switch:\n"
    "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
    "  movq %rsp, (%rdi)\n"
    "  movq %rsi, %rsp\n"
    "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n"
    "  ret\n"
    ".size lladav_emu_switch, .-lladav_emu_switch\n");

static void fail(const char* what)
{
    if (!g_failed) {
        snprintf(g_launch->error, sizeof g_launch->error,
                 "kernel %s, block (%u,%u,%u), thread (%u,%u,%u): %s", g_kernel->name, g_block_idx.x, g_block_idx.y,
                 g_block_idx.z, g_current ? g_current->tid.x : 0u, g_current ? g_current->tid.y : 0u,
                 g_current ? g_current->tid.z : 0u, what);
    }
    g_failed = 1;
}

static void yield_to_scheduler() { lladav_emu_switch(&g_current->sp, g_scheduler_sp); }

/* The blocked (or exited) current fiber hands over directly to the next runnable fiber of the scheduler's pass, in
 * the same g_order the scheduler would pick it: one switch instead of two per blocking point. At the end of the pass
 * control returns to the scheduler, which starts the next pass. */
static void yield_next()
{
    Fiber* f = g_current;
    while (++g_pos < g_threads) {
        Fiber* n = &g_fibers[g_order[g_pos]];
        if (n->state == kRunnable) {
            g_ran = 1;
            g_current = n;
            g_launch->current_thread.x = n->tid.x;
            g_launch->current_thread.y = n->tid.y;
            g_launch->current_thread.z = n->tid.z;
            lladav_emu_switch(&f->sp, n->sp);
            return;
        }
    }
    lladav_emu_switch(&f->sp, g_scheduler_sp);
}

static void block_barrier()
{
    Fiber* f = g_current;
    if (g_live != g_threads) {
        fail("__syncthreads reached while other threads of the block have exited (barrier in divergent code)");
        yield_to_scheduler();
        return;
    }
    if (++g_block_waiting == g_live) {
        for (int i = 0; i < g_threads; i++) {
            if (g_fibers[i].state == kAtBlockBarrier) {
                g_fibers[i].state = kRunnable;
            }
        }
        g_block_waiting = 0;
        return; /* the last thread to arrive goes on */
    }
    f->state = kAtBlockBarrier;
    yield_next();
}

static void warp_barrier(unsigned mask)
{
    Fiber* f = g_current;
    int w = f->warp;
    int lanes = g_threads - w * 32 < 32 ? g_threads - w * 32 : 32;
    unsigned full = lanes == 32 ? 0xffffffffu : ((1u << lanes) - 1u);
    if (mask != full) {
        fail("warp-synchronous call with a mask other than all lanes of the warp (the emulator supports full warps only)");
        yield_to_scheduler();
        return;
    }
    if (g_warp_live[w] != lanes) {
        fail("warp shuffle/sync while other lanes of the warp have exited");
        yield_to_scheduler();
        return;
    }
    if (++g_warp_waiting[w] == g_warp_live[w]) {
        for (int i = w * 32; i < w * 32 + lanes; i++) {
            if (g_fibers[i].state == kAtWarpBarrier) {
                g_fibers[i].state = kRunnable;
            }
        }
        g_warp_waiting[w] = 0;
        return;
    }
    f->state = kAtWarpBarrier;
    yield_next();
}

template <class T>
static T shuffle(unsigned mask, T value, int source_lane)
{
    static_assert(sizeof(T) <= 8, "shuffles move at most 8 bytes");
    Fiber* f = g_current;
    /* double-buffered exchange: after barrier k every lane has read buffer (k-1)&1, so writing it again is safe */
    unsigned phase = (f->phase ^= 1u);
    memcpy(g_exchange[f->warp][phase][f->lane], &value, sizeof(T));
    warp_barrier(mask);
    T result;
    memcpy(&result, g_exchange[f->warp][phase][source_lane], sizeof(T));
    return result;
}

static void thread_exit()
{
    Fiber* f = g_current;
    f->state = kDone;
    g_done++;
    g_live--;
    g_warp_live[f->warp]--;
    if (g_block_waiting > 0) {
        fail("thread exited while other threads of the block wait at __syncthreads (barrier in divergent code)");
    } else if (g_warp_waiting[f->warp] > 0) {
        fail("thread exited while other lanes of its warp wait in a shuffle");
    }
    if (g_failed) {
        yield_to_scheduler();
    } else {
        yield_next();
    }
    __builtin_trap(); /* a finished fiber is never resumed */
}

static void fiber_entry()
{
    g_kernel->invoke(g_launch->params);
    thread_exit();
}

static unsigned long long splitmix(unsigned long long* state)
{
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int run_block(unsigned long long block_linear)
{
    unsigned long long rng = g_launch->seed ^ (block_linear * 0xD1B54A32D192ED03ull);
    for (int i = 0; i < g_threads; i++) {
        g_order[i] = i;
    }
    for (int i = g_threads - 1; i > 0; i--) {
        int j = (int)(splitmix(&rng) % (unsigned long long)(i + 1));
        int t = g_order[i];
        g_order[i] = g_order[j];
        g_order[j] = t;
    }
    int warps = (g_threads + 31) / 32;
    for (int w = 0; w < warps; w++) {
        g_warp_live[w] = g_threads - w * 32 < 32 ? g_threads - w * 32 : 32;
        g_warp_waiting[w] = 0;
    }
    g_live = g_threads;
    g_block_waiting = 0;
    for (int i = 0; i < g_threads; i++) {
        Fiber* f = &g_fibers[i];
        f->linear = i;
        f->tid.x = (unsigned)i % g_block_dim.x;
        f->tid.y = ((unsigned)i / g_block_dim.x) % g_block_dim.y;
        f->tid.z = (unsigned)i / (g_block_dim.x * g_block_dim.y);
        f->lane = i & 31;
        f->warp = i >> 5;
        f->state = kRunnable;
        f->phase = 0;
        /* initial frame: six callee-saved registers, then fiber_entry as the return address */
        char* top = g_stacks + (size_t)(i + 1) * kStackBytes;
        void** sp = (void**)(top - 8);
        *--sp = (void*)fiber_entry;
        for (int r = 0; r < 6; r++) {
            *--sp = nullptr;
        }
        f->sp = sp;
    }
    g_done = 0;
    while (g_done < g_threads) {
        g_ran = 0;
        /* one pass: the first runnable fiber in g_order runs until it blocks, then hands over to the next
         * (yield_next), and the last one of the pass switches back here */
        for (g_pos = 0; g_pos < g_threads; g_pos++) {
            Fiber* f = &g_fibers[g_order[g_pos]];
            if (f->state != kRunnable) {
                continue;
            }
            g_ran = 1;
            g_current = f;
            g_launch->current_thread.x = f->tid.x;
            g_launch->current_thread.y = f->tid.y;
            g_launch->current_thread.z = f->tid.z;
            g_launch->running = 1;
            lladav_emu_switch(&g_scheduler_sp, f->sp);
            g_launch->running = 0;
            if (g_failed) {
                return 1;
            }
            break; /* the fibers ran the rest of the pass */
        }
        if (!g_ran && g_done < g_threads) {
            char what[256];
            snprintf(what, sizeof what, "deadlock: %d of %d threads wait at __syncthreads, the rest in warp shuffles", g_block_waiting, g_live);
            g_current = nullptr;
            fail(what);
            return 1;
        }
    }
    return 0;
}

template <class T>
static T load_param(const unsigned char* p)
{
    T v;
    memcpy(&v, p, sizeof(T));
    return v;
}

template <class... A, size_t... I>
static void call_with(void (*f)(A...), const unsigned char* params, const size_t* offsets, std::index_sequence<I...>)
{
    f(load_param<A>(params + offsets[I])...);
}

template <class... A>
static void call(void (*f)(A...), const unsigned char* params)
{
    static size_t offsets[sizeof...(A) + 1];
    static bool ready = false;
    if (!ready) {
        size_t sizes[] = {sizeof(A)..., 0};
        size_t aligns[] = {alignof(A)..., 1};
        size_t off = 0;
        for (size_t i = 0; i < sizeof...(A); i++) {
            off = (off + aligns[i] - 1) / aligns[i] * aligns[i];
            offsets[i] = off;
            off += sizes[i];
        }
        ready = true;
    }
    call_with(f, params, offsets, std::index_sequence_for<A...>{});
}

/* Parameter layout of a kernel as the CUDA ABI lays it out in the parameter buffer: each parameter at the next
 * multiple of its alignment (Driver API, cuLaunchKernel: "honor all alignment/padding requirements"). */
template <class... A>
static lladav_emu_kernel describe(const char* name, void (*)(A...), void (*invoke)(const unsigned char*), int bounds)
{
    static_assert(sizeof...(A) <= LLADAV_EMU_MAX_PARAMS, "too many kernel parameters");
    lladav_emu_kernel k;
    memset(&k, 0, sizeof k);
    k.name = name;
    k.param_count = (int)sizeof...(A);
    size_t sizes[] = {sizeof(A)..., 0};
    size_t aligns[] = {alignof(A)..., 1};
    size_t off = 0;
    for (size_t i = 0; i < sizeof...(A); i++) {
        off = (off + aligns[i] - 1) / aligns[i] * aligns[i];
        k.param_size[i] = sizes[i];
        k.param_align[i] = aligns[i];
        k.param_offset[i] = off;
        off += sizes[i];
    }
    k.buffer_size = off;
    k.launch_bounds = bounds;
    k.invoke = invoke;
    return k;
}

} /* namespace lladav_emu_rt */

extern "C" __attribute__((visibility("default"))) int lladav_emu_abi(void) { return LLADAV_EMU_ABI; }
extern "C" __attribute__((visibility("default"))) const char* lladav_emu_build_id(void) { return LLADAV_EMU_BUILD_ID; }

extern "C" __attribute__((visibility("default"))) int lladav_emu_run(const lladav_emu_kernel* kernel, lladav_emu_launch* launch)
{
    using namespace lladav_emu_rt;
    /* the driver's one pool of fiber stacks (emu_abi.h says why it is not this module's own) */
    g_stacks = launch->stacks;
    if (g_stacks == nullptr) {
        snprintf(launch->error, sizeof launch->error, "the driver passed no fiber stacks");
        return 1;
    }
    g_launch = launch;
    g_kernel = kernel;
    g_failed = 0;
    g_current = nullptr;
    g_block_dim.x = launch->block.x;
    g_block_dim.y = launch->block.y;
    g_block_dim.z = launch->block.z;
    g_grid_dim.x = launch->grid.x;
    g_grid_dim.y = launch->grid.y;
    g_grid_dim.z = launch->grid.z;
    g_threads = (int)(launch->block.x * launch->block.y * launch->block.z);
    /* round to nearest, all exceptions masked (CUDA has no FP traps), for the whole launch; the caller's back after */
    unsigned int saved_csr;
    __asm__ volatile("stmxcsr %0" : "=m"(saved_csr));
    unsigned int csr = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(csr));
    int status = 0;
    unsigned long long linear = 0;
    for (unsigned z = 0; z < launch->grid.z; z++) {
        for (unsigned y = 0; y < launch->grid.y; y++) {
            for (unsigned x = 0; x < launch->grid.x; x++, linear++) {
                g_block_idx.x = x;
                g_block_idx.y = y;
                g_block_idx.z = z;
                launch->current_block.x = x;
                launch->current_block.y = y;
                launch->current_block.z = z;
                if (run_block(linear) != 0) {
                    status = 1;
                    goto done;
                }
            }
        }
    }
done:
    __asm__ volatile("ldmxcsr %0" : : "m"(saved_csr));
    return status;
}

/* ---- the CUDA built-ins ---- */

#define threadIdx (::lladav_emu_rt::g_current->tid)
#define blockIdx (::lladav_emu_rt::g_block_idx)
#define blockDim (::lladav_emu_rt::g_block_dim)
#define gridDim (::lladav_emu_rt::g_grid_dim)

static inline void __syncthreads() { ::lladav_emu_rt::block_barrier(); }
static inline void __syncwarp(unsigned mask = 0xffffffffu) { ::lladav_emu_rt::warp_barrier(mask); }

template <class T>
static inline T __shfl_sync(unsigned mask, T var, int src_lane, int width = 32)
{
    int lane = ::lladav_emu_rt::g_current->lane;
    int source = (lane & ~(width - 1)) + (src_lane & (width - 1));
    return ::lladav_emu_rt::shuffle(mask, var, source);
}

template <class T>
static inline T __shfl_xor_sync(unsigned mask, T var, int lane_mask, int width = 32)
{
    int lane = ::lladav_emu_rt::g_current->lane;
    int source = lane ^ lane_mask;
    /* a lane of a later width-segment is not accessible: the caller's own value comes back */
    if ((source & ~(width - 1)) > (lane & ~(width - 1))) {
        source = lane;
    }
    return ::lladav_emu_rt::shuffle(mask, var, source);
}

template <class T>
static inline T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = 32)
{
    int lane = ::lladav_emu_rt::g_current->lane;
    int source = lane + (int)delta;
    if ((source & ~(width - 1)) != (lane & ~(width - 1))) {
        source = lane;
    }
    return ::lladav_emu_rt::shuffle(mask, var, source);
}

template <class T>
static inline T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = 32)
{
    int lane = ::lladav_emu_rt::g_current->lane;
    int source = lane - (int)delta;
    if (source < (lane & ~(width - 1))) {
        source = lane;
    }
    return ::lladav_emu_rt::shuffle(mask, var, source);
}

static inline int min(int a, int b) { return a < b ? a : b; }
static inline int max(int a, int b) { return a > b ? a : b; }
static inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
static inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
static inline long long min(long long a, long long b) { return a < b ? a : b; }
static inline long long max(long long a, long long b) { return a > b ? a : b; }

static inline float __int_as_float(int v) { float f; memcpy(&f, &v, 4); return f; }
static inline float __uint_as_float(unsigned v) { float f; memcpy(&f, &v, 4); return f; }
static inline int __float_as_int(float f) { int v; memcpy(&v, &f, 4); return v; }
static inline unsigned __float_as_uint(float f) { unsigned v; memcpy(&v, &f, 4); return v; }
static inline double __longlong_as_double(long long v) { double d; memcpy(&d, &v, 8); return d; }
static inline long long __double_as_longlong(double d) { long long v; memcpy(&v, &d, 8); return v; }

/* IEEE round-to-nearest operations that the compiler must not contract into an FMA: the empty asm makes each result
 * opaque, as the _rn intrinsics are to nvcc's --fmad. */
#define LLADAV_EMU_OPAQUE(r) __asm__("" : "+x"(r))
static inline float __fadd_rn(float a, float b) { float r = a + b; LLADAV_EMU_OPAQUE(r); return r; }
static inline float __fsub_rn(float a, float b) { float r = a - b; LLADAV_EMU_OPAQUE(r); return r; }
static inline float __fmul_rn(float a, float b) { float r = a * b; LLADAV_EMU_OPAQUE(r); return r; }
static inline float __fdiv_rn(float a, float b) { float r = a / b; LLADAV_EMU_OPAQUE(r); return r; }
static inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
static inline float __frcp_rn(float a) { float r = 1.0f / a; LLADAV_EMU_OPAQUE(r); return r; }
static inline float __fsqrt_rn(float a) { return sqrtf(a); }
static inline double __dadd_rn(double a, double b) { double r = a + b; LLADAV_EMU_OPAQUE(r); return r; }
static inline double __dsub_rn(double a, double b) { double r = a - b; LLADAV_EMU_OPAQUE(r); return r; }
static inline double __dmul_rn(double a, double b) { double r = a * b; LLADAV_EMU_OPAQUE(r); return r; }
static inline double __ddiv_rn(double a, double b) { double r = a / b; LLADAV_EMU_OPAQUE(r); return r; }
static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
static inline double rsqrt(double x) { return 1.0 / sqrt(x); }

#endif

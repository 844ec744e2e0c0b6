// Emulated CUDA driver (installed as libcuda.so.1): the subset of the CUDA Driver API
// (https://docs.nvidia.com/cuda/cuda-driver-api/) the backend binds, with the documented semantics kept where a
// CPU can keep them:
//  - cuInit first (CUDA_ERROR_NOT_INITIALIZED before it), primary contexts retained/released with a reference count,
//    a current context per thread (CUDA_ERROR_INVALID_CONTEXT without one);
//  - cuMemAlloc: every allocation its own mapping, right-aligned against a PROT_NONE guard page, slack bytes filled
//    with a canary and the contents filled with 0xff (uninitialised device memory is garbage, not zeros); a kernel
//    that touches a guard page stops with the kernel, block, thread and offending offset (CUDA_ERROR_ILLEGAL_ADDRESS,
//    sticky like on a GPU); freed memory stays unmapped, so a use after cuMemFree faults too;
//  - streams are asynchronous: copies, memsets, kernels and event records are queued and run only when the host
//    synchronises (cuStreamSynchronize, cuEventSynchronize, cuCtxSynchronize, cuMemFree). A device-to-host copy
//    therefore lands in host memory at the synchronisation, so a host read before it sees stale data; a host-to-device
//    copy stages the source at the call (the documented pageable-memory behaviour: the buffer may be reused at once);
//  - cuLaunchKernel checks the grid/block limits, __launch_bounds__, and the parameter buffer against the kernel's
//    parameter list (extra: CU_LAUNCH_PARAM_BUFFER_SIZE must equal the laid-out size; kernelParams: one pointer per
//    parameter, sizes from the kernel image);
//  - modules are the "PTX" of the emulated NVRTC: a text image carrying a shared object built by g++.
// Devices: $LLADAV_CUDA_EMULATORS (default 1). The name of every device says "emulated device".
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <dlfcn.h>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <setjmp.h>
#include <signal.h>
#include <string>
#include <pthread.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <vector>

#include "emu_abi.h"
#include "emu_driver.h"

#define EXPORT extern "C" __attribute__((visibility("default")))

typedef int CUresult;
typedef int CUdevice;

namespace {

enum : int {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_DEINITIALIZED = 4,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_INVALID_PTX = 218,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_NOT_READY = 600,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_CONTEXT_IS_DESTROYED = 709,
};

const size_t kPage = 4096;
const unsigned char kCanary = 0xA5;

struct Context;

struct Allocation {
    uintptr_t map_base = 0;
    size_t map_bytes = 0;
    uintptr_t ptr = 0;
    size_t size = 0;
    int device = 0;
    bool freed = false;
};

struct Stream {
    Context* ctx = nullptr;
    unsigned flags = 0;
};

struct Event {
    Context* ctx = nullptr;
    unsigned flags = 0;
    bool recorded = false;
    bool complete = false;
    double ms = 0;
};

struct Module {
    Context* ctx = nullptr;
    void* handle = nullptr;
    lladav_emu_run_fn run = nullptr;
    std::vector<const lladav_emu_kernel*> kernels;
    bool unloaded = false;
};

struct Function {
    Module* module = nullptr;
    const lladav_emu_kernel* kernel = nullptr;
};

struct Op {
    Stream* stream;
    std::function<CUresult()> run;
};

struct Context {
    int device = 0;
    int refs = 0;
    bool active = false;
    Stream legacy;
    std::deque<Op> queue; // every stream of the context, in issue order (a valid serialisation of stream order)
    CUresult sticky = CUDA_SUCCESS;
    std::string sticky_message;
};

std::recursive_mutex g_lock;
bool g_initialised = false;
int g_device_count = 1;
std::vector<int> g_visible; // ordinal -> emulated device index, after CUDA_VISIBLE_DEVICES
size_t g_total_memory = 8ull << 30;
size_t g_used_memory[64];
std::vector<std::unique_ptr<Context>> g_contexts;
std::map<uintptr_t, Allocation> g_allocations; // by ptr
// Freed allocations stay mapped PROT_NONE, so a use after free faults; only the newest kFreedKept of them, though: a
// test process frees hundreds of thousands of tensors, and keeping them all would grow its address space (and, where
// freed regions sit between live ones, its memory mappings, capped by vm.max_map_count) without bound. Older ones are
// unmapped and forgotten, so their addresses may be handed out again.
const size_t kFreedKept = 4096;
std::deque<uintptr_t> g_freed; // ptrs of freed allocations, oldest first
char* g_fiber_stacks = nullptr; // the one pool of fiber stacks every module's launches run on (emu_abi.h)
std::set<Stream*> g_streams;
std::set<Event*> g_events;
std::set<Module*> g_modules;
std::set<Function*> g_functions;
std::atomic<unsigned long long> g_launch_counter{0};
unsigned long long g_seed = 0x4C4C61444156ull;
std::map<int, std::string> g_last_detail;
thread_local Context* tl_current = nullptr;

void report(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("emulated device: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

Allocation* find_allocation(uintptr_t address, bool include_guard)
{
    auto it = g_allocations.upper_bound(address);
    if (it == g_allocations.begin()) {
        return nullptr;
    }
    --it;
    Allocation& a = it->second;
    uintptr_t end = include_guard ? a.map_base + a.map_bytes : a.ptr + a.size;
    uintptr_t begin = include_guard ? a.map_base : a.ptr;
    return address >= begin && address < end ? &a : nullptr;
}

/* Marks an allocation freed: its pages become PROT_NONE and are given back; past kFreedKept the oldest freed one is
 * unmapped. */
void retire(Allocation& a)
{
    mprotect(reinterpret_cast<void*>(a.map_base), a.map_bytes, PROT_NONE);
    madvise(reinterpret_cast<void*>(a.map_base), a.map_bytes, MADV_DONTNEED);
    a.freed = true;
    g_freed.push_back(a.ptr);
    while (g_freed.size() > kFreedKept) {
        auto old = g_allocations.find(g_freed.front());
        g_freed.pop_front();
        if (old != g_allocations.end() && old->second.freed) {
            munmap(reinterpret_cast<void*>(old->second.map_base), old->second.map_bytes);
            g_allocations.erase(old);
        }
    }
}

/* [p, p+bytes) inside one live allocation of the device */
bool device_range(uintptr_t p, size_t bytes, int device)
{
    Allocation* a = find_allocation(p, false);
    return a != nullptr && !a->freed && a->device == device && p + bytes <= a->ptr + a->size;
}

CUresult fail(Context* ctx, CUresult code, const std::string& message)
{
    report("%s", message.c_str());
    g_last_detail[code] = message;
    if (ctx != nullptr && (code == CUDA_ERROR_ILLEGAL_ADDRESS || code == CUDA_ERROR_LAUNCH_FAILED)) {
        ctx->sticky = code; // as on a GPU: the context is unusable after a fault
        ctx->sticky_message = message;
    }
    return code;
}

CUresult current(Context** out)
{
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (tl_current == nullptr) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    if (!tl_current->active) {
        return CUDA_ERROR_CONTEXT_IS_DESTROYED;
    }
    if (tl_current->sticky != CUDA_SUCCESS) {
        return tl_current->sticky;
    }
    *out = tl_current;
    return CUDA_SUCCESS;
}

CUresult stream_of(Context* ctx, void* handle, Stream** out)
{
    if (handle == nullptr) {
        *out = &ctx->legacy;
        return CUDA_SUCCESS;
    }
    Stream* s = static_cast<Stream*>(handle);
    if (g_streams.count(s) == 0 || s->ctx != ctx) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    *out = s;
    return CUDA_SUCCESS;
}

// ---- kernel execution under fault protection ----

sigjmp_buf g_fault_jump;
volatile sig_atomic_t g_in_kernel = 0;
uintptr_t g_fault_address = 0;
int g_fault_signal = 0;
bool g_fault_write = false;

void on_fault(int sig, siginfo_t* info, void* uc);

pthread_t g_kernel_thread; // the thread running the launch (launches are serialised behind g_lock)
// The handlers a launch displaces. Signal dispositions are process-wide, so while a kernel runs a fault of ANY thread
// comes here, and the .NET runtime raises NullReferenceException from SIGSEGV and DivideByZeroException from SIGFPE
// on whatever thread runs managed code: those go on to the runtime's handler as if we were not there, and only the
// kernel thread's own faults are the kernel's. (Before, another thread's fault during a launch jumped into the kernel
// thread's fault handling and the process died: EmulatedDeviceResourceTests.)
struct sigaction g_displaced_segv, g_displaced_bus, g_displaced_fpe;

void chain(int sig, siginfo_t* info, void* uc)
{
    struct sigaction* old = sig == SIGSEGV ? &g_displaced_segv : sig == SIGBUS ? &g_displaced_bus : &g_displaced_fpe;
    // the mask the displaced handler would have run with (the interrupted mask, its sa_mask, and the signal itself
    // unless SA_NODEFER), as Android's libsigchain chains handlers
    sigset_t mask;
    sigorset(&mask, &static_cast<ucontext_t*>(uc)->uc_sigmask, &old->sa_mask);
    if ((old->sa_flags & SA_NODEFER) == 0) {
        sigaddset(&mask, sig);
    }
    pthread_sigmask(SIG_SETMASK, &mask, nullptr);
    if ((old->sa_flags & SA_SIGINFO) != 0 && old->sa_sigaction != nullptr) {
        old->sa_sigaction(sig, info, uc);
    } else if ((old->sa_flags & SA_SIGINFO) == 0 && old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
        old->sa_handler(sig);
    } else {
        signal(sig, SIG_DFL); // the default action: the faulting instruction runs again and takes it
    }
}

/* Takes over one fault signal for a launch. On the alternate stack only where it must be (SIGSEGV: a fiber's stack
 * overflow) or where the displaced handler was: the runtime's SIGFPE handler unwinds into managed exception handling
 * on the thread's own stack, and run on the small alternate stack it overflowed it ("Stack overflow."). */
void take_signal(int sig, struct sigaction* displaced)
{
    sigaction(sig, nullptr, displaced);
    struct sigaction sa{};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | (sig == SIGSEGV || (displaced->sa_flags & SA_ONSTACK) != 0 ? SA_ONSTACK : 0);
    sigemptyset(&sa.sa_mask); // the signal itself stays blocked in the handler; siglongjmp restores sigsetjmp's mask
    sigaction(sig, &sa, nullptr);
}

void on_fault(int sig, siginfo_t* info, void* uc)
{
    if (!g_in_kernel || !pthread_equal(pthread_self(), g_kernel_thread)) {
        chain(sig, info, uc);
        return;
    }
    g_fault_signal = sig;
    g_fault_address = reinterpret_cast<uintptr_t>(info->si_addr);
    g_fault_write = sig == SIGSEGV && (static_cast<ucontext_t*>(uc)->uc_mcontext.gregs[REG_ERR] & 2) != 0;
    siglongjmp(g_fault_jump, 1);
}

std::string describe_fault(const lladav_emu_launch& launch, const char* kernel)
{
    char where[256];
    snprintf(where, sizeof where, "kernel %s, block (%u,%u,%u), thread (%u,%u,%u)", kernel, launch.current_block.x,
             launch.current_block.y, launch.current_block.z, launch.current_thread.x, launch.current_thread.y,
             launch.current_thread.z);
    char text[1024];
    if (g_fault_signal == SIGFPE) {
        snprintf(text, sizeof text, "%s: integer division by zero", where);
        return text;
    }
    Allocation* a = find_allocation(g_fault_address, true);
    const char* access = g_fault_write ? "write" : "read";
    if (a == nullptr) {
        snprintf(text, sizeof text, "%s: illegal %s at address 0x%llx, which is in no device allocation", where, access,
                 (unsigned long long)g_fault_address);
    } else {
        long long offset = (long long)(g_fault_address - a->ptr);
        snprintf(text, sizeof text,
                 "%s: out-of-bounds %s at byte offset %lld of a %zu-byte allocation at 0x%llx%s (element %lld of %zu "
                 "for 4-byte elements, %lld of %zu for 2-byte)",
                 where, access, offset, a->size, (unsigned long long)a->ptr, a->freed ? " that was already freed by cuMemFree" : "",
                 offset / 4, a->size / 4, offset / 2, a->size / 2);
    }
    return text;
}

bool canaries_intact(const Allocation& a)
{
    const unsigned char* data = reinterpret_cast<const unsigned char*>(a.map_base + kPage);
    const unsigned char* begin = reinterpret_cast<const unsigned char*>(a.ptr);
    for (const unsigned char* p = data; p < begin; p++) {
        if (*p != kCanary) {
            return false;
        }
    }
    return true;
}

CUresult run_kernel(Context* ctx, Function* fn, lladav_emu_dim grid, lladav_emu_dim block, unsigned shared,
                    std::vector<unsigned char>& params, unsigned long long launch_number)
{
    if (fn->module->unloaded) {
        return fail(ctx, CUDA_ERROR_INVALID_HANDLE, std::string("kernel ") + fn->kernel->name + ": its module was unloaded before the launch ran");
    }
    auto launch = std::make_unique<lladav_emu_launch>();
    memset(launch.get(), 0, sizeof *launch);
    launch->grid = grid;
    launch->block = block;
    launch->dynamic_shared = shared;
    launch->params = params.data();
    launch->seed = g_seed ^ (launch_number * 0x9E3779B97F4A7C15ull);
    if (g_fiber_stacks == nullptr) {
        // one stack per possible thread, each with a PROT_NONE guard page below it (a stack overflow faults)
        size_t bytes = (size_t)LLADAV_EMU_MAX_THREADS * LLADAV_EMU_STACK_BYTES;
        void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            return fail(ctx, CUDA_ERROR_OUT_OF_MEMORY, std::string("kernel ") + fn->kernel->name + ": cannot map the fiber stacks");
        }
        for (int i = 0; i < LLADAV_EMU_MAX_THREADS; i++) {
            mprotect(static_cast<char*>(p) + (size_t)i * LLADAV_EMU_STACK_BYTES, kPage, PROT_NONE);
        }
        g_fiber_stacks = static_cast<char*>(p);
    }
    launch->stacks = g_fiber_stacks;

    // An alternate signal stack: a fault may be a fiber's stack overflow.
    static std::vector<char> alt_stack(1 << 16);
    stack_t alt{}, old_alt{};
    alt.ss_sp = alt_stack.data();
    alt.ss_size = alt_stack.size();
    sigaltstack(&alt, &old_alt);
    g_kernel_thread = pthread_self();
    take_signal(SIGSEGV, &g_displaced_segv);
    take_signal(SIGBUS, &g_displaced_bus);
    take_signal(SIGFPE, &g_displaced_fpe);
    volatile int rc = 0;
    volatile bool faulted = false;
    if (sigsetjmp(g_fault_jump, 1) == 0) {
        g_in_kernel = 1;
        rc = fn->module->run(fn->kernel, launch.get());
        g_in_kernel = 0;
    } else {
        g_in_kernel = 0;
        faulted = true;
        rc = 1;
    }
    sigaction(SIGSEGV, &g_displaced_segv, nullptr);
    sigaction(SIGBUS, &g_displaced_bus, nullptr);
    sigaction(SIGFPE, &g_displaced_fpe, nullptr);
    sigaltstack(&old_alt, nullptr);

    if (faulted) {
        return fail(ctx, CUDA_ERROR_ILLEGAL_ADDRESS, describe_fault(*launch, fn->kernel->name));
    }
    if (rc != 0) {
        return fail(ctx, CUDA_ERROR_LAUNCH_FAILED, launch->error);
    }
    // writes into the slack before an allocation's first byte (not guarded by a page) are caught by the canary
    for (int i = 0; i < fn->kernel->param_count; i++) {
        if (fn->kernel->param_size[i] != 8) {
            continue;
        }
        uintptr_t value;
        memcpy(&value, params.data() + fn->kernel->param_offset[i], 8);
        Allocation* a = find_allocation(value, true);
        if (a != nullptr && !a->freed && !canaries_intact(*a)) {
            char text[512];
            snprintf(text, sizeof text, "kernel %s wrote before the start of the %zu-byte allocation at 0x%llx (parameter %d)",
                     fn->kernel->name, a->size, (unsigned long long)a->ptr, i);
            return fail(ctx, CUDA_ERROR_ILLEGAL_ADDRESS, text);
        }
    }
    return CUDA_SUCCESS;
}

/* Runs everything queued in the context. The first failure drops the rest, as a faulted GPU context would. */
CUresult drain(Context* ctx)
{
    while (!ctx->queue.empty() && ctx->sticky == CUDA_SUCCESS) {
        Op op = std::move(ctx->queue.front());
        ctx->queue.pop_front();
        CUresult r = op.run();
        if (r != CUDA_SUCCESS) {
            ctx->queue.clear();
            if (ctx->sticky == CUDA_SUCCESS) {
                ctx->sticky = r;
            }
        }
    }
    ctx->queue.clear();
    return ctx->sticky;
}

void enqueue(Stream* s, std::function<CUresult()> run)
{
    s->ctx->queue.push_back(Op{s, std::move(run)});
}

void release_context(Context* ctx)
{
    drain(ctx);
    for (auto& [ptr, a] : g_allocations) {
        if (!a.freed && a.device == ctx->device) {
            retire(a);
        }
    }
    g_used_memory[ctx->device] = 0;
    for (auto it = g_streams.begin(); it != g_streams.end();) {
        if ((*it)->ctx == ctx) {
            delete *it;
            it = g_streams.erase(it);
        } else {
            ++it;
        }
    }
    for (Module* m : g_modules) {
        if (m->ctx == ctx) {
            m->unloaded = true;
        }
    }
    ctx->active = false;
    ctx->sticky = CUDA_SUCCESS;
    ctx->sticky_message.clear();
}

const char* error_name(int code)
{
    switch (code) {
    case CUDA_SUCCESS: return "CUDA_SUCCESS";
    case CUDA_ERROR_INVALID_VALUE: return "CUDA_ERROR_INVALID_VALUE";
    case CUDA_ERROR_OUT_OF_MEMORY: return "CUDA_ERROR_OUT_OF_MEMORY";
    case CUDA_ERROR_NOT_INITIALIZED: return "CUDA_ERROR_NOT_INITIALIZED";
    case CUDA_ERROR_DEINITIALIZED: return "CUDA_ERROR_DEINITIALIZED";
    case CUDA_ERROR_NO_DEVICE: return "CUDA_ERROR_NO_DEVICE";
    case CUDA_ERROR_INVALID_DEVICE: return "CUDA_ERROR_INVALID_DEVICE";
    case CUDA_ERROR_INVALID_IMAGE: return "CUDA_ERROR_INVALID_IMAGE";
    case CUDA_ERROR_INVALID_CONTEXT: return "CUDA_ERROR_INVALID_CONTEXT";
    case CUDA_ERROR_INVALID_PTX: return "CUDA_ERROR_INVALID_PTX";
    case CUDA_ERROR_INVALID_HANDLE: return "CUDA_ERROR_INVALID_HANDLE";
    case CUDA_ERROR_NOT_FOUND: return "CUDA_ERROR_NOT_FOUND";
    case CUDA_ERROR_NOT_READY: return "CUDA_ERROR_NOT_READY";
    case CUDA_ERROR_ILLEGAL_ADDRESS: return "CUDA_ERROR_ILLEGAL_ADDRESS";
    case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES: return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
    case CUDA_ERROR_LAUNCH_FAILED: return "CUDA_ERROR_LAUNCH_FAILED";
    case CUDA_ERROR_CONTEXT_IS_DESTROYED: return "CUDA_ERROR_CONTEXT_IS_DESTROYED";
    default: return nullptr;
    }
}

const char* error_text(int code)
{
    switch (code) {
    case CUDA_SUCCESS: return "no error";
    case CUDA_ERROR_INVALID_VALUE: return "invalid argument";
    case CUDA_ERROR_OUT_OF_MEMORY: return "out of memory";
    case CUDA_ERROR_NOT_INITIALIZED: return "initialization error";
    case CUDA_ERROR_DEINITIALIZED: return "driver shutting down";
    case CUDA_ERROR_NO_DEVICE: return "no CUDA-capable device is detected";
    case CUDA_ERROR_INVALID_DEVICE: return "invalid device ordinal";
    case CUDA_ERROR_INVALID_IMAGE: return "device kernel image is invalid";
    case CUDA_ERROR_INVALID_CONTEXT: return "invalid device context";
    case CUDA_ERROR_INVALID_PTX: return "a PTX JIT compilation failed";
    case CUDA_ERROR_INVALID_HANDLE: return "invalid resource handle";
    case CUDA_ERROR_NOT_FOUND: return "named symbol not found";
    case CUDA_ERROR_NOT_READY: return "device not ready";
    case CUDA_ERROR_ILLEGAL_ADDRESS: return "an illegal memory access was encountered";
    case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES: return "too many resources requested for launch";
    case CUDA_ERROR_LAUNCH_FAILED: return "unspecified launch failure";
    case CUDA_ERROR_CONTEXT_IS_DESTROYED: return "context is destroyed";
    default: return nullptr;
    }
}

std::vector<unsigned char> base64_decode(const char* s, const char* end)
{
    static int table[256];
    static bool ready = false;
    if (!ready) {
        for (int& t : table) {
            t = -1;
        }
        const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; i++) {
            table[(unsigned char)alphabet[i]] = i;
        }
        ready = true;
    }
    std::vector<unsigned char> out;
    unsigned buffer = 0;
    int bits = 0;
    for (; s < end; s++) {
        int v = table[(unsigned char)*s];
        if (v < 0) {
            continue;
        }
        buffer = (buffer << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back((unsigned char)((buffer >> bits) & 0xff));
        }
    }
    return out;
}

} // namespace

// ---- internal entry points for the emulated cuBLAS (same process, linked against this library) ----

EXPORT int lladav_emu_enqueue_host(void* stream, const char* (*work)(void*), void* state, void (*release)(void*))
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    Stream* s = nullptr;
    if (r == CUDA_SUCCESS) {
        r = stream_of(ctx, stream, &s);
    }
    if (r != CUDA_SUCCESS) {
        release(state);
        return r;
    }
    std::shared_ptr<void> owned(state, release);
    enqueue(s, [work, owned, ctx]() {
        const char* error = work(owned.get());
        return error == nullptr ? CUDA_SUCCESS : fail(ctx, CUDA_ERROR_ILLEGAL_ADDRESS, error);
    });
    return CUDA_SUCCESS;
}

EXPORT int lladav_emu_device_range(unsigned long long p, size_t bytes)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    return tl_current != nullptr && device_range((uintptr_t)p, bytes, tl_current->device);
}

EXPORT int lladav_emu_has_context(void)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    return g_initialised && tl_current != nullptr && tl_current->active;
}

// ---- public API ----

/* Present only in the emulator: lets the tool label devices and timings as emulated. */
EXPORT int lladavEmulatedDevice(void) { return 1; }

EXPORT CUresult cuGetErrorName(CUresult error, const char** name)
{
    if (name == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *name = error_name(error);
    return *name == nullptr ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

EXPORT CUresult cuGetErrorString(CUresult error, const char** text)
{
    if (text == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    const char* base = error_text(error);
    if (base == nullptr) {
        *text = nullptr;
        return CUDA_ERROR_INVALID_VALUE;
    }
    auto it = g_last_detail.find(error);
    if (it == g_last_detail.end()) {
        *text = base;
        return CUDA_SUCCESS;
    }
    // the documented text, then what the emulated device saw (kept alive per error code)
    static std::map<int, std::string> composed;
    composed[error] = std::string(base) + "; emulated device: " + it->second;
    *text = composed[error].c_str();
    return CUDA_SUCCESS;
}

EXPORT CUresult cuInit(unsigned flags)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    if (flags != 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (!g_initialised) {
        // scripts/cuda-emulator.sh --emulators N writes devices=N beside this library; the variable overrides it
        Dl_info info;
        if (dladdr(reinterpret_cast<void*>(&cuInit), &info) != 0 && info.dli_fname != nullptr) {
            std::string conf = info.dli_fname;
            conf = conf.substr(0, conf.rfind('/') + 1) + "emulator.conf";
            if (FILE* f = fopen(conf.c_str(), "r")) {
                int n = 0;
                if (fscanf(f, "devices=%d", &n) == 1 && n >= 0 && n <= 64) {
                    g_device_count = n;
                }
                fclose(f);
            }
        }
        if (const char* n = getenv("LLADAV_CUDA_EMULATORS")) {
            char* end;
            long v = strtol(n, &end, 10);
            if (*n == '\0' || *end != '\0' || v < 0 || v > 64) {
                report("LLADAV_CUDA_EMULATORS='%s' is not a device count 0..64", n);
                return CUDA_ERROR_INVALID_VALUE;
            }
            g_device_count = (int)v;
        }
        // CUDA_VISIBLE_DEVICES as NVIDIA documents it (CUDA C++ Programming Guide, "CUDA Environment Variables"): a
        // comma-separated list of device indices; only those are visible, enumerated in the list's order (so cuda:0 of
        // a process given "1" is emulated device 1, as launch --gpus pins its workers); an invalid index ends the list
        // (only the devices before it are visible). A repeated index ends it too (each device is visible once).
        // Device names keep the emulated index, so a log says which device a worker ran on.
        g_visible.clear();
        if (const char* v = getenv("CUDA_VISIBLE_DEVICES")) {
            std::string list = v;
            size_t start = 0;
            while (start <= list.size() && !list.empty()) {
                size_t comma = list.find(',', start);
                std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                while (!item.empty() && item.front() == ' ') item.erase(item.begin());
                while (!item.empty() && item.back() == ' ') item.pop_back();
                char* end = nullptr;
                long index = item.empty() ? -1 : strtol(item.c_str(), &end, 10);
                if (item.empty() || *end != '\0' || index < 0 || index >= g_device_count ||
                    std::find(g_visible.begin(), g_visible.end(), (int)index) != g_visible.end()) {
                    break;
                }
                g_visible.push_back((int)index);
                if (comma == std::string::npos) {
                    break;
                }
                start = comma + 1;
            }
        } else {
            for (int i = 0; i < g_device_count; i++) {
                g_visible.push_back(i);
            }
        }
        g_device_count = (int)g_visible.size();
        if (const char* m = getenv("LLADAV_CUDA_EMULATOR_MEMORY_MIB")) {
            g_total_memory = (size_t)strtoull(m, nullptr, 10) << 20;
        }
        if (const char* s = getenv("LLADAV_CUDA_EMULATOR_SEED")) {
            g_seed = strtoull(s, nullptr, 0);
        }
        for (int i = 0; i < g_device_count; i++) {
            auto ctx = std::make_unique<Context>();
            ctx->device = i;
            ctx->legacy.ctx = ctx.get();
            g_contexts.push_back(std::move(ctx));
        }
        g_initialised = true;
    }
    return g_device_count == 0 ? CUDA_ERROR_NO_DEVICE : CUDA_SUCCESS;
}

EXPORT CUresult cuDriverGetVersion(int* version)
{
    if (version == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *version = 12080; // the CUDA 12.8 driver API this stand-in follows
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetCount(int* count)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (count == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *count = g_device_count;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGet(CUdevice* device, int ordinal)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (device == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (ordinal < 0 || ordinal >= g_device_count) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    *device = ordinal;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetName(char* name, int length, CUdevice device)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (name == nullptr || length <= 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (device < 0 || device >= g_device_count) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    snprintf(name, (size_t)length, "%s %d (CPU, LLaDAV CUDA emulator)", LLADAV_EMU_DEVICE_WORDS, g_visible[(size_t)device]);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice device)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (value == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (device < 0 || device >= g_device_count) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    switch (attribute) {
    case 1: *value = 1024; return CUDA_SUCCESS;      // MAX_THREADS_PER_BLOCK
    case 2: *value = 1024; return CUDA_SUCCESS;      // MAX_BLOCK_DIM_X
    case 3: *value = 1024; return CUDA_SUCCESS;      // MAX_BLOCK_DIM_Y
    case 4: *value = 64; return CUDA_SUCCESS;        // MAX_BLOCK_DIM_Z
    case 5: *value = 2147483647; return CUDA_SUCCESS; // MAX_GRID_DIM_X
    case 6: *value = 65535; return CUDA_SUCCESS;     // MAX_GRID_DIM_Y
    case 7: *value = 65535; return CUDA_SUCCESS;     // MAX_GRID_DIM_Z
    case 8: *value = 48 * 1024; return CUDA_SUCCESS; // MAX_SHARED_MEMORY_PER_BLOCK
    case 10: *value = 32; return CUDA_SUCCESS;       // WARP_SIZE
    case 16: *value = 1; return CUDA_SUCCESS;        // MULTIPROCESSOR_COUNT
    case 75: *value = 9; return CUDA_SUCCESS;        // COMPUTE_CAPABILITY_MAJOR
    case 76: *value = 0; return CUDA_SUCCESS;        // COMPUTE_CAPABILITY_MINOR
    default: return CUDA_ERROR_INVALID_VALUE;
    }
}

EXPORT CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice device)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (bytes == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (device < 0 || device >= g_device_count) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    *bytes = g_total_memory;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDevicePrimaryCtxRetain(void** context, CUdevice device)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (context == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (device < 0 || device >= g_device_count) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    Context* ctx = g_contexts[(size_t)device].get();
    ctx->refs++;
    ctx->active = true;
    *context = ctx;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (device < 0 || device >= g_device_count) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    Context* ctx = g_contexts[(size_t)device].get();
    if (ctx->refs == 0) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    if (--ctx->refs == 0) {
        release_context(ctx);
    }
    return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxSetCurrent(void* context)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (context == nullptr) {
        tl_current = nullptr;
        return CUDA_SUCCESS;
    }
    for (auto& c : g_contexts) {
        if (c.get() == context) {
            if (!c->active) {
                return CUDA_ERROR_CONTEXT_IS_DESTROYED;
            }
            tl_current = c.get();
            return CUDA_SUCCESS;
        }
    }
    return CUDA_ERROR_INVALID_CONTEXT;
}

EXPORT CUresult cuCtxSynchronize(void)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    return r != CUDA_SUCCESS ? r : drain(ctx);
}

EXPORT CUresult cuStreamCreate(void** stream, unsigned flags)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    if (r != CUDA_SUCCESS) {
        return r;
    }
    if (stream == nullptr || (flags & ~1u) != 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    Stream* s = new Stream();
    s->ctx = ctx;
    s->flags = flags;
    g_streams.insert(s);
    *stream = s;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamDestroy_v2(void* stream)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    if (r != CUDA_SUCCESS) {
        return r;
    }
    Stream* s;
    if (stream == nullptr || stream_of(ctx, stream, &s) != CUDA_SUCCESS) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    // "work still queued on the stream completes before its resources are released": run it now
    r = drain(ctx);
    g_streams.erase(s);
    delete s;
    return r;
}

EXPORT CUresult cuStreamSynchronize(void* stream)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    if (r != CUDA_SUCCESS) {
        return r;
    }
    Stream* s;
    r = stream_of(ctx, stream, &s);
    return r != CUDA_SUCCESS ? r : drain(ctx);
}

EXPORT CUresult cuMemAlloc_v2(unsigned long long* pointer, size_t bytes)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    if (r != CUDA_SUCCESS) {
        return r;
    }
    if (pointer == nullptr || bytes == 0) {
        return CUDA_ERROR_INVALID_VALUE; // "If bytesize is 0, cuMemAlloc() returns CUDA_ERROR_INVALID_VALUE"
    }
    if (g_used_memory[ctx->device] + bytes > g_total_memory) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    // [guard page][slack+canary | data][guard page]: the data ends on the guard page, so the first byte past the
    // end faults. Sizes are padded to 4 bytes so 4- and 8-byte elements stay naturally aligned.
    size_t padded = (bytes + 3) & ~(size_t)3;
    size_t data_pages = (padded + kPage - 1) / kPage;
    size_t map_bytes = (data_pages + 2) * kPage;
    void* base = mmap(nullptr, map_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    char* data = static_cast<char*>(base) + kPage;
    mprotect(data, data_pages * kPage, PROT_READ | PROT_WRITE);
    Allocation a;
    a.map_base = reinterpret_cast<uintptr_t>(base);
    a.map_bytes = map_bytes;
    a.ptr = reinterpret_cast<uintptr_t>(data) + data_pages * kPage - padded;
    a.size = bytes;
    a.device = ctx->device;
    memset(data, kCanary, a.ptr - reinterpret_cast<uintptr_t>(data));
    memset(reinterpret_cast<void*>(a.ptr), 0xff, padded); // garbage: NaN for floats, -1 for ints
    g_allocations[a.ptr] = a;
    g_used_memory[ctx->device] += bytes;
    *pointer = a.ptr;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemFree_v2(unsigned long long pointer)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    if (r != CUDA_SUCCESS) {
        return r;
    }
    auto it = g_allocations.find((uintptr_t)pointer);
    if (it == g_allocations.end() || it->second.freed) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    Allocation& a = it->second;
    if (a.device != ctx->device) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    r = drain(ctx); // cuMemFree waits for outstanding work that may use the memory
    g_used_memory[ctx->device] -= a.size;
    retire(a); // last: it may unmap and forget the oldest freed allocation
    return r;
}

EXPORT CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void* src, size_t bytes, void* stream)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    Stream* s;
    if (r != CUDA_SUCCESS || (r = stream_of(ctx, stream, &s)) != CUDA_SUCCESS) {
        return r;
    }
    if (bytes == 0) {
        return CUDA_SUCCESS;
    }
    if (src == nullptr || !device_range(dst, bytes, ctx->device)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    // pageable source: staged now, so the caller may reuse its buffer when the call returns
    auto staged = std::make_shared<std::vector<unsigned char>>(static_cast<const unsigned char*>(src), static_cast<const unsigned char*>(src) + bytes);
    enqueue(s, [dst, staged]() {
        memcpy(reinterpret_cast<void*>(dst), staged->data(), staged->size());
        return CUDA_SUCCESS;
    });
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemcpyDtoHAsync_v2(void* dst, unsigned long long src, size_t bytes, void* stream)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    Stream* s;
    if (r != CUDA_SUCCESS || (r = stream_of(ctx, stream, &s)) != CUDA_SUCCESS) {
        return r;
    }
    if (bytes == 0) {
        return CUDA_SUCCESS;
    }
    if (dst == nullptr || !device_range(src, bytes, ctx->device)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    // the host buffer is written when the stream reaches the copy, i.e. at the next synchronisation
    enqueue(s, [dst, src, bytes]() {
        memcpy(dst, reinterpret_cast<const void*>(src), bytes);
        return CUDA_SUCCESS;
    });
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemcpyDtoDAsync_v2(unsigned long long dst, unsigned long long src, size_t bytes, void* stream)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    Stream* s;
    if (r != CUDA_SUCCESS || (r = stream_of(ctx, stream, &s)) != CUDA_SUCCESS) {
        return r;
    }
    if (bytes == 0) {
        return CUDA_SUCCESS;
    }
    if (!device_range(dst, bytes, ctx->device) || !device_range(src, bytes, ctx->device)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    enqueue(s, [dst, src, bytes]() {
        memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), bytes);
        return CUDA_SUCCESS;
    });
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemsetD8Async(unsigned long long dst, unsigned char value, size_t count, void* stream)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    Stream* s;
    if (r != CUDA_SUCCESS || (r = stream_of(ctx, stream, &s)) != CUDA_SUCCESS) {
        return r;
    }
    if (count == 0) {
        return CUDA_SUCCESS;
    }
    if (!device_range(dst, count, ctx->device)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    enqueue(s, [dst, value, count]() {
        memset(reinterpret_cast<void*>(dst), value, count);
        return CUDA_SUCCESS;
    });
    return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleLoadData(void** module, const void* image)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    if (r != CUDA_SUCCESS) {
        return r;
    }
    if (module == nullptr || image == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    const char* text = static_cast<const char*>(image);
    const char* tag = strstr(text, LLADAV_EMU_OBJECT_TAG);
    if (strncmp(text, LLADAV_EMU_IMAGE_HEADER, strlen(LLADAV_EMU_IMAGE_HEADER)) != 0 || tag == nullptr) {
        return fail(nullptr, CUDA_ERROR_INVALID_PTX,
                    "cuModuleLoadData: the image is not a module of the emulated NVRTC (real PTX cannot run on the emulated device; "
                    "put the emulator's folder first in LLADAV_CUDA_LIBRARY_PATH so its NVRTC compiles the kernels)");
    }
    tag += strlen(LLADAV_EMU_OBJECT_TAG);
    const char* end = strchr(tag, '\n');
    if (end == nullptr) {
        end = tag + strlen(tag);
    }
    std::vector<unsigned char> object = base64_decode(tag, end);
    const char* tmp = getenv("TMPDIR");
    std::string path = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/lladav-emu-module-XXXXXX.so";
    std::vector<char> name(path.begin(), path.end());
    name.push_back('\0');
    int fd = mkstemps(name.data(), 3);
    if (fd < 0) {
        return fail(nullptr, CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData: cannot write the module object to " + path);
    }
    bool written = write(fd, object.data(), object.size()) == (ssize_t)object.size();
    close(fd);
    void* handle = written ? dlopen(name.data(), RTLD_NOW | RTLD_LOCAL) : nullptr;
    std::string why = handle == nullptr ? (written ? dlerror() : "short write") : "";
    unlink(name.data());
    if (handle == nullptr) {
        return fail(nullptr, CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData: cannot load the module object: " + why);
    }
    auto abi = reinterpret_cast<lladav_emu_abi_fn>(dlsym(handle, "lladav_emu_abi"));
    auto count = reinterpret_cast<lladav_emu_kernel_count_fn>(dlsym(handle, "lladav_emu_kernel_count"));
    auto at = reinterpret_cast<lladav_emu_kernel_at_fn>(dlsym(handle, "lladav_emu_kernel_at"));
    auto run = reinterpret_cast<lladav_emu_run_fn>(dlsym(handle, "lladav_emu_run"));
    if (abi == nullptr || count == nullptr || at == nullptr || run == nullptr || abi() != LLADAV_EMU_ABI) {
        dlclose(handle);
        return fail(nullptr, CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData: the module was built for another emulator version; delete the kernel cache");
    }
    auto build_id = reinterpret_cast<lladav_emu_build_id_fn>(dlsym(handle, "lladav_emu_build_id"));
    if (build_id == nullptr || strcmp(build_id(), LLADAV_EMU_BUILD_ID) != 0) {
        dlclose(handle);
        return fail(nullptr, CUDA_ERROR_INVALID_IMAGE,
                    std::string("cuModuleLoadData: the module was compiled by another build of the emulator (build ") +
                        (build_id != nullptr ? build_id() : "unknown") + ", this one is " + LLADAV_EMU_BUILD_ID +
                        "): its kernels would run with the old prelude; delete the backend's kernel cache "
                        "($XDG_CACHE_HOME or ~/.cache)/lladav-eval/cuda and run again");
    }
    Module* m = new Module();
    m->ctx = ctx;
    m->handle = handle;
    m->run = run;
    for (int i = 0; i < count(); i++) {
        m->kernels.push_back(at(i));
    }
    g_modules.insert(m);
    *module = m;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleUnload(void* module)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    if (r != CUDA_SUCCESS) {
        return r;
    }
    Module* m = static_cast<Module*>(module);
    if (g_modules.count(m) == 0 || m->unloaded) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    r = drain(ctx);
    m->unloaded = true; // the object stays mapped: function handles that outlive it fail with INVALID_HANDLE
    return r;
}

EXPORT CUresult cuModuleGetFunction(void** function, void* module, const char* name)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    if (r != CUDA_SUCCESS) {
        return r;
    }
    if (function == nullptr || name == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    Module* m = static_cast<Module*>(module);
    if (g_modules.count(m) == 0 || m->unloaded) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    for (const lladav_emu_kernel* k : m->kernels) {
        if (strcmp(k->name, name) == 0) {
            Function* f = new Function();
            f->module = m;
            f->kernel = k;
            g_functions.insert(f);
            *function = f;
            return CUDA_SUCCESS;
        }
    }
    return CUDA_ERROR_NOT_FOUND;
}

EXPORT CUresult cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                               unsigned shared, void* stream, void** kernel_params, void** extra)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    Stream* s;
    if (r != CUDA_SUCCESS || (r = stream_of(ctx, stream, &s)) != CUDA_SUCCESS) {
        return r;
    }
    Function* f = static_cast<Function*>(function);
    if (g_functions.count(f) == 0 || f->module->unloaded || f->module->ctx != ctx) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    const lladav_emu_kernel* k = f->kernel;
    char text[512];
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || gy > 65535 || gz > 65535 || gx > 2147483647u ||
        bx > 1024 || by > 1024 || bz > 64 || (unsigned long long)bx * by * bz > 1024) {
        snprintf(text, sizeof text, "cuLaunchKernel(%s): grid (%u,%u,%u) / block (%u,%u,%u) outside the device limits", k->name, gx, gy, gz, bx, by, bz);
        return fail(nullptr, CUDA_ERROR_INVALID_VALUE, text);
    }
    if (k->launch_bounds > 0 && (unsigned long long)bx * by * bz > (unsigned long long)k->launch_bounds) {
        snprintf(text, sizeof text, "cuLaunchKernel(%s): %u threads per block exceed __launch_bounds__(%d)", k->name, bx * by * bz, k->launch_bounds);
        return fail(nullptr, CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, text);
    }
    if (shared > 48 * 1024) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::vector<unsigned char> params(k->buffer_size + 1);
    if (kernel_params != nullptr && extra != nullptr) {
        return fail(nullptr, CUDA_ERROR_INVALID_VALUE, std::string("cuLaunchKernel(") + k->name + "): both kernelParams and extra given");
    }
    if (extra != nullptr) {
        const void* buffer = nullptr;
        const size_t* size = nullptr;
        for (void** e = extra; *e != nullptr; e += 2) {
            if (*e == reinterpret_cast<void*>(1)) {
                buffer = e[1];
            } else if (*e == reinterpret_cast<void*>(2)) {
                size = static_cast<const size_t*>(e[1]);
            } else {
                return fail(nullptr, CUDA_ERROR_INVALID_VALUE, std::string("cuLaunchKernel(") + k->name + "): unknown key in extra");
            }
        }
        if (buffer == nullptr || size == nullptr) {
            return fail(nullptr, CUDA_ERROR_INVALID_VALUE, std::string("cuLaunchKernel(") + k->name + "): extra needs CU_LAUNCH_PARAM_BUFFER_POINTER and _SIZE");
        }
        if (*size != k->buffer_size) {
            std::string layout;
            for (int i = 0; i < k->param_count; i++) {
                char part[64];
                snprintf(part, sizeof part, "%s%zu@%zu", i == 0 ? "" : ", ", k->param_size[i], k->param_offset[i]);
                layout += part;
            }
            snprintf(text, sizeof text,
                     "cuLaunchKernel(%s): the parameter buffer holds %zu bytes but the kernel's %d parameters take %zu (size@offset: %s): an argument of the wrong size or a missing/extra argument",
                     k->name, *size, k->param_count, k->buffer_size, layout.c_str());
            return fail(nullptr, CUDA_ERROR_INVALID_VALUE, text);
        }
        memcpy(params.data(), buffer, k->buffer_size);
    } else {
        if (k->param_count > 0 && kernel_params == nullptr) {
            return fail(nullptr, CUDA_ERROR_INVALID_VALUE, std::string("cuLaunchKernel(") + k->name + "): the kernel takes parameters but none were given");
        }
        for (int i = 0; i < k->param_count; i++) {
            if (kernel_params[i] == nullptr) {
                return fail(nullptr, CUDA_ERROR_INVALID_VALUE, std::string("cuLaunchKernel(") + k->name + "): a null kernelParams entry");
            }
            memcpy(params.data() + k->param_offset[i], kernel_params[i], k->param_size[i]);
        }
    }
    unsigned long long number = g_launch_counter++;
    lladav_emu_dim grid{gx, gy, gz};
    lladav_emu_dim block{bx, by, bz};
    enqueue(s, [ctx, f, grid, block, shared, params, number]() mutable { return run_kernel(ctx, f, grid, block, shared, params, number); });
    return CUDA_SUCCESS;
}

EXPORT CUresult cuEventCreate(void** event, unsigned flags)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    if (r != CUDA_SUCCESS) {
        return r;
    }
    if (event == nullptr || (flags & ~0x7u) != 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    Event* e = new Event();
    e->ctx = ctx;
    e->flags = flags;
    g_events.insert(e);
    *event = e;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuEventRecord(void* event, void* stream)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Context* ctx;
    CUresult r = current(&ctx);
    Stream* s;
    if (r != CUDA_SUCCESS || (r = stream_of(ctx, stream, &s)) != CUDA_SUCCESS) {
        return r;
    }
    Event* e = static_cast<Event*>(event);
    if (g_events.count(e) == 0 || e->ctx != ctx) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    e->recorded = true;
    e->complete = false;
    enqueue(s, [e]() {
        if (g_events.count(e) != 0) {
            e->ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
            e->complete = true;
        }
        return CUDA_SUCCESS;
    });
    return CUDA_SUCCESS;
}

EXPORT CUresult cuEventSynchronize(void* event)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Event* e = static_cast<Event*>(event);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (g_events.count(e) == 0) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    return e->recorded ? drain(e->ctx) : CUDA_SUCCESS;
}

EXPORT CUresult cuEventElapsedTime(float* ms, void* start, void* end)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Event* a = static_cast<Event*>(start);
    Event* b = static_cast<Event*>(end);
    if (!g_initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (ms == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (g_events.count(a) == 0 || g_events.count(b) == 0 || !a->recorded || !b->recorded || (a->flags & 2) || (b->flags & 2)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (!a->complete || !b->complete) {
        return CUDA_ERROR_NOT_READY;
    }
    *ms = (float)(b->ms - a->ms); // CPU wall time of the emulation, never a GPU time
    return CUDA_SUCCESS;
}

EXPORT CUresult cuEventDestroy_v2(void* event)
{
    std::lock_guard<std::recursive_mutex> lock(g_lock);
    Event* e = static_cast<Event*>(event);
    if (g_events.count(e) == 0) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    g_events.erase(e);
    delete e;
    return CUDA_SUCCESS;
}

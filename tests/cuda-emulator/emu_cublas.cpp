// Emulated cuBLAS (installed as libcublas.so.12 / .so): handles, streams and the two mixed-precision GEMMs, written
// from the cuBLAS documentation (https://docs.nvidia.com/cuda/cublas/, "cublasGemmEx" and
// "cublasGemmStridedBatchedEx"):
//   C = alpha * op(A) * op(B) + beta * C, column-major: element (i, j) of a matrix X with leading dimension ldx is
//   X[i + j * ldx]; op(A) is m x k (A stored m x k for CUBLAS_OP_N, k x m for CUBLAS_OP_T/C), op(B) is k x n,
//   C is m x n; when beta == 0, C is not read ("C does not have to be a valid input").
// Status rules kept: CUBLAS_STATUS_NOT_INITIALIZED for an invalid handle; CUBLAS_STATUS_INVALID_VALUE for m, n, k or
// batchCount < 0, an op other than N/T/C, lda < max(1, m) (op N) or max(1, k) (op T), ldb < max(1, k) (op N) or
// max(1, n) (op T), ldc < max(1, m), a null alpha/beta; CUBLAS_STATUS_NOT_SUPPORTED for a type combination outside
// the CUBLAS_COMPUTE_32F table implemented here (A/B: CUDA_R_32F or CUDA_R_16BF, both the same; C: CUDA_R_32F, or
// CUDA_R_16BF with 16BF inputs). Work is queued on the handle's stream of the emulated driver and runs in stream order;
// accumulation is fp32 in k order. An operand that reaches outside its allocation faults the context
// (CUDA_ERROR_ILLEGAL_ADDRESS at the next synchronisation), as a GPU kernel reading out of bounds would.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "emu_driver.h"

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

enum {
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_INITIALIZED = 1,
    CUBLAS_STATUS_ALLOC_FAILED = 3,
    CUBLAS_STATUS_INVALID_VALUE = 7,
    CUBLAS_STATUS_ARCH_MISMATCH = 8,
    CUBLAS_STATUS_MAPPING_ERROR = 11,
    CUBLAS_STATUS_EXECUTION_FAILED = 13,
    CUBLAS_STATUS_INTERNAL_ERROR = 14,
    CUBLAS_STATUS_NOT_SUPPORTED = 15,
};

enum { OP_N = 0, OP_T = 1, OP_C = 2 };
enum { CUDA_R_32F = 0, CUDA_R_16BF = 14 };
enum { CUBLAS_COMPUTE_32F = 68, CUBLAS_COMPUTE_32F_PEDANTIC = 69 };

struct Handle {
    void* stream = nullptr;
};

std::mutex g_lock;
std::set<Handle*> g_handles;

bool valid(Handle* h)
{
    std::lock_guard<std::mutex> lock(g_lock);
    return g_handles.count(h) != 0;
}

float load(const unsigned char* base, int type, long long index)
{
    if (type == CUDA_R_32F) {
        float v;
        memcpy(&v, base + index * 4, 4);
        return v;
    }
    uint16_t h;
    memcpy(&h, base + index * 2, 2);
    uint32_t bits = (uint32_t)h << 16;
    float v;
    memcpy(&v, &bits, 4);
    return v;
}

void store(unsigned char* base, int type, long long index, float v)
{
    if (type == CUDA_R_32F) {
        memcpy(base + index * 4, &v, 4);
        return;
    }
    uint32_t bits;
    memcpy(&bits, &v, 4);
    uint16_t h = (bits & 0x7fffffffu) > 0x7f800000u ? (uint16_t)0x7fc0 : (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
    memcpy(base + index * 2, &h, 2);
}

int size_of(int type) { return type == CUDA_R_32F ? 4 : 2; }

struct Gemm {
    const char* call;
    int transa, transb, m, n, k;
    float alpha, beta;
    unsigned long long a, b, c;
    int atype, btype, ctype;
    int lda, ldb, ldc;
    long long stride_a, stride_b, stride_c;
    int batch;
    char error[512];
};

/* bytes spanned by a column-major rows x cols matrix with leading dimension ld */
unsigned long long span(int rows, int cols, int ld, int type)
{
    if (rows == 0 || cols == 0) {
        return 0;
    }
    return ((unsigned long long)(cols - 1) * (unsigned long long)ld + (unsigned long long)rows) * (unsigned long long)size_of(type);
}

const char* run_gemm(void* state)
{
    Gemm* g = static_cast<Gemm*>(state);
    int a_rows = g->transa == OP_N ? g->m : g->k, a_cols = g->transa == OP_N ? g->k : g->m;
    int b_rows = g->transb == OP_N ? g->k : g->n, b_cols = g->transb == OP_N ? g->n : g->k;
    for (int batch = 0; batch < g->batch; batch++) {
        unsigned long long a = g->a + (unsigned long long)(batch * g->stride_a * size_of(g->atype));
        unsigned long long b = g->b + (unsigned long long)(batch * g->stride_b * size_of(g->btype));
        unsigned long long c = g->c + (unsigned long long)(batch * g->stride_c * size_of(g->ctype));
        const char* which = nullptr;
        unsigned long long bytes = 0, where = 0;
        if (g->k > 0 && !lladav_emu_device_range(a, span(a_rows, a_cols, g->lda, g->atype))) {
            which = "A", where = a, bytes = span(a_rows, a_cols, g->lda, g->atype);
        } else if (g->k > 0 && !lladav_emu_device_range(b, span(b_rows, b_cols, g->ldb, g->btype))) {
            which = "B", where = b, bytes = span(b_rows, b_cols, g->ldb, g->btype);
        } else if (!lladav_emu_device_range(c, span(g->m, g->n, g->ldc, g->ctype))) {
            which = "C", where = c, bytes = span(g->m, g->n, g->ldc, g->ctype);
        }
        if (which != nullptr) {
            snprintf(g->error, sizeof g->error,
                     "%s (batch %d): operand %s spans %llu bytes from 0x%llx, past the end of its allocation (m=%d n=%d k=%d lda=%d ldb=%d ldc=%d, transa=%d transb=%d)",
                     g->call, batch, which, bytes, where, g->m, g->n, g->k, g->lda, g->ldb, g->ldc, g->transa, g->transb);
            return g->error;
        }
        const unsigned char* pa = reinterpret_cast<const unsigned char*>(a);
        const unsigned char* pb = reinterpret_cast<const unsigned char*>(b);
        unsigned char* pc = reinterpret_cast<unsigned char*>(c);
        long long a_i = g->transa == OP_N ? 1 : g->lda, a_l = g->transa == OP_N ? g->lda : 1;
        long long b_l = g->transb == OP_N ? 1 : g->ldb, b_j = g->transb == OP_N ? g->ldb : 1;
        for (int j = 0; j < g->n; j++) {
            for (int i = 0; i < g->m; i++) {
                float acc = 0.0f;
                for (int l = 0; l < g->k; l++) {
                    acc += load(pa, g->atype, i * a_i + l * a_l) * load(pb, g->btype, l * b_l + j * b_j);
                }
                long long ci = i + (long long)j * g->ldc;
                float result = g->alpha * acc;
                if (g->beta != 0.0f) {
                    result += g->beta * load(pc, g->ctype, ci);
                }
                store(pc, g->ctype, ci, result);
            }
        }
    }
    return nullptr;
}

void release_gemm(void* state) { delete static_cast<Gemm*>(state); }

int gemm(Gemm g, Handle* handle, const float* alpha, const float* beta, int compute, int algo)
{
    if (!valid(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    (void)algo; // every cublasGemmAlgo_t computes the same product here
    auto op_ok = [](int op) { return op == OP_N || op == OP_T || op == OP_C; };
    if (g.m < 0 || g.n < 0 || g.k < 0 || g.batch < 0 || !op_ok(g.transa) || !op_ok(g.transb) || alpha == nullptr || beta == nullptr) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    int lda_min = g.transa == OP_N ? g.m : g.k;
    int ldb_min = g.transb == OP_N ? g.k : g.n;
    if (g.lda < (lda_min > 1 ? lda_min : 1) || g.ldb < (ldb_min > 1 ? ldb_min : 1) || g.ldc < (g.m > 1 ? g.m : 1)) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    if (compute != CUBLAS_COMPUTE_32F && compute != CUBLAS_COMPUTE_32F_PEDANTIC) {
        return CUBLAS_STATUS_NOT_SUPPORTED;
    }
    bool types = (g.atype == CUDA_R_32F && g.btype == CUDA_R_32F && g.ctype == CUDA_R_32F) ||
                 (g.atype == CUDA_R_16BF && g.btype == CUDA_R_16BF && (g.ctype == CUDA_R_32F || g.ctype == CUDA_R_16BF));
    if (!types) {
        return CUBLAS_STATUS_NOT_SUPPORTED;
    }
    if (g.m == 0 || g.n == 0 || g.batch == 0) {
        return CUBLAS_STATUS_SUCCESS; // quick return
    }
    if (!lladav_emu_has_context()) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    g.alpha = *alpha; // host pointer mode: the scalars are read at the call
    g.beta = *beta;
    Gemm* state = new Gemm(g);
    return lladav_emu_enqueue_host(handle->stream, run_gemm, state, release_gemm) == 0 ? CUBLAS_STATUS_SUCCESS : CUBLAS_STATUS_EXECUTION_FAILED;
}

} // namespace

EXPORT int lladavEmulatedCublas(void) { return 1; }

EXPORT int cublasCreate_v2(void** handle)
{
    if (handle == nullptr) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    if (!lladav_emu_has_context()) {
        return CUBLAS_STATUS_NOT_INITIALIZED; // "the CUDA Runtime initialization failed"
    }
    Handle* h = new Handle();
    std::lock_guard<std::mutex> lock(g_lock);
    g_handles.insert(h);
    *handle = h;
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT int cublasDestroy_v2(void* handle)
{
    std::lock_guard<std::mutex> lock(g_lock);
    Handle* h = static_cast<Handle*>(handle);
    if (g_handles.erase(h) == 0) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    delete h;
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT int cublasSetStream_v2(void* handle, void* stream)
{
    std::lock_guard<std::mutex> lock(g_lock);
    Handle* h = static_cast<Handle*>(handle);
    if (g_handles.count(h) == 0) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    h->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT int cublasGetVersion_v2(void* handle, int* version)
{
    if (!valid(static_cast<Handle*>(handle))) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (version == nullptr) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    *version = 120800; // CUBLAS_VER_MAJOR * 10000 + CUBLAS_VER_MINOR * 100 + CUBLAS_VER_PATCH of the API followed
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT const char* cublasGetStatusString(int status)
{
    switch (status) {
    case CUBLAS_STATUS_SUCCESS: return "the operation completed successfully";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "the library was not initialized";
    case CUBLAS_STATUS_ALLOC_FAILED: return "the resource allocation failed";
    case CUBLAS_STATUS_INVALID_VALUE: return "an invalid numeric value was used as an argument";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "an absent device architectural feature is required";
    case CUBLAS_STATUS_MAPPING_ERROR: return "an access to GPU memory space failed";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "the GPU program failed to execute";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "an internal operation failed";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "the functionality requested is not supported";
    default: return "unknown error";
    }
}

EXPORT int cublasGemmEx(void* handle, int transa, int transb, int m, int n, int k, const float* alpha, unsigned long long a, int atype,
                        int lda, unsigned long long b, int btype, int ldb, const float* beta, unsigned long long c, int ctype, int ldc,
                        int compute, int algo)
{
    Gemm g{};
    g.call = "cublasGemmEx";
    g.transa = transa, g.transb = transb, g.m = m, g.n = n, g.k = k;
    g.a = a, g.b = b, g.c = c, g.atype = atype, g.btype = btype, g.ctype = ctype;
    g.lda = lda, g.ldb = ldb, g.ldc = ldc, g.batch = 1;
    return gemm(g, static_cast<Handle*>(handle), alpha, beta, compute, algo);
}

EXPORT int cublasGemmStridedBatchedEx(void* handle, int transa, int transb, int m, int n, int k, const float* alpha, unsigned long long a,
                                      int atype, int lda, long long stride_a, unsigned long long b, int btype, int ldb, long long stride_b,
                                      const float* beta, unsigned long long c, int ctype, int ldc, long long stride_c, int batch,
                                      int compute, int algo)
{
    Gemm g{};
    g.call = "cublasGemmStridedBatchedEx";
    g.transa = transa, g.transb = transb, g.m = m, g.n = n, g.k = k;
    g.a = a, g.b = b, g.c = c, g.atype = atype, g.btype = btype, g.ctype = ctype;
    g.lda = lda, g.ldb = ldb, g.ldc = ldc, g.batch = batch;
    g.stride_a = stride_a, g.stride_b = stride_b, g.stride_c = stride_c;
    return gemm(g, static_cast<Handle*>(handle), alpha, beta, compute, algo);
}

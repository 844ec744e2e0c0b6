/* Names shared by the emulated driver, NVRTC and cuBLAS. */
#ifndef LLADAV_EMU_DRIVER_H
#define LLADAV_EMU_DRIVER_H

#include <stddef.h>

/* Every device name starts with these words, so logs and reports always say the device is emulated. */
#define LLADAV_EMU_DEVICE_WORDS "emulated device"
/* First line of a module image produced by the emulated NVRTC (it stands where PTX text would). */
#define LLADAV_EMU_IMAGE_HEADER "// LLaDAV emulated-device module"
/* Line carrying the base64 shared object built by g++. */
#define LLADAV_EMU_OBJECT_TAG ".lladav_emu_object "

#ifdef __cplusplus
extern "C" {
#endif
/* Queue host work on a stream of the current context (used by the emulated cuBLAS); release(state) frees it. */
/* work returns NULL on success or a description of the fault (reported as CUDA_ERROR_ILLEGAL_ADDRESS, sticky). */
int lladav_emu_enqueue_host(void* stream, const char* (*work)(void*), void* state, void (*release)(void*));
/* 1 when [p, p+bytes) lies inside one live allocation of the current context's device. */
int lladav_emu_device_range(unsigned long long p, size_t bytes);
int lladav_emu_has_context(void);
#ifdef __cplusplus
}
#endif

#endif

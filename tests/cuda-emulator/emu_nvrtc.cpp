// Emulated NVRTC (installed as libnvrtc.so.12 / .11.2 / .so): the NVRTC API (https://docs.nvidia.com/cuda/nvrtc/)
// over g++. nvrtcCompileProgram compiles the CUDA C source, unchanged, as C++ with emu_prelude.h force-included and
// a registration block appended for every extern "C" __global__ function, into a shared object; the "PTX" it returns
// is a text image (header line, one `.entry name(` line per kernel, the object in base64) that only the emulated
// driver's cuModuleLoadData accepts. Compile errors come back through nvrtcGetProgramLog in NVRTC's
// `name(line): error: text` form and nvrtcCompileProgram returns NVRTC_ERROR_COMPILATION; unknown options and
// unsupported architectures return NVRTC_ERROR_INVALID_OPTION. Built objects are cached under
// $XDG_CACHE_HOME/lladav-eval/cuda-emulator (keyed by compiler command, prelude and source).
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "emu_driver.h"

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

enum {
    NVRTC_SUCCESS = 0,
    NVRTC_ERROR_OUT_OF_MEMORY = 1,
    NVRTC_ERROR_PROGRAM_CREATION_FAILURE = 2,
    NVRTC_ERROR_INVALID_INPUT = 3,
    NVRTC_ERROR_INVALID_PROGRAM = 4,
    NVRTC_ERROR_INVALID_OPTION = 5,
    NVRTC_ERROR_COMPILATION = 6,
    NVRTC_ERROR_BUILTIN_OPERATION_FAILURE = 7,
    NVRTC_ERROR_INTERNAL_ERROR = 11,
};

const int kArchs[] = {50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90};

struct Program {
    std::string source;
    std::string name;
    std::string log;
    std::string ptx;
    bool compiled = false;
};

std::mutex g_lock;

std::string own_folder()
{
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&own_folder), &info) == 0 || info.dli_fname == nullptr) {
        return ".";
    }
    std::string path = info.dli_fname;
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/* The source without comments and string contents, same length and line structure (for scanning declarations). */
std::string strip_comments(const std::string& s)
{
    std::string out = s;
    for (size_t i = 0; i < s.size(); i++) {
        if (s.compare(i, 2, "//") == 0) {
            while (i < s.size() && s[i] != '\n') {
                out[i++] = ' ';
            }
        } else if (s.compare(i, 2, "/*") == 0) {
            size_t end = s.find("*/", i + 2);
            end = end == std::string::npos ? s.size() : end + 2;
            for (; i < end; i++) {
                if (s[i] != '\n') {
                    out[i] = ' ';
                }
            }
            i--;
        }
    }
    return out;
}

struct KernelDecl {
    std::string name;
    int bounds;
    std::string params;
};

std::vector<KernelDecl> kernels_of(const std::string& source)
{
    std::vector<KernelDecl> kernels;
    std::string code = strip_comments(source);
    std::regex decl(R"(extern\s+"C"\s+__global__\s+void\s+(__launch_bounds__\s*\(\s*(\d+)[^)]*\)\s*)?([A-Za-z_]\w*)\s*\(([^)]*)\))");
    for (auto it = std::sregex_iterator(code.begin(), code.end(), decl); it != std::sregex_iterator(); ++it) {
        KernelDecl k;
        k.name = (*it)[3];
        k.bounds = (*it)[2].matched ? atoi((*it)[2].str().c_str()) : 0;
        k.params = std::regex_replace((*it)[4].str(), std::regex(R"(\s+)"), " ");
        kernels.push_back(k);
    }
    return kernels;
}

std::string base64(const std::string& data)
{
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned v = ((unsigned char)data[i] << 16) | ((unsigned char)data[i + 1] << 8) | (unsigned char)data[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (i < data.size()) {
        unsigned v = (unsigned char)data[i] << 16;
        if (i + 1 < data.size()) {
            v |= (unsigned char)data[i + 1] << 8;
        }
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += i + 1 < data.size() ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

uint64_t fnv(const std::string& s, uint64_t h)
{
    for (unsigned char c : s) {
        h = (h ^ c) * 0x100000001b3ull;
    }
    return h;
}

std::string quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

std::string cache_folder()
{
    const char* xdg = getenv("XDG_CACHE_HOME");
    std::string root;
    if (xdg != nullptr && *xdg != '\0') {
        root = xdg;
    } else {
        const char* home = getenv("HOME");
        root = std::string(home != nullptr ? home : "/tmp") + "/.cache";
    }
    return root + "/lladav-eval/cuda-emulator";
}

void make_folders(const std::string& path)
{
    for (size_t i = 1; i <= path.size(); i++) {
        if (i == path.size() || path[i] == '/') {
            mkdir(path.substr(0, i).c_str(), 0755);
        }
    }
}

/* g++'s `file:line:col: error: text` as NVRTC prints it: `file(line): error: text`; notes and context lines dropped. */
std::string nvrtc_log(const std::string& gcc, int* errors)
{
    std::stringstream in(gcc);
    std::string line, out;
    std::regex diagnostic(R"(^(.*?):(\d+):(\d+): (fatal error|error|warning): (.*)$)");
    *errors = 0;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, diagnostic)) {
            std::string kind = m[4] == "fatal error" ? "error" : m[4].str();
            std::string file = m[1];
            size_t slash = file.rfind('/');
            if (slash != std::string::npos) {
                file = file.substr(slash + 1);
            }
            out += file + "(" + m[2].str() + "): " + kind + ": " + m[5].str() + "\n";
            if (kind == "error") {
                (*errors)++;
            }
        } else if (line.find("undefined reference") != std::string::npos || line.find("ld returned") != std::string::npos) {
            out += line + "\n";
            (*errors)++;
        }
    }
    return out;
}

int compile(Program* p, int count, const char* const* options)
{
    int arch = 52; // NVRTC's default virtual architecture
    std::string standard = "c++17";
    std::vector<std::string> defines;
    for (int i = 0; i < count; i++) {
        if (options[i] == nullptr) {
            return NVRTC_ERROR_INVALID_INPUT;
        }
        std::string o = options[i];
        std::smatch m;
        if (std::regex_match(o, m, std::regex(R"((?:--gpu-architecture=|-arch=|-arch |--gpu-architecture )(?:compute|sm)_(\d+)a?)"))) {
            arch = atoi(m[1].str().c_str());
            bool known = false;
            for (int a : kArchs) {
                known |= a == arch;
            }
            if (!known) {
                p->log = "nvrtc: error: invalid value for --gpu-architecture (-arch)\n";
                return NVRTC_ERROR_INVALID_OPTION;
            }
        } else if (std::regex_match(o, m, std::regex(R"((?:--std=|-std=)(c\+\+(?:03|11|14|17|20)))"))) {
            standard = m[1];
        } else if (std::regex_match(o, std::regex(R"((?:--fmad=|-fmad=)(true|false))"))) {
            // fused multiply-add contraction is not emulated: every product is rounded (see README)
        } else if (std::regex_match(o, m, std::regex(R"((?:-D|--define-macro=)(\w+(?:=.*)?))"))) {
            defines.push_back(m[1]);
        } else if (o == "-lineinfo" || o == "--generate-line-info" || o == "-G" || o == "--device-debug" ||
                   std::regex_match(o, std::regex(R"(--use_fast_math|-use_fast_math|--ftz=(true|false)|--prec-div=(true|false)|--prec-sqrt=(true|false)|-default-device)"))) {
            // accepted; no effect on the CPU build
        } else {
            p->log = "nvrtc: error: unrecognized option " + o + "\n";
            return NVRTC_ERROR_INVALID_OPTION;
        }
    }
    if (standard == "c++03" || standard == "c++11") {
        standard = "c++14"; // the prelude needs C++14 (index_sequence)
    }

    std::vector<KernelDecl> kernels = kernels_of(p->source);
    std::string unit = "#line 1 \"" + p->name + "\"\n" + p->source + "\n#line 1 \"<lladav-emu-registration>\"\n";
    for (size_t i = 0; i < kernels.size(); i++) {
        unit += "static void lladav_emu_invoke_" + std::to_string(i) + "(const unsigned char* p) { ::lladav_emu_rt::call(&" +
                kernels[i].name + ", p); }\n";
    }
    unit += "static lladav_emu_kernel lladav_emu_table[" + std::to_string(kernels.size() + 1) + "];\n";
    unit += "extern \"C\" __attribute__((visibility(\"default\"))) int lladav_emu_kernel_count(void) { return " +
            std::to_string(kernels.size()) + "; }\n";
    unit += "extern \"C\" __attribute__((visibility(\"default\"))) const lladav_emu_kernel* lladav_emu_kernel_at(int i) {\n"
            "  static bool ready = false;\n  if (!ready) {\n";
    for (size_t i = 0; i < kernels.size(); i++) {
        unit += "    lladav_emu_table[" + std::to_string(i) + "] = ::lladav_emu_rt::describe(\"" + kernels[i].name + "\", &" +
                kernels[i].name + ", lladav_emu_invoke_" + std::to_string(i) + ", " + std::to_string(kernels[i].bounds) + ");\n";
    }
    unit += "    ready = true;\n  }\n  return &lladav_emu_table[i];\n}\n";

    std::string folder = own_folder();
    const char* cxx_env = getenv("LLADAV_CUDA_EMULATOR_CXX");
    std::string cxx = cxx_env != nullptr && *cxx_env != '\0' ? cxx_env : "g++";
    std::string flags = "-std=" + standard + " -O2 -fPIC -shared -fvisibility=hidden -fno-math-errno -ffp-contract=off -x c++ -I" +
                        quote(folder) + " -include " + quote(folder + "/emu_prelude.h") + " -D__CUDA_ARCH__=" + std::to_string(arch * 10) +
                        " -DLLADAV_EMU_BUILD_ID=" + quote(std::string("\"") + LLADAV_EMU_BUILD_ID + "\"");
    for (const std::string& d : defines) {
        flags += " -D" + quote(d);
    }
    std::string prelude = read_file(folder + "/emu_prelude.h") + read_file(folder + "/emu_abi.h");
    if (prelude.empty()) {
        p->log = "nvrtc (emulated): emu_prelude.h is missing next to " + folder + "/libnvrtc.so; rebuild with scripts/cuda-emulator.sh\n";
        return NVRTC_ERROR_BUILTIN_OPERATION_FAILURE;
    }
    std::string key_text = cxx + "\n" + flags + "\n" + prelude + "\n" + unit;
    char key[40];
    snprintf(key, sizeof key, "%016llx%016llx", (unsigned long long)fnv(key_text, 0xcbf29ce484222325ull),
             (unsigned long long)fnv(key_text, 0x84222325cbf29ce4ull));
    std::string cache = cache_folder();
    std::string cached = cache + "/" + key + ".so";
    std::string object = read_file(cached);
    if (object.empty()) {
        char dir[] = "/tmp/lladav-nvrtc-XXXXXX";
        if (mkdtemp(dir) == nullptr) {
            return NVRTC_ERROR_INTERNAL_ERROR;
        }
        std::string src = std::string(dir) + "/" + (p->name.find('/') == std::string::npos ? p->name : "program.cu");
        std::string out = std::string(dir) + "/module.so";
        {
            std::ofstream f(src, std::ios::binary);
            f << unit;
        }
        std::string command = quote(cxx) + " " + flags + " -o " + quote(out) + " " + quote(src) + " 2>&1";
        FILE* pipe = popen(command.c_str(), "r");
        std::string output;
        if (pipe != nullptr) {
            char buffer[4096];
            size_t n;
            while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
                output.append(buffer, n);
            }
        }
        int status = pipe != nullptr ? pclose(pipe) : -1;
        int errors = 0;
        p->log = nvrtc_log(output, &errors);
        object = status == 0 ? read_file(out) : std::string();
        unlink(src.c_str());
        unlink(out.c_str());
        rmdir(dir);
        if (status != 0 || object.empty()) {
            if (errors == 0) {
                p->log += output.empty() ? "nvrtc (emulated): " + cxx + " failed to run\n" : output;
                errors = 1;
            }
            p->log += std::to_string(errors) + " error" + (errors == 1 ? "" : "s") + " detected in the compilation of \"" + p->name + "\".\n";
            return NVRTC_ERROR_COMPILATION;
        }
        if (p->log.empty()) {
            make_folders(cache);
            std::string temp = cached + "." + std::to_string(getpid()) + ".tmp";
            std::ofstream f(temp, std::ios::binary);
            f << object;
            f.close();
            rename(temp.c_str(), cached.c_str());
        }
    }
    std::string ptx = std::string(LLADAV_EMU_IMAGE_HEADER) + " (not PTX: a CPU shared object for the LLaDAV CUDA emulator)\n";
    ptx += "// built by: " + cxx + " " + flags + "\n";
    ptx += ".version emulated\n.target compute_" + std::to_string(arch) + "\n";
    for (const KernelDecl& k : kernels) {
        ptx += ".entry " + k.name + "(" + k.params + ")\n";
    }
    ptx += std::string(LLADAV_EMU_OBJECT_TAG) + base64(object) + "\n";
    p->ptx = ptx;
    p->compiled = true;
    return NVRTC_SUCCESS;
}

} // namespace

EXPORT int lladavEmulatedNvrtc(void) { return 1; }

EXPORT const char* nvrtcGetErrorString(int result)
{
    switch (result) {
    case NVRTC_SUCCESS: return "NVRTC_SUCCESS";
    case NVRTC_ERROR_OUT_OF_MEMORY: return "NVRTC_ERROR_OUT_OF_MEMORY";
    case NVRTC_ERROR_PROGRAM_CREATION_FAILURE: return "NVRTC_ERROR_PROGRAM_CREATION_FAILURE";
    case NVRTC_ERROR_INVALID_INPUT: return "NVRTC_ERROR_INVALID_INPUT";
    case NVRTC_ERROR_INVALID_PROGRAM: return "NVRTC_ERROR_INVALID_PROGRAM";
    case NVRTC_ERROR_INVALID_OPTION: return "NVRTC_ERROR_INVALID_OPTION";
    case NVRTC_ERROR_COMPILATION: return "NVRTC_ERROR_COMPILATION";
    case NVRTC_ERROR_BUILTIN_OPERATION_FAILURE: return "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE";
    case NVRTC_ERROR_INTERNAL_ERROR: return "NVRTC_ERROR_INTERNAL_ERROR";
    default: return "NVRTC_ERROR unknown";
    }
}

EXPORT int nvrtcVersion(int* major, int* minor)
{
    if (major == nullptr || minor == nullptr) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    *major = 12;
    *minor = 8;
    return NVRTC_SUCCESS;
}

EXPORT int nvrtcGetNumSupportedArchs(int* count)
{
    if (count == nullptr) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    *count = (int)(sizeof kArchs / sizeof kArchs[0]);
    return NVRTC_SUCCESS;
}

EXPORT int nvrtcGetSupportedArchs(int* archs)
{
    if (archs == nullptr) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    memcpy(archs, kArchs, sizeof kArchs);
    return NVRTC_SUCCESS;
}

EXPORT int nvrtcCreateProgram(void** program, const char* source, const char* name, int headers, const char* const* contents,
                              const char* const* include_names)
{
    (void)contents;
    (void)include_names;
    if (program == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    if (source == nullptr || headers < 0) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    if (headers > 0) {
        return NVRTC_ERROR_INVALID_INPUT; // in-memory headers are not emulated; the backend passes none
    }
    Program* p = new Program();
    p->source = source;
    p->name = name != nullptr && *name != '\0' ? name : "default_program";
    *program = p;
    return NVRTC_SUCCESS;
}

EXPORT int nvrtcDestroyProgram(void** program)
{
    if (program == nullptr || *program == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    delete static_cast<Program*>(*program);
    *program = nullptr;
    return NVRTC_SUCCESS;
}

EXPORT int nvrtcCompileProgram(void* program, int count, const char* const* options)
{
    if (program == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    if (count < 0 || (count > 0 && options == nullptr)) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    std::lock_guard<std::mutex> lock(g_lock);
    Program* p = static_cast<Program*>(program);
    p->log.clear();
    p->ptx.clear();
    p->compiled = false;
    return compile(p, count, options);
}

EXPORT int nvrtcGetPTXSize(void* program, size_t* size)
{
    if (program == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    if (size == nullptr) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    Program* p = static_cast<Program*>(program);
    *size = p->compiled ? p->ptx.size() + 1 : 0;
    return p->compiled ? NVRTC_SUCCESS : NVRTC_ERROR_INVALID_PROGRAM;
}

EXPORT int nvrtcGetPTX(void* program, char* ptx)
{
    if (program == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    if (ptx == nullptr) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    Program* p = static_cast<Program*>(program);
    if (!p->compiled) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    memcpy(ptx, p->ptx.c_str(), p->ptx.size() + 1);
    return NVRTC_SUCCESS;
}

EXPORT int nvrtcGetProgramLogSize(void* program, size_t* size)
{
    if (program == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    if (size == nullptr) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    *size = static_cast<Program*>(program)->log.size() + 1;
    return NVRTC_SUCCESS;
}

EXPORT int nvrtcGetProgramLog(void* program, char* log)
{
    if (program == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    if (log == nullptr) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    const std::string& text = static_cast<Program*>(program)->log;
    memcpy(log, text.c_str(), text.size() + 1);
    return NVRTC_SUCCESS;
}

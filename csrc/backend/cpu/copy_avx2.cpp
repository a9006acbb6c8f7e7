// Copy kernels compiled for the avx2 instruction set (flags set in CMakeLists.txt).
#define TC_CAP avx2
#include "backend/cpu/copy_impl.h"

// Binary kernels compiled for the generic instruction set (flags set in CMakeLists.txt).
#define TC_CAP generic
#include "backend/cpu/binary_impl.h"

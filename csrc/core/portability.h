#pragma once
// TC_HD marks scalar code compiled for every backend: the CPU (plain inline)
// and, in a CUDA build, host and device alike.
#ifdef __CUDACC__
#define TC_HD __host__ __device__ __forceinline__
#else
#define TC_HD inline
#endif

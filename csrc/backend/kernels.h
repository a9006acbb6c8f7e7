#pragma once
// The one dispatch point between ops and backends: every kernel family, one
// header each. Ops include this (or just the family they use); the CPU
// versions pick the best compiled instruction set at runtime (cpu/dispatch.cpp).
// Keep this file a plain list of includes.
#include "backend/kernels_attention.h"
#include "backend/kernels_conv.h"
#include "backend/kernels_copy.h"
#include "backend/kernels_elementwise.h"
#include "backend/kernels_gemm.h"
#include "backend/kernels_index.h"
#include "backend/kernels_nn.h"
#include "backend/kernels_optim.h"
#include "backend/kernels_random.h"
#include "backend/kernels_reduce.h"
#include "backend/kernels_rnn.h"
#include "backend/kernels_scan.h"

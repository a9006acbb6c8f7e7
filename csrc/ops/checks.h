#pragma once
// Shared argument checks for ops.
#include "core/error.h"
#include "core/shape_util.h"
#include "core/tensor.h"

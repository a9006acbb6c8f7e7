// CPU index-family kernels (backend/kernels_index.h). One portable build:
// the work is address arithmetic and scattered loads, where wider vectors buy
// nothing. Loops that write disjoint outputs run in parallel; loops whose
// writes may collide (index_put, scatter_add across rows) keep element order
// per destination, so results never depend on the thread count.
#include <cstring>
#include <optional>
#include <type_traits>
#include <vector>

#include "backend/kernels_index.h"
#include "core/parallel.h"

namespace tc::kernels {

namespace {

constexpr int64_t kGrain = 32768;  // elements per parallel chunk

template <typename T> inline void accumulate(T& dst, T v) {
  if constexpr (std::is_same_v<T, bool>)
    dst = dst || v;
  else
    dst += v;
}

// The first idx[i] outside [lo, hi), if any.
std::optional<int64_t> first_out_of_range(const int64_t* idx, int64_t n, int64_t lo, int64_t hi) {
  for (int64_t i = 0; i < n; ++i)
    if (idx[i] < lo || idx[i] >= hi) return idx[i];
  return std::nullopt;
}

// Rows of an nd-dim problem: every dim but the last. Calls f(row, offsets of
// the row's first element in each of the strided operands) for rows [b, e).
template <size_t K, typename F>
void for_rows(const int64_t* sizes, int64_t nd, const int64_t* const (&strides)[K], int64_t b, int64_t e, F&& f) {
  std::vector<int64_t> pos(nd > 1 ? nd - 1 : 0);
  int64_t off[K] = {};
  int64_t rem = b;
  for (int64_t k = nd - 2; k >= 0; --k) {  // multi-index of row b
    pos[k] = rem % sizes[k];
    rem /= sizes[k];
  }
  for (size_t o = 0; o < K; ++o)
    for (int64_t k = 0; k + 1 < nd; ++k) off[o] += pos[k] * strides[o][k];
  for (int64_t r = b; r < e; ++r) {
    f(r, off);
    for (int64_t k = nd - 2; k >= 0; --k) {  // next row
      for (size_t o = 0; o < K; ++o) off[o] += strides[o][k];
      if (++pos[k] < sizes[k]) break;
      for (size_t o = 0; o < K; ++o) off[o] -= strides[o][k] * sizes[k];
      pos[k] = 0;
    }
  }
}

// The common layouts index along one dim and keep the trailing dims whole:
// `after` is then an arithmetic sequence, and a constant step (1 for
// contiguous rows) turns the table lookup into a strided copy that vectorizes.
// Returns the step, or 0 when `after` is not arithmetic.
int64_t arithmetic_step(const int64_t* after, int64_t n) {
  if (n < 2 || after[0] != 0) return 0;
  const int64_t step = after[1];
  for (int64_t j = 2; j < n; ++j)
    if (after[j] != j * step) return 0;
  return step;
}

}  // namespace

std::optional<int64_t> index_offsets(const int64_t* idx, int64_t n, int64_t size, int64_t stride, int64_t* off) {
  if (auto bad = first_out_of_range(idx, n, -size, size)) return bad;
  for (int64_t i = 0; i < n; ++i) off[i] += (idx[i] < 0 ? idx[i] + size : idx[i]) * stride;
  return std::nullopt;
}

void index_gather(DType dt, const void* base, void* out, const IndexLayout& l) {
  const int64_t rows = l.n_before * l.n_mid, na = l.n_after;
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = static_cast<const T*>(base);
    T* dst = static_cast<T*>(out);
    const int64_t grain = na >= kGrain ? 1 : kGrain / (na ? na : 1);
    const int64_t step = arithmetic_step(l.after, na);
    parallel_for(0, rows, grain, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const T* s = src + l.before[r / l.n_mid] + l.mid[r % l.n_mid];
        T* d = dst + r * na;
        if (step == 1) {
          std::memcpy(d, s, na * sizeof(T));
        } else if (step != 0) {
          for (int64_t j = 0; j < na; ++j) d[j] = s[j * step];
        } else {
          for (int64_t j = 0; j < na; ++j) d[j] = s[l.after[j]];
        }
      }
    });
  });
}

void index_put(DType dt, void* base, const void* values, const IndexLayout& l, bool accumulate_) {
  const int64_t rows = l.n_before * l.n_mid, na = l.n_after;
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* dst = static_cast<T*>(base);
    const T* src = static_cast<const T*>(values);
    // Serial: duplicate indices make writes collide, and the last (or the sum
    // in element order) must win as on one thread.
    for (int64_t r = 0; r < rows; ++r) {
      T* d = dst + l.before[r / l.n_mid] + l.mid[r % l.n_mid];
      const T* s = src + r * na;
      if (accumulate_) {
        for (int64_t j = 0; j < na; ++j) accumulate(d[l.after[j]], s[j]);
      } else {
        for (int64_t j = 0; j < na; ++j) d[l.after[j]] = s[j];
      }
    }
  });
}

std::optional<int64_t> gather(DType dt, const void* src, const int64_t* src_strides, void* out, const int64_t* idx,
                              const int64_t* idx_sizes, int64_t nd, int64_t dim, int64_t dim_size) {
  int64_t n = 1;
  for (int64_t k = 0; k < nd; ++k) n *= idx_sizes[k];
  if (auto bad = first_out_of_range(idx, n, 0, dim_size)) return bad;
  if (n == 0) return std::nullopt;
  const int64_t inner = idx_sizes[nd - 1], rows = n / inner;
  const int64_t sd = src_strides[dim], s_last = src_strides[nd - 1];
  // The indexed dim contributes idx * stride instead of its position.
  std::vector<int64_t> st(src_strides, src_strides + nd);
  st[dim] = 0;
  const int64_t* strides[1] = {st.data()};
  const bool last = dim == nd - 1;
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* s = static_cast<const T*>(src);
    T* o = static_cast<T*>(out);
    parallel_for(0, rows, inner >= kGrain ? 1 : kGrain / inner, [&](int64_t b, int64_t e) {
      for_rows(idx_sizes, nd, strides, b, e, [&](int64_t r, const int64_t* off) {
        const int64_t* ir = idx + r * inner;
        T* orow = o + r * inner;
        const T* srow = s + off[0];
        if (last) {
          for (int64_t j = 0; j < inner; ++j) orow[j] = srow[ir[j] * sd];
        } else {
          for (int64_t j = 0; j < inner; ++j) orow[j] = srow[ir[j] * sd + j * s_last];
        }
      });
    });
  });
  return std::nullopt;
}

std::optional<int64_t> scatter_add(DType dt, void* dst, const int64_t* dst_strides, const void* src,
                                   const int64_t* src_strides, const int64_t* idx, const int64_t* idx_sizes, int64_t nd,
                                   int64_t dim, int64_t dim_size) {
  int64_t n = 1;
  for (int64_t k = 0; k < nd; ++k) n *= idx_sizes[k];
  if (auto bad = first_out_of_range(idx, n, 0, dim_size)) return bad;
  if (n == 0) return std::nullopt;
  const int64_t inner = idx_sizes[nd - 1], rows = n / inner;
  const int64_t dd = dst_strides[dim], d_last = dst_strides[nd - 1], s_last = src_strides[nd - 1];
  std::vector<int64_t> st(dst_strides, dst_strides + nd);
  st[dim] = 0;
  const int64_t* strides[2] = {st.data(), src_strides};
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* d = static_cast<T*>(dst);
    const T* s = static_cast<const T*>(src);
    if (dim == nd - 1) {
      // A row of the index writes only its own row of dst: rows in parallel.
      parallel_for(0, rows, inner >= kGrain ? 1 : kGrain / inner, [&](int64_t b, int64_t e) {
        for_rows(idx_sizes, nd, strides, b, e, [&](int64_t r, const int64_t* off) {
          const int64_t* ir = idx + r * inner;
          T* drow = d + off[0];
          const T* srow = s + off[1];
          for (int64_t j = 0; j < inner; ++j) accumulate(drow[ir[j] * dd], srow[j * s_last]);
        });
      });
    } else {
      // Column j of the index writes only column j of dst: columns in
      // parallel, each walking the rows in order.
      parallel_for(0, inner, rows >= kGrain ? 1 : kGrain / rows, [&](int64_t cb, int64_t ce) {
        for_rows(idx_sizes, nd, strides, 0, rows, [&](int64_t r, const int64_t* off) {
          const int64_t* ir = idx + r * inner;
          T* drow = d + off[0];
          const T* srow = s + off[1];
          for (int64_t j = cb; j < ce; ++j) accumulate(drow[ir[j] * dd + j * d_last], srow[j * s_last]);
        });
      });
    }
  });
  return std::nullopt;
}

int64_t count_nonzero(DType dt, const void* data, int64_t n) {
  return dispatch_all_dtype(dt, [&](auto tag) -> int64_t {
    using T = typename decltype(tag)::type;
    const T* p = static_cast<const T*>(data);
    int64_t c = 0;
    for (int64_t i = 0; i < n; ++i) c += p[i] != T(0);
    return c;
  });
}

void nonzero_coords(DType dt, const void* data, int64_t n, const int64_t* sizes, int64_t nd, int64_t* out) {
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = static_cast<const T*>(data);
    std::vector<int64_t> pos(nd, 0);
    for (int64_t i = 0; i < n; ++i) {
      if (p[i] != T(0)) {
        for (int64_t k = 0; k < nd; ++k) out[k] = pos[k];
        out += nd;
      }
      for (int64_t k = nd - 1; k >= 0; --k) {
        if (++pos[k] < sizes[k]) break;
        pos[k] = 0;
      }
    }
  });
}

}  // namespace tc::kernels

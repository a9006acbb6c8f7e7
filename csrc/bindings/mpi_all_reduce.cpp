// The native fast path of tensorcore.distributed.all_reduce (Note [Native
// all_reduce]). No MPI header or library at build time: MPI is called through
// the addresses of the entry points of the libmpi that mpi4py loaded
// (Note [MPI through addresses]).
//
// Note [Native all_reduce]
// A small all_reduce is latency: on 2 ranks of one machine MPI moves 1 KB in
// well under a microsecond, and the Python around the call (the fast-path
// tests, the group's executor, the plan: tensorcore/distributed/_signature.py,
// Note [all_reduce plans]) cost 3-4 us, so raw mpi4py was 3-5x faster there.
// This file runs the whole steady-state call in C++: a group's
// NativeAllReduce holds the plans that Python made and found eligible
// (`add_plan`), and its `run(tensor, op)` either finishes the call and returns
// True, or touches nothing and returns False, and Python's path then does
// everything (a new kind of call, a strided tensor, a busy executor, the first
// call of a size, a call that resizes the check record). What `run` does is
// what Python's plan and OrderedExecutor.call do, in the same order:
//  1. take the executor's `_in_mpi` lock without waiting, only when nothing is
//     queued and the group is open (else False: Python queues the call);
//  2. publish the call to the watchdog (`calls += 1`, `running = plan`), so a
//     hang in MPI is reported and aborted as any other call's;
//  3. without the GIL: fold (copy the data behind the signature in the send
//     record, MPI_Allgather the records, compare the signatures, reduce the
//     rows in rank order, Note [small all-reduces ride in the check]),
//     checked (MPI_Allgather of the signature records, compare, then
//     MPI_Allreduce in place: a tensor too large to fold) or direct
//     (MPI_Allreduce in place, the check off);
//  4. unpublish, release the lock, wake waiters if work was queued meanwhile;
//  5. an MPI error code or a signature mismatch is handed to Python callbacks
//     that raise the same exceptions as the Python path.
// The row reduction is the same as Python's: MPI_Reduce_local with MPI's own
// op, except SUM/AVG/PRODUCT of real types, reduced here with + and * (the
// same bits in either operand order; integers wrap as MPI's do).
//
// Note [MPI through addresses]
// tensorcore must build and import where no MPI exists, and use whichever MPI
// mpi4py was built against at run time, so nothing here includes mpi.h.
// Python passes the addresses of MPI_Allreduce, MPI_Allgather and
// MPI_Reduce_local (ctypes' dlsym on mpi4py's own extension module, which
// finds them in the libmpi it links) and the handles of the communicator,
// datatypes and ops (mpi4py's MPI._handleof). Handles are int in MPICH's ABI
// and pointers in Open MPI's; they are passed here as intptr_t, which the
// x86-64 System V and AArch64 calling conventions hand to an `int` parameter
// as its low 32 bits (in a register, or the low half of an 8-byte stack slot
// for MPI_Allgather's seventh argument), so one declaration serves both ABIs.
// MPI_IN_PLACE is a macro, not a symbol: Python passes its value for the
// vendor mpi4py reports (MPICH: -1, Open MPI: 1) and no native path otherwise.
#include "bindings/arg_parser.h"

#include <cstring>
#include <memory>
#include <vector>

namespace tc::py_glue {

namespace {

using MpiHandle = intptr_t;
using AllreduceFn = int (*)(const void*, void*, int, MpiHandle, MpiHandle, MpiHandle);
using AllgatherFn = int (*)(const void*, int, MpiHandle, void*, int, MpiHandle, MpiHandle);
using ReduceLocalFn = int (*)(const void*, void*, int, MpiHandle, MpiHandle);

constexpr int64_t kHeaderBytes = 64;  // the signature: int64[8] (_signature.py HEADER_BYTES)

enum class LocalOp : int { Mpi = 0, Sum = 1, Product = 2 };

struct Plan {
  int64_t numel = 0;
  DType dtype = DType::Float32;
  py::object op;           // the ReduceOp member, compared by identity
  bool fold = false;       // ride in the check record
  bool check = false;      // (not folded) exchange the signature first, then MPI_Allreduce in place
  MpiHandle datatype = 0;  // MPI datatype of the elements
  MpiHandle mpi_op = 0;
  LocalOp local = LocalOp::Mpi;
  bool average = false;  // divide by the group size after (floating types only)
  char header[kHeaderBytes] = {};
  py::object description;  // the Python plan: what the watchdog and errors print
};

struct NativeAllReduce {
  AllreduceFn allreduce = nullptr;
  AllgatherFn allgather = nullptr;
  ReduceLocalFn reduce_local = nullptr;
  void* in_place = nullptr;
  MpiHandle comm = 0, byte_type = 0;
  int size = 1, rank = 0;
  // The check record (Note [signature check]): `recv` is the group's gathered
  // records (numpy, owned by the Checker, kept alive here); `send` is ours.
  std::vector<char> send;
  char* recv = nullptr;
  int64_t record = 0;
  py::object recv_owner;
  // The group's OrderedExecutor and the pieces of it `run` uses.
  py::object executor, queue, acquire, release;  // release/acquire: its _in_mpi lock's methods
  py::object on_error, on_mismatch;              // raise DistBackendError / the check's RuntimeError
  std::vector<Plan> plans;
  // The Checker's record version these plans were made for (a plan made for
  // another is refused: Python makes plans outside the executor, so a resize
  // can come between), and whether the group checks (fold plans) or not (direct).
  int64_t version = -1;
  bool checked = true;
};

template <typename T> void combine_rows(const char* acc, const char* row, char* dst, int64_t n, LocalOp op) {
  const T* a = reinterpret_cast<const T*>(acc);
  const T* b = reinterpret_cast<const T*>(row);
  T* d = reinterpret_cast<T*>(dst);
  if (op == LocalOp::Sum)
    for (int64_t j = 0; j < n; ++j) d[j] = static_cast<T>(a[j] + b[j]);
  else
    for (int64_t j = 0; j < n; ++j) d[j] = static_cast<T>(a[j] * b[j]);
}

// dst = acc op row, elementwise (rows[i] = rows[i - 1] op rows[i] in _signature.py). With MPI's own op the
// result forms in row (MPI_Reduce_local's in-out buffer) and is copied to dst when that is elsewhere.
int reduce_row(const NativeAllReduce& g, const Plan& p, const char* acc, char* row, char* dst) {
  const bool ours = p.local != LocalOp::Mpi && (p.dtype == DType::Float32 || p.dtype == DType::Float64 ||
                                                p.dtype == DType::Int32 || p.dtype == DType::Int64);
  if (!ours) {
    int rc = g.reduce_local(acc, row, static_cast<int>(p.numel), p.datatype, p.mpi_op);
    if (rc == 0 && dst != row) std::memcpy(dst, row, static_cast<size_t>(p.numel * itemsize(p.dtype)));
    return rc;
  }
  // Integers wrap, as MPI's do: unsigned arithmetic has no overflow UB.
  if (p.dtype == DType::Float32)
    combine_rows<float>(acc, row, dst, p.numel, p.local);
  else if (p.dtype == DType::Float64)
    combine_rows<double>(acc, row, dst, p.numel, p.local);
  else if (p.dtype == DType::Int32)
    combine_rows<uint32_t>(acc, row, dst, p.numel, p.local);
  else
    combine_rows<uint64_t>(acc, row, dst, p.numel, p.local);
  return 0;
}

void divide(DType dtype, char* data, int64_t n, int size) {
  if (dtype == DType::Float32) {
    float* x = reinterpret_cast<float*>(data);
    const float s = static_cast<float>(size);
    for (int64_t j = 0; j < n; ++j) x[j] /= s;
  } else {
    double* x = reinterpret_cast<double*>(data);
    const double s = static_cast<double>(size);
    for (int64_t j = 0; j < n; ++j) x[j] /= s;
  }
}

// The MPI part of one call, run without the GIL. Returns MPI's error code;
// *mismatch is set when another rank's signature differs from ours.
int run_plan(NativeAllReduce& g, const Plan& p, char* data, bool* mismatch) {
  const int64_t nbytes = p.numel * static_cast<int64_t>(itemsize(p.dtype));
  const int rec = static_cast<int>(g.record);
  if (p.check) {  // the signature exchange (Checker.check: the header in a record of the agreed size)
    std::memcpy(g.send.data(), p.header, kHeaderBytes);
    int rc = g.allgather(g.send.data(), rec, g.byte_type, g.recv, rec, g.byte_type, g.comm);
    if (rc != 0) return rc;
    for (int r = 0; r < g.size; ++r)
      if (std::memcmp(g.recv + r * g.record, p.header, kHeaderBytes) != 0) {
        *mismatch = true;
        return 0;
      }
  }
  if (!p.fold) {
    int rc = g.allreduce(g.in_place, data, static_cast<int>(p.numel), p.datatype, p.mpi_op, g.comm);
    if (rc == 0 && p.average) divide(p.dtype, data, p.numel, g.size);
    return rc;
  }
  char* send = g.send.data();
  std::memcpy(send, p.header, kHeaderBytes);
  std::memcpy(send + kHeaderBytes, data, static_cast<size_t>(nbytes));
  int rc = g.allgather(send, rec, g.byte_type, g.recv, rec, g.byte_type, g.comm);
  if (rc != 0) return rc;
  for (int r = 0; r < g.size; ++r)
    if (r != g.rank && std::memcmp(g.recv + r * g.record, p.header, kHeaderBytes) != 0) {
      *mismatch = true;
      return 0;
    }
  // The rows combine inside the gathered records and the result is copied out once: combining straight
  // into the tensor measured slower (16-64 KB on 2 ranks: 0.75 against 0.87 of raw MPI).
  const char* acc = g.recv + kHeaderBytes;
  for (int r = 1; r < g.size; ++r) {
    char* row = g.recv + r * g.record + kHeaderBytes;
    rc = reduce_row(g, p, acc, row, row);
    if (rc != 0) return rc;
    acc = row;
  }
  std::memcpy(data, acc, static_cast<size_t>(nbytes));
  if (p.average) divide(p.dtype, data, p.numel, g.size);
  return 0;
}

const char* const kCapsuleName = "tensorcore._C.NativeAllReduce";

// Interned attribute names (their hashes cached) and the int 1, made once.
struct Names {
  PyObject *closed, *drainers, *calls, *running, *notify_idle, *tensor, *one;
};
const Names& names() {
  static const Names n = [] {
    Names r;
    r.closed = PyUnicode_InternFromString("_closed");
    r.drainers = PyUnicode_InternFromString("_drainers");
    r.calls = PyUnicode_InternFromString("calls");
    r.running = PyUnicode_InternFromString("running");
    r.notify_idle = PyUnicode_InternFromString("_notify_idle");
    r.tensor = PyUnicode_InternFromString("tensor");
    r.one = PyLong_FromLong(1);
    return r;
  }();
  return n;
}

// The truth of executor.<name>: 1, 0, or -1 with a Python error set.
int executor_flag(const NativeAllReduce& g, PyObject* name) {
  PyObject* v = PyObject_GetAttr(g.executor.ptr(), name);
  if (!v) return -1;
  int truth = PyObject_IsTrue(v);
  Py_DECREF(v);
  return truth;
}

// run(tensor, op) -> True (done) or False (not taken: Python's path does the call).
PyObject* run_py(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  auto* holder = static_cast<std::shared_ptr<NativeAllReduce>*>(PyCapsule_GetPointer(self, kCapsuleName));
  if (!holder) return nullptr;
  NativeAllReduce& g = **holder;
  if (nargs != 2) {
    PyErr_SetString(PyExc_TypeError, "all_reduce native path: expected (tensor, op)");
    return nullptr;
  }
  if (!is_tensor(args[0])) Py_RETURN_FALSE;
  return guarded([&]() -> PyObject* {
    Tensor t = unwrap_tensor(args[0]);
    if (!t.device().is_cpu() || !t.is_contiguous()) Py_RETURN_FALSE;
    const int64_t n = t.numel();
    const DType dt = t.dtype();
    // A copy: another thread may add plans (and move the vector) while this
    // one waits in MPI without the GIL.
    Plan plan;
    bool found = false;
    for (const Plan& p : g.plans)
      if (p.numel == n && p.dtype == dt && p.op.ptr() == args[1] && (p.fold || p.check) == g.checked) {
        plan = p;
        found = true;
        break;
      }
    if (!found) Py_RETURN_FALSE;
    // 1. The executor: idle (nothing queued), and its lock free now. Names
    // are interned once and methods bound once: this runs per call.
    Py_ssize_t queued = PyObject_Length(g.queue.ptr());
    if (queued < 0) return nullptr;
    if (queued > 0) Py_RETURN_FALSE;
    py::object got = py::reinterpret_steal<py::object>(PyObject_CallOneArg(g.acquire.ptr(), Py_False));
    if (!got) return nullptr;
    if (got.ptr() != Py_True) Py_RETURN_FALSE;
    // From here the lock is held: every exit releases it.
    auto release = [&]() -> bool {
      PyObject* r = PyObject_CallNoArgs(g.release.ptr());
      Py_XDECREF(r);
      return r != nullptr;
    };
    int rc = 0;
    bool mismatch = false;
    const py::object& description = plan.description;
    {
      int closed = executor_flag(g, names().closed);
      if (closed != 0) {
        if (!release() || closed < 0) return nullptr;
        Py_RETURN_FALSE;  // Python's path raises the closed-group error
      }
      // 2. Publish the call to the watchdog (Note [the watchdog keeps the clock] in _work.py).
      py::object calls = py::reinterpret_steal<py::object>(PyObject_GetAttr(g.executor.ptr(), names().calls));
      py::object next = calls ? py::reinterpret_steal<py::object>(PyNumber_Add(calls.ptr(), names().one)) : calls;
      if (!next || PyObject_SetAttr(g.executor.ptr(), names().calls, next.ptr()) != 0 ||
          PyObject_SetAttr(description.ptr(), names().tensor, args[0]) != 0 ||
          PyObject_SetAttr(g.executor.ptr(), names().running, description.ptr()) != 0) {
        release();
        return nullptr;
      }
      // 3. MPI, without the GIL.
      char* data = t->data_bytes();
      Py_BEGIN_ALLOW_THREADS rc = run_plan(g, plan, data, &mismatch);
      Py_END_ALLOW_THREADS
          // 4. Unpublish, release, wake whoever waits for the group to be idle.
          if (PyObject_SetAttr(g.executor.ptr(), names().running, Py_None) != 0 ||
              PyObject_SetAttr(description.ptr(), names().tensor, Py_None) != 0) {
        release();
        return nullptr;
      }
    }
    if (!release()) return nullptr;
    Py_ssize_t waiting = PyObject_Length(g.queue.ptr());
    int drainers = waiting > 0 ? 0 : executor_flag(g, names().drainers);
    if (waiting < 0 || drainers < 0) return nullptr;
    if (waiting > 0 || drainers > 0) {
      PyObject* r = PyObject_CallMethodNoArgs(g.executor.ptr(), names().notify_idle);
      if (!r) return nullptr;
      Py_DECREF(r);
    }
    // 5. Errors, raised by Python as its path raises them.
    if (rc != 0) {
      g.on_error(description, rc);
      PyErr_SetString(PyExc_RuntimeError, "all_reduce: MPI error (the error callback did not raise)");
      return nullptr;
    }
    if (mismatch) {
      g.on_mismatch(description, py::reinterpret_borrow<py::object>(args[0]));
      PyErr_SetString(PyExc_RuntimeError, "all_reduce: signature mismatch (the mismatch callback did not raise)");
      return nullptr;
    }
    Py_RETURN_TRUE;
  });
}

PyMethodDef kRunDef = {"run", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&run_py)), METH_FASTCALL,
                       "run(tensor, op) -> bool: the all_reduce done natively, or False (Note [Native all_reduce])"};

MpiHandle as_handle(const py::handle& h) { return static_cast<MpiHandle>(PyLong_AsUnsignedLongLongMask(h.ptr())); }

}  // namespace

void init_mpi_all_reduce(py::module_& m) {
  py::class_<NativeAllReduce, std::shared_ptr<NativeAllReduce>>(m, "_NativeAllReduce")
      .def(py::init([](py::tuple api, py::int_ comm, py::int_ byte_type, int size, int rank, py::object executor,
                       py::object on_error, py::object on_mismatch) {
        TC_CHECK(api.size() == 4, "_NativeAllReduce: api is (allreduce, allgather, reduce_local, in_place)");
        auto g = std::make_shared<NativeAllReduce>();
        g->allreduce = reinterpret_cast<AllreduceFn>(as_handle(api[0]));
        g->allgather = reinterpret_cast<AllgatherFn>(as_handle(api[1]));
        g->reduce_local = reinterpret_cast<ReduceLocalFn>(as_handle(api[2]));
        g->in_place = reinterpret_cast<void*>(as_handle(api[3]));
        TC_CHECK(g->allreduce && g->allgather && g->reduce_local, "_NativeAllReduce: a null MPI entry point");
        g->comm = as_handle(comm);
        g->byte_type = as_handle(byte_type);
        TC_CHECK(size >= 1 && rank >= 0 && rank < size, "_NativeAllReduce: bad size/rank ", size, "/", rank);
        g->size = size;
        g->rank = rank;
        g->executor = executor;
        g->acquire = executor.attr("_in_mpi").attr("acquire");
        g->release = executor.attr("_in_mpi").attr("release");
        g->queue = executor.attr("_queue");
        g->on_error = on_error;
        g->on_mismatch = on_mismatch;
        return g;
      }))
      // The check record changed size (Checker._set_payload): the plans are stale.
      .def("set_record",
           [](NativeAllReduce& g, int64_t version, py::buffer recv, int64_t record) {
             py::buffer_info info = recv.request(true);
             TC_CHECK(record >= kHeaderBytes && info.size * info.itemsize == record * g.size,
                      "_NativeAllReduce.set_record: the gathered records must be size x record bytes");
             g.plans.clear();
             g.version = version;
             g.recv_owner = recv;
             g.recv = static_cast<char*>(info.ptr);
             g.record = record;
             g.send.assign(static_cast<size_t>(record), 0);
           })
      .def("add_plan",
           [](NativeAllReduce& g, int64_t version, int64_t numel, DType dtype, py::object op, bool fold, bool check,
              py::int_ datatype, py::int_ mpi_op, int local, bool average, py::bytes header, py::object description) {
             if (version != g.version) return false;  // made for a record that has changed since
             const int64_t nbytes = numel * static_cast<int64_t>(itemsize(dtype));
             if (numel <= 0 || numel > INT32_MAX) return false;  // MPI counts are int; nothing to move
             TC_CHECK(!fold || kHeaderBytes + nbytes <= g.record,
                      "_NativeAllReduce.add_plan: the data does not fit in the check record");
             TC_CHECK(!average || dtype == DType::Float32 || dtype == DType::Float64,
                      "_NativeAllReduce.add_plan: AVG is native for float32/float64 only");
             TC_CHECK(local >= 0 && local <= 2, "_NativeAllReduce.add_plan: bad local op");
             std::string h = header;
             TC_CHECK(h.size() == static_cast<size_t>(kHeaderBytes), "_NativeAllReduce.add_plan: header is 64 bytes");
             Plan p;
             p.numel = numel;
             p.dtype = dtype;
             p.op = op;
             p.fold = fold;
             p.check = check && !fold;
             p.datatype = as_handle(datatype);
             p.mpi_op = as_handle(mpi_op);
             p.local = static_cast<LocalOp>(local);
             p.average = average;
             std::memcpy(p.header, h.data(), kHeaderBytes);
             p.description = description;
             if (g.plans.size() >= 64) g.plans.clear();  // bounded, as the Python plan caches
             g.plans.push_back(std::move(p));
             return true;
           })
      .def("clear", [](NativeAllReduce& g) { g.plans.clear(); })
      .def_property(
          "checked", [](const NativeAllReduce& g) { return g.checked; },
          [](NativeAllReduce& g, bool checked) { g.checked = checked; })
      .def_property_readonly("num_plans", [](const NativeAllReduce& g) { return g.plans.size(); })
      // The METH_FASTCALL entry point (no pybind11 dispatch per call).
      .def_property_readonly("run", [](std::shared_ptr<NativeAllReduce> self) {
        auto* holder = new std::shared_ptr<NativeAllReduce>(std::move(self));
        PyObject* capsule = PyCapsule_New(holder, kCapsuleName, [](PyObject* c) {
          delete static_cast<std::shared_ptr<NativeAllReduce>*>(PyCapsule_GetPointer(c, kCapsuleName));
        });
        if (!capsule) {
          delete holder;
          throw py::error_already_set();
        }
        PyObject* f = PyCFunction_NewEx(&kRunDef, capsule, nullptr);
        Py_DECREF(capsule);
        if (!f) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(f);
      });
}

}  // namespace tc::py_glue

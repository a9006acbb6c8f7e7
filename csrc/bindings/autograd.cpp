// Autograd surface: requires_grad/grad/grad_fn/is_leaf, hooks, graph nodes,
// the backward entry point and custom Python Functions.
#include "autograd/accumulate.h"
#include "autograd/engine.h"
#include "autograd/function.h"
#include "autograd/inplace.h"
#include "bindings/common.h"
#include "core/shape_util.h"

namespace tc::py_glue {

using autograd::AutogradMeta;
using autograd::Node;

namespace {

autograd::TensorHook wrap_hook(py::function fn) {
  return [fn](const Tensor& g) -> Tensor {
    py::object r = fn(g);
    if (r.is_none()) return Tensor();
    if (!py::isinstance<TensorImpl>(r))
      throw py::type_error("hook should return None or a Tensor, got " +
                           std::string(py::str(py::type::of(r).attr("__name__"))));
    Tensor t = r.cast<Tensor>();
    TC_CHECK(t.sizes() == g.sizes(), "hook returned a gradient of shape ", shape_str(t.sizes()),
             " but the gradient has shape ", shape_str(g.sizes()));
    return t;
  };
}

// Note [Custom Function nodes]
// The node holds the Python ctx and the class's backward (objects the user
// created), never the outputs: outputs saved with ctx.save_for_backward go
// through SavedTensor, so no reference cycle forms.
struct PyFunctionNode : Node {
  std::string name_;
  py::object ctx, backward;
  std::vector<autograd::SavedTensor> saved;
  bool released = false;
  std::string name() const override { return name_; }
  void release_saved() override {
    for (auto& s : saved) s.reset();
    if (!saved.empty()) released = true;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    py::gil_scoped_acquire gil;
    py::list unpacked;
    for (auto& s : saved) {
      Tensor t = s.unpack(this);
      unpacked.append(t.defined() ? py::cast(t) : py::none());
    }
    ctx.attr("_saved_unpacked") = py::tuple(unpacked);
    py::tuple args(grads.size() + 1);
    args[0] = ctx;
    // An output that got no gradient arrives as zeros, or as None after ctx.set_materialize_grads(False).
    const bool materialize = py::getattr(ctx, "materialize_grads", py::bool_(true)).cast<bool>();
    for (size_t i = 0; i < grads.size(); ++i) {
      Tensor g = grads[i];
      if (!g.defined() && !materialize) {
        args[i + 1] = py::none();
        continue;
      }
      if (!g.defined()) g = ops::zeros(output_shapes[i], output_dtypes[i]);
      args[i + 1] = py::cast(g);
    }
    py::object r = backward(*args);
    ctx.attr("_saved_unpacked") = py::none();
    std::vector<py::object> items;
    if (py::isinstance<py::tuple>(r) || py::isinstance<py::list>(r)) {
      for (auto x : r) items.push_back(py::reinterpret_borrow<py::object>(x));
    } else {
      items.push_back(r);
    }
    // One gradient per forward argument (None for non-tensors); extra ones must be None, as in PyTorch.
    bool extras_none = true;
    for (size_t i = num_args; i < items.size(); ++i) extras_none &= items[i].is_none();
    TC_CHECK(items.size() >= num_args && extras_none, "function ", name_,
             " returned an incorrect number of gradients (expected ", num_args, ", got ", items.size(), ")");
    std::vector<Tensor> out;
    for (size_t i = 0; i < next_edges.size(); ++i) {
      py::object x = items[input_positions[i]];
      if (x.is_none())
        out.push_back(Tensor());
      else {
        TC_CHECK_TYPE(py::isinstance<TensorImpl>(x), "function ", name_, " returned a non-Tensor gradient");
        out.push_back(x.cast<Tensor>());
      }
    }
    return out;
  }
  std::vector<size_t> input_positions;  // which backward return value feeds each edge
  size_t num_args = 0;                  // forward arguments: backward returns one gradient each
  std::vector<Shape> output_shapes;
  std::vector<DType> output_dtypes;
};

// ---- saved-tensor hooks (Note [Saved-tensor hooks] in autograd/saved.h) ----
// The thread's stack of Python (pack, unpack) pairs; the innermost is used.
struct HookPair {
  py::object pack, unpack;
};
std::vector<HookPair>& hook_stack() {
  thread_local std::vector<HookPair> stack;
  return stack;
}
// Set by disable_saved_tensors_hooks: pushing a pair raises it.
std::optional<std::string>& hooks_disabled_message() {
  thread_local std::optional<std::string> message;
  return message;
}

class PyPackedSaved : public autograd::PackedSaved {
 public:
  PyPackedSaved(py::object packed, py::object unpack) : packed_(std::move(packed)), unpack_(std::move(unpack)) {}
  ~PyPackedSaved() override {
    py::gil_scoped_acquire gil;  // a node may be freed where the GIL is not held
    packed_ = py::object();
    unpack_ = py::object();
  }
  Tensor unpack() const override {
    py::gil_scoped_acquire gil;
    py::object r = unpack_(packed_);
    if (!py::isinstance<TensorImpl>(r))
      throw py::type_error("Output of saved tensor unpack_hook expected to be a Tensor but got result of type " +
                           std::string(py::str(py::type::of(r).attr("__name__"))));
    return r.cast<Tensor>();
  }

 private:
  py::object packed_, unpack_;
};

std::shared_ptr<autograd::PackedSaved> pack_with_python_hooks(const Tensor& t) {
  py::gil_scoped_acquire gil;
  const HookPair& top = hook_stack().back();
  py::object packed = top.pack(py::cast(t));
  return std::make_shared<PyPackedSaved>(std::move(packed), top.unpack);
}

void raise_if_hooks_disabled() {
  if (hooks_disabled_message()) throw std::runtime_error(*hooks_disabled_message());
}

py::object grad_of(const Tensor& t) {
  AutogradMeta* m = t->autograd.get();
  if (!m) return py::none();
  if (m->grad_fn) {
    // A non-leaf's .grad: what retain_grad() collected, else what the user
    // assigned (PyTorch keeps both; only an empty, unretained one warns).
    if (m->retained) return m->retained->grad.defined() ? py::cast(m->retained->grad) : py::none();
    if (m->grad.defined()) return py::cast(m->grad);
    PyErr_WarnEx(PyExc_UserWarning,
                 "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                 "attribute won't be populated during autograd.backward(). If you indeed want the .grad field to "
                 "be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access "
                 "the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead.",
                 1);
    return py::none();
  }
  return m->grad.defined() ? py::cast(m->grad) : py::none();
}

void set_requires_grad(const Tensor& t, bool v) {
  AutogradMeta* m = t->autograd.get();
  if (m && m->grad_fn) {
    TC_CHECK(v,
             "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
             "in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    return;
  }
  if (v)
    TC_CHECK(is_floating(t.dtype()) || is_complex(t.dtype()),
             "only Tensors of floating point dtype can require gradients (got ", dtype_name(t.dtype()),
             "); convert with .float() first");
  if (!v && !m) return;
  autograd::meta(t).requires_grad = v;
}

}  // namespace

void init_autograd(py::module_& m, py::class_<TensorImpl, Tensor>& cls) {
  py::class_<Node, std::shared_ptr<Node>> node(m, "_Node");
  node.def("name", &Node::display_name);
  // Note [Composite node names]: renames out's node unless it belongs to an input.
  m.def("_rename_grad_fn", [](const Tensor& out, const std::string& name, const std::vector<Tensor>& inputs) {
    AutogradMeta* om = out->autograd.get();
    if (!om || !om->grad_fn) return;
    for (const Tensor& in : inputs)
      if (in.defined() && in->autograd && in->autograd->grad_fn == om->grad_fn) return;
    om->grad_fn->renamed = name;
  });
  // grad_fn(*grad_outputs): the node's backward formula applied directly, as
  // PyTorch's Node.__call__ (one tensor or None per forward output; a tuple of
  // input gradients back, or the only one). All None: nothing to apply.
  node.def("__call__", [](Node& n, py::args args) -> py::object {
    if (args.size() != n.num_outputs)
      throw py::type_error("expected " + std::to_string(n.num_outputs) + " arguments, got " +
                           std::to_string(args.size()) + " instead");
    std::vector<Tensor> grads;
    bool any = false;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].is_none()) {
        grads.emplace_back();
        continue;
      }
      if (!py::isinstance<TensorImpl>(args[i]))
        throw py::type_error("argument " + std::to_string(i) + " is not a Variable");
      grads.push_back(args[i].cast<Tensor>());
      any = true;
    }
    std::vector<Tensor> outs;
    if (any) outs = n.apply(std::move(grads));
    outs.resize(n.next_edges.size());
    auto wrap = [](const Tensor& t) -> py::object { return t.defined() ? py::cast(t) : py::none(); };
    if (outs.size() == 1) return wrap(outs[0]);
    py::tuple result(outs.size());
    for (size_t i = 0; i < outs.size(); ++i) result[i] = wrap(outs[i]);
    return result;
  });
  // Note [grad_fn._saved_ attributes]: grad_fn._saved_<name> unpacks the saved
  // slot PyTorch's node calls <name> (through the unpack hook when one packed
  // it); None when the slot was not needed (Note [Product operands saved on
  // demand]); the freed-graph error after backward released it.
  node.def("_saved", [](Node& n, const std::string& name) -> py::object {
    auto* fn = dynamic_cast<autograd::FormulaNode*>(&n);
    if (fn && fn->saved_names) {
      for (size_t i = 0; fn->saved_names[i] && i < fn->saved.size(); ++i) {
        if (name != fn->saved_names[i]) continue;
        Tensor t = fn->saved[i].unpack(fn);
        if (!t.defined()) return py::none();
        if (name == "exponent" && t->wrapped_number) return py::cast(t).attr("item")();  // a Scalar field in PyTorch
        return py::cast(t);
      }
    }
    throw py::attribute_error("'" + n.display_name() + "' object has no attribute '_saved_" + name + "'");
  });
  node.def_property_readonly("_saved_names", [](const Node& n) {
    py::list out;
    auto* fn = dynamic_cast<const autograd::FormulaNode*>(&n);
    if (fn && fn->saved_names)
      for (size_t i = 0; fn->saved_names[i] && i < fn->saved.size(); ++i) out.append(fn->saved_names[i]);
    return out;
  });
  m.def("_push_saved_tensors_hooks", [](py::function pack, py::function unpack) {
    raise_if_hooks_disabled();
    hook_stack().push_back({std::move(pack), std::move(unpack)});
    autograd::set_thread_pack_hook(&pack_with_python_hooks);
  });
  m.def("_pop_saved_tensors_hooks", []() {
    auto& stack = hook_stack();
    TC_CHECK(!stack.empty(), "pop of saved tensor hooks without a matching push");
    stack.pop_back();
    if (stack.empty()) autograd::set_thread_pack_hook(nullptr);
  });
  m.def("_saved_tensors_hooks_disable", [](const std::string& message) {
    hooks_disabled_message() = message;
    if (!hook_stack().empty()) raise_if_hooks_disabled();
  });
  m.def("_saved_tensors_hooks_enable", []() { hooks_disabled_message().reset(); });
  m.def("_saved_tensors_hooks_get_disabled_error_message",
        []() -> py::object { return hooks_disabled_message() ? py::cast(*hooks_disabled_message()) : py::none(); });
  node.def_property_readonly("_addr", [](const Node& n) { return reinterpret_cast<uintptr_t>(&n); });
  node.def_property_readonly("_is_custom",
                             [](const Node& n) { return dynamic_cast<const PyFunctionNode*>(&n) != nullptr; });
  node.def_property_readonly("next_functions", [](const Node& n) {
    py::list out;
    for (auto& e : n.next_edges) {
      if (e.valid())
        out.append(py::make_tuple(py::cast(e.fn), e.input_nr));
      else
        out.append(py::make_tuple(py::none(), 0));
    }
    return py::tuple(out);
  });
  node.def_property_readonly("variable", [](const Node& n) -> py::object {
    if (auto* acc = dynamic_cast<const autograd::AccumulateGrad*>(&n)) return py::cast(acc->variable);
    throw py::attribute_error("'" + n.name() + "' object has no attribute 'variable'");
  });
  node.def("_register_hook", [](Node& n, py::function fn) {
    int64_t id = autograd::next_hook_id();
    n.post_hooks.push_back({id, [fn](const std::vector<Tensor>& gin, const std::vector<Tensor>& gout) {
                              py::tuple a(gin.size()), b(gout.size());
                              for (size_t i = 0; i < gin.size(); ++i)
                                a[i] = gin[i].defined() ? py::cast(gin[i]) : py::none();
                              for (size_t i = 0; i < gout.size(); ++i)
                                b[i] = gout[i].defined() ? py::cast(gout[i]) : py::none();
                              py::object r = fn(a, b);
                              std::vector<Tensor> out;
                              if (r.is_none()) return out;
                              for (auto x : r) out.push_back(x.is_none() ? Tensor() : x.cast<Tensor>());
                              return out;
                            }});
    return id;
  });
  node.def("_remove_hook", [](Node& n, int64_t id) {
    auto& v = n.post_hooks;
    v.erase(std::remove_if(v.begin(), v.end(), [id](auto& p) { return p.first == id; }), v.end());
  });

  // ---- tensor autograd properties ----
  cls.def_property(
      "requires_grad", [](const Tensor& t) { return t.requires_grad(); },
      [](const Tensor& t, py::handle v) {
        TC_CHECK(PyBool_Check(v.ptr()), "requires_grad must be a bool");
        // The attribute (unlike requires_grad_()) may not be set at all on a non-leaf, as in PyTorch.
        TC_CHECK(!(t->autograd && t->autograd->grad_fn), "you can only change requires_grad flags of leaf variables.",
                 v.ptr() == Py_True ? ""
                                    : " If you want to use a computed variable in a subgraph that doesn't require "
                                      "differentiation use var_no_grad = var.detach().");
        set_requires_grad(t, v.ptr() == Py_True);
      });
  cls.def(
      "requires_grad_",
      [](Tensor& t, py::handle v) -> Tensor& {
        // A bool only (pybind's bool would take 0, 1.0 or None), as PyTorch's parser.
        if (!PyBool_Check(v.ptr()))
          throw py::type_error(
              std::string("requires_grad_(): argument 'requires_grad' (position 1) must be bool, not ") +
              Py_TYPE(v.ptr())->tp_name);
        set_requires_grad(t, v.ptr() == Py_True);
        return t;
      },
      py::arg("requires_grad") = py::bool_(true));
  cls.def_property("grad", &grad_of, [](const Tensor& t, py::object g) {
    if (g.is_none()) {
      if (t->autograd) {
        t->autograd->grad.reset();
        if (t->autograd->retained) t->autograd->retained->grad.reset();
      }
      return;
    }
    TC_CHECK_TYPE(py::isinstance<TensorImpl>(g), "assigned grad expected to be a Tensor or None but got grad of type ",
                  std::string(py::str(py::type::of(g).attr("__name__"))));
    Tensor gt = g.cast<Tensor>();
    TC_CHECK(gt.dtype() == t.dtype(), "assigned grad has data of a different type (", dtype_name(gt.dtype()), " vs ",
             dtype_name(t.dtype()), ")");
    TC_CHECK(gt.sizes() == t.sizes(), "assigned grad has data of a different size (", shape_str(gt.sizes()), " vs ",
             shape_str(t.sizes()), ")");
    AutogradMeta& m = autograd::meta(t);
    if (m.grad_fn && m.retained)
      m.retained->grad = gt;  // backward accumulates into it
    else
      m.grad = gt;
  });
  cls.def_property_readonly("_grad_fn", [](const Tensor& t) -> py::object {
    AutogradMeta* m = t->autograd.get();
    if (m && !m->grad_fn) autograd::check_no_grad_view_history(t);  // Note [Views taken in no_grad mode]
    if (!m || !m->grad_fn) return py::none();
    autograd::gradient_edge(t);  // a stale view's grad_fn is regenerated first (Note [Stale view history])
    return py::cast(m->grad_fn);
  });
  cls.def_property_readonly("is_leaf", [](const Tensor& t) { return !(t->autograd && t->autograd->grad_fn); });
  cls.def_property_readonly("output_nr", [](const Tensor& t) { return t->autograd ? t->autograd->output_nr : 0; });
  cls.def("retain_grad", [](const Tensor& t) {
    AutogradMeta* m = t->autograd.get();
    TC_CHECK(t.requires_grad(), "can't retain_grad on Tensor that has requires_grad=False");
    if (!m->grad_fn || m->retained) return;  // leaves always keep .grad
    m->retained = std::make_shared<autograd::RetainedGrad>();
    m->grad_fn->retained_grads.push_back({m->output_nr, m->retained});
  });
  cls.def_property_readonly("retains_grad", [](const Tensor& t) {
    return t->autograd && t->autograd->grad_fn && t->autograd->retained != nullptr;
  });
  cls.def("_register_hook", [](const Tensor& t, py::function fn) {
    TC_CHECK(t.requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
    AutogradMeta& m = autograd::meta(t);
    int64_t id = autograd::next_hook_id();
    if (m.grad_fn)
      m.grad_fn->pre_hooks.push_back({id, m.output_nr, wrap_hook(fn)});
    else
      m.leaf_hooks.push_back({id, wrap_hook(fn)});
    return id;
  });
  cls.def("_register_post_accumulate_grad_hook", [](const Tensor& t, py::function fn) {
    TC_CHECK(t.requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
    TC_CHECK(!(t->autograd && t->autograd->grad_fn),
             "post accumulate grad hooks cannot be registered on non-leaf tensors");
    int64_t id = autograd::next_hook_id();
    autograd::meta(t).post_accumulate_hooks.push_back({id, [fn](const Tensor& leaf) {
                                                         py::object r = fn(leaf);
                                                         TC_CHECK_TYPE(r.is_none(),
                                                                       "post accumulate grad hooks must return None");
                                                       }});
    return id;
  });
  cls.def("_remove_hook", [](const Tensor& t, int64_t id) {
    AutogradMeta* m = t->autograd.get();
    if (!m) return;
    auto& lh = m->leaf_hooks;
    lh.erase(std::remove_if(lh.begin(), lh.end(), [id](auto& p) { return p.first == id; }), lh.end());
    auto& pa = m->post_accumulate_hooks;
    pa.erase(std::remove_if(pa.begin(), pa.end(), [id](auto& p) { return p.first == id; }), pa.end());
    if (m->grad_fn) {
      auto& ph = m->grad_fn->pre_hooks;
      ph.erase(std::remove_if(ph.begin(), ph.end(), [id](auto& p) { return p.id == id; }), ph.end());
    }
  });
  cls.def_property(
      // Note [.data has its own version counter]
      // `.data` aliases the memory but, unlike detach(), counts its own
      // versions, as PyTorch's variable_data(): an in-place write through it
      // (`w.data.mul_(2)`, old optimizers, weight clipping) is invisible to
      // autograd's saved-tensor checks, so backward runs where PyTorch runs.
      "data",
      [](const Tensor& t) {
        Tensor d = ops::detach(t);
        d->version = std::make_shared<VersionCounter>();
        return d;
      },
      [](Tensor& t, const Tensor& src) {
        t->storage = src->storage;
        t->sizes = src.sizes();
        t->strides = src.strides();
        t->offset = src->offset;
        t->dtype = src.dtype();
        t->device = src.device();  // Note [Device of a tensor]: `p.data = p.cuda()` moves p (Module.to)
      });
  cls.def("detach", &ops::detach);
  // Moves `src`'s history onto `self` after an in-place write (CopySlices).
  cls.def(
      "_check_inplace",
      [](const Tensor& self, const char* op, bool writes_data, bool others_require_grad) {
        autograd::check_inplace(self, op, writes_data, others_require_grad);
      },
      py::arg("op"), py::arg("writes_data") = true, py::arg("others_require_grad") = false);
  cls.def("_rebase_history", [](Tensor& self, const Tensor& src) { autograd::rebase_history(self, src); });
  // Note [View creation meta]: a custom Function's output that is a view refuses in-place writes.
  cls.def("_mark_custom_function_view", [](const Tensor& t) {
    if (t->autograd && t->autograd->view_base.defined())
      t->autograd->view_creation = autograd::ViewCreation::InCustomFunction;
  });
  cls.def("_commit_inplace_view", [](Tensor& self, const Tensor& view) { autograd::commit_inplace_view(self, view); });
  // A copy of self's values carrying self's history: what an in-place op
  // written in Python computes from (its node may save it; self is overwritten).
  cls.def("_snapshot_for_inplace", [](const Tensor& self) { return autograd::snapshot_for_inplace(self); });
  cls.def("detach_", [](Tensor& t) -> Tensor& {
    // PyTorch refuses views (Note [Every view knows its base]).
    TC_CHECK(!(t->autograd && t->autograd->view_base.defined()), "Can't detach views in-place. Use detach() instead.");
    if (t->autograd) {
      t->autograd->grad_fn.reset();
      t->autograd->requires_grad = false;
    }
    return t;
  });
  // Note [Every view knows its base] (ops/views.cpp): PyTorch's `_base` (the
  // root the view's memory belongs to) and `_is_view()`.
  cls.def_property_readonly("_base", [](const Tensor& t) -> py::object {
    const AutogradMeta* m = t->autograd.get();
    return m && m->view_base.defined() ? py::cast(m->view_base) : py::none();
  });
  cls.def("_is_view", [](const Tensor& t) { return t->autograd && t->autograd->view_base.defined(); });
  // Note [Placeholder storage]: tensorcore.sparse marks its dense placeholder.
  cls.def("_mark_placeholder", [](const Tensor& t) { t->storage->placeholder = true; });
  // A custom Function's non-differentiable output loses its history, view or not.
  cls.def("_drop_history", [](Tensor& t) {
    if (t->autograd) {
      t->autograd->grad_fn.reset();
      t->autograd->requires_grad = false;
      // A non-differentiable output is no view either (PyTorch: `_base` None), or it would answer its
      // base's requires_grad (Tensor::requires_grad).
      t->autograd->view_base = Tensor();
      t->autograd->view_creation = autograd::ViewCreation::Default;
    }
  });

  // ---- grad mode and the engine ----
  m.def("is_grad_enabled", &autograd::grad_enabled);
  m.def("_live_autograd_nodes", &autograd::live_node_count);
  m.def("_set_grad_enabled", &autograd::set_grad_enabled);
  m.def("_run_backward",
        [](const std::vector<Tensor>& roots, const std::vector<std::optional<Tensor>>& grads, bool keep_graph,
           bool create_graph, const std::vector<Tensor>& inputs, bool accumulate, bool allow_unused) {
          std::vector<Tensor> g;
          for (auto& x : grads) g.push_back(x ? *x : Tensor());
          std::vector<Tensor> r =
              autograd::run_backward(roots, g, keep_graph, create_graph, inputs, accumulate, allow_unused);
          py::list out;
          for (auto& t : r) out.append(t.defined() ? py::cast(t) : py::none());
          return out;
        });

  // ---- custom Functions ----
  m.def("_make_function_node",
        [](const std::string& name, py::object ctx, py::object backward, const std::vector<py::object>& args,
           const std::vector<Tensor>& outputs, const std::vector<py::object>& to_save) {
          std::vector<Tensor> inputs;
          auto node = std::make_shared<PyFunctionNode>();
          node->name_ = name;
          node->ctx = ctx;
          node->backward = backward;
          node->num_args = args.size();
          for (size_t i = 0; i < args.size(); ++i) {
            if (!py::isinstance<TensorImpl>(args[i])) continue;
            Tensor t = args[i].cast<Tensor>();
            node->next_edges.push_back(autograd::gradient_edge(t));
            node->input_meta.push_back({t.sizes(), t.dtype(), t.device()});
            node->input_positions.push_back(i);
          }
          for (auto& o : outputs) {
            node->output_shapes.push_back(o.sizes());
            node->output_dtypes.push_back(o.dtype());
          }
          node->num_outputs = static_cast<uint32_t>(outputs.size());
          autograd::set_history(outputs, node);
          for (auto& s : to_save) {
            if (s.is_none()) {
              node->saved.emplace_back();
              continue;
            }
            Tensor t = s.cast<Tensor>();
            bool is_out = false;
            for (auto& o : outputs) is_out |= o.same(t);
            node->saved.emplace_back(t, is_out);
          }
          return std::shared_ptr<Node>(node);
        });
}

}  // namespace tc::py_glue

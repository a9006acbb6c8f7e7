"""tensorcore.futures: PyTorch's torch.futures.Future, the value of an
asynchronous operation (Work.get_future(), DDP communication hooks), with
`then` chaining and `collect_all`/`wait_all`."""
import threading
from typing import Generic, TypeVar

__all__ = ["Future", "collect_all", "wait_all"]

T = TypeVar("T")


class Future(Generic[T]):  # Generic: annotations write Future[Tensor] (torch.jit.fork examples)
    """A value (or an error) that becomes available later. `wait()` blocks
    until then and returns the value (or raises the error); `then(cb)`
    returns a new Future holding `cb(this_future)`'s return value; callbacks
    run on the thread that completes the future, or inline when it already
    is complete."""

    def __init__(self, *, devices=None):
        self._cv = threading.Condition()
        self._done = False
        self._value = None
        self._exception = None
        self._callbacks = []

    def done(self):
        """True once a value or an error is set (the callbacks may still run)."""
        return self._done

    def wait(self):
        """Blocks until the future is complete; returns its value or raises its error."""
        with self._cv:
            while not self._done:
                self._cv.wait()
        return self.value()

    def value(self):
        """The value of a completed future (raises its error). Call it after
        wait() or inside a `then` callback."""
        if not self._done:
            raise RuntimeError("Future.value(): the future is not completed yet; call wait() first")
        if self._exception is not None:
            raise self._exception
        return self._value

    def set_result(self, result):
        """Completes the future with `result` and runs its callbacks."""
        self._complete(result, None)

    def set_exception(self, result):
        """Completes the future with an error: wait() and value() raise it."""
        if not isinstance(result, BaseException):  # PyTorch's exception type for it
            raise AssertionError(f"{result!r} is of type {type(result)}, not an Exception.")
        self._complete(None, result)

    def _complete(self, value, exception):
        with self._cv:
            if self._done:
                raise RuntimeError("Attempting to mark a completed Future as complete again. Note that a Future "
                                   "can only be marked completed once.")
            self._value, self._exception, self._done = value, exception, True
            callbacks, self._callbacks = self._callbacks, []
            self._cv.notify_all()
        for cb in callbacks:
            cb(self)

    def add_done_callback(self, callback):
        """Runs `callback(self)` once the future completes (at once if it is)."""
        with self._cv:
            if not self._done:
                self._callbacks.append(callback)
                return
        callback(self)

    def then(self, callback):
        """A new Future completed with `callback(self)`; an error in the
        callback completes it with a RuntimeError naming that error (PyTorch's)."""
        out = Future()

        def run(fut):
            try:
                value = callback(fut)
            except Exception as e:  # delivered through the returned future
                error = RuntimeError(f"Got the following error when running the callback: {type(e).__name__}: {e}")
                error.__cause__ = e
                out.set_exception(error)
            else:
                out.set_result(value)
        self.add_done_callback(run)
        return out

    def __repr__(self):
        return f"<tensorcore.futures.Future {'completed' if self._done else 'pending'}>"


def collect_all(futures):
    """A Future completed with the list of `futures` once all of them are."""
    futures = list(futures)
    out = Future()
    if not futures:
        out.set_result([])
        return out
    remaining = [len(futures)]
    lock = threading.Lock()

    def one_done(_):
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            out.set_result(futures)
    for f in futures:
        f.add_done_callback(one_done)
    return out


def wait_all(futures):
    """Waits for every future; returns their values (raises the first error)."""
    return [f.wait() for f in futures]

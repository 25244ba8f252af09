"""Bulk translation on a Ray cluster (Ray Data), same output as a local run.

The driver keeps everything that must stay single: it reads the input (translator's own
safe archive code), writes the outputs and the report, resumes, and owns the SQLite
translation memory (served to the actors by one small actor on the driver's machine).
Actors translate: each owns one :class:`~translator.pipeline.Translator` (the model
loaded once per actor, CTranslate2 threads matching the actor's CPUs) and receives
batches of articles through ``Dataset.map_batches`` with an actor pool, so sentences
still batch across articles. Items travel pickled, results come back pickled (errors
are picklable), in input order (``preserve_order``). Ray restarts an actor that dies
and retries its batch.

Ray is imported only here, and only when this backend is chosen:
``pip install "translator[ray]"``.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from translator.bulk.sources import Item
from translator.errors import EngineError
from translator.memory import StoredSegment, TranslationMemory
from translator.pipeline import Translator

# Articles a Ray dataset covers at once: the input streams through in windows of this
# many batches per actor, so the driver never holds the whole archive.
WINDOW_BATCHES = 16


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide to run.

    Attributes:
        address: A running cluster (``ray://host:10001`` or ``auto``); None starts a
            local Ray with this machine's cores.
        actors: Translators in the pool (each loads the model once).
        threads_per_actor: CPUs each actor reserves, and its CTranslate2 threads.
        gpus_per_actor: GPUs each actor reserves (fractions share one); with any, the
            model runs on ``cuda``.
    """

    address: str | None = None
    actors: int = 2
    threads_per_actor: int = 1
    gpus_per_actor: float = 0.0


def stream(
    translator: Translator, items: Iterable[Item], batch_size: int, options: RayOptions
) -> Iterator[Any]:
    """Yield the :class:`~translator.bulk.ItemResult` of each item, in input order.

    Raises:
        EngineError: Ray is not installed, or the cluster cannot be reached.
    """
    ray = _ray(options.address)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    decoding: dict[str, Any] = {"intra_threads": options.threads_per_actor, "inter_threads": 1}
    if options.gpus_per_actor:
        decoding["device"] = "cuda"
    replica = translator.replica_options(**decoding)
    memory = _memory_server(ray, translator.translation_memory)
    window = batch_size * options.actors * WINDOW_BATCHES
    pending = iter(items)
    while chunk := list(islice(pending, window)):
        rows = [{"item": pickle.dumps(item)} for item in chunk]
        dataset = ray.data.from_items(rows).map_batches(
            _Worker,
            fn_constructor_kwargs={"options": replica, "memory": memory},
            compute=ray.data.ActorPoolStrategy(size=options.actors),
            batch_size=batch_size,
            num_cpus=options.threads_per_actor,
            num_gpus=options.gpus_per_actor or None,
            batch_format="numpy",
        )
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            for payload in batch["result"]:
                yield pickle.loads(payload)


def _loopback(ray: Any) -> None:
    """Make the local Ray that ``ray.init()`` starts listen on 127.0.0.1 only: nothing
    leaves the machine. Ray binds its servers to the node's address, which is the
    loopback one where Ray thinks it runs no cluster (its switch for macOS and Windows;
    the variable reaches the processes it starts). Checked with Ray 2.60."""
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    constants = getattr(getattr(ray, "_private", None), "ray_constants", None)
    if constants is not None:
        constants.ENABLE_RAY_CLUSTER = False


def _ray(address: str | None) -> Any:
    try:
        import ray
        import ray.data  # noqa: F401 (the Data library is a separate import)
    except ImportError:
        problem = 'the Ray backend needs Ray: pip install "translator[ray]"'
        raise EngineError(problem=problem) from None
    if not ray.is_initialized():
        if address is None:
            _loopback(ray)
        try:
            ray.init(
                address=address, include_dashboard=False, log_to_driver=False,
                configure_logging=False,
            )  # fmt: skip
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise EngineError(problem=f"cannot reach the Ray cluster: {error}") from None
    return ray


class _Worker:
    """One actor of the pool: a Translator, loaded once, translating batches of items."""

    def __init__(self, options: dict[str, Any], memory: Any) -> None:
        self.translator = Translator(**options)
        if memory is not None:
            self.translator.translation_memory = _RemoteMemory(memory)  # type: ignore[assignment]

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from translator.bulk.items import translate_isolated

        items = [pickle.loads(payload) for payload in batch["item"]]
        results = translate_isolated(self.translator, items)
        return {"result": np.array([pickle.dumps(r) for r in results], dtype=object)}


class _MemoryServer:
    """The driver's SQLite translation memory, served to the actors."""

    def __init__(self, path: str) -> None:
        self.memory = TranslationMemory(path)

    def call(self, method: str, *args: Any) -> Any:
        return getattr(self.memory, method)(*args)


def _memory_server(ray: Any, memory: TranslationMemory | None) -> Any:
    """An actor on the driver's node serving ``memory``, or None."""
    if memory is None:
        return None
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
    server = ray.remote(num_cpus=0, scheduling_strategy=here)(_MemoryServer)
    return server.remote(os.fspath(memory.path))


class _RemoteMemory:
    """What a Translator asks of its memory, forwarded to the driver's memory actor."""

    def __init__(self, server: Any) -> None:
        self.server = server

    def _call(self, method: str, *args: Any) -> Any:
        import ray

        return ray.get(self.server.call.remote(method, *args))

    def human(self, sources: Iterable[str]) -> dict[str, str]:
        return dict(self._call("human", list(sources)))

    def machine(self, model: str, settings: str, sources: Iterable[str]) -> dict[str, str]:
        return dict(self._call("machine", model, settings, list(sources)))

    def store(self, segments: Iterable[StoredSegment]) -> int:
        return int(self._call("store", list(segments)))

    def detection(self, key: str) -> tuple[str, float, float, str] | None:
        found = self._call("detection", key)
        return None if found is None else tuple(found)

    def store_detection(self, key: str, found: tuple[str, float, float, str]) -> None:
        self._call("store_detection", key, found)

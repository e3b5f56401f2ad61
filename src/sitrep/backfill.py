"""Backfills on Dask distributed: workers extract, one writer stores.

Inputs are read here as a stream, reports already stored are dropped before they are sent,
and the rest go out in partitions of ``partition_size`` reports. Each worker loads the
pipeline once (``ExtractorPlugin``) and sends back whole ``Extraction``s; this process writes
them through ``ReportWriter`` in input order, one transaction per partition, so the store is
the one ``sitrep ingest`` builds from the same inputs.

Memory is bounded: at most ``max_in_flight`` partitions are out (sent, or back and waiting
for an earlier one to be written), whatever the number of inputs. A worker that dies has its
partition re-run by the scheduler; each partition is written once, and the writer skips
reports already stored, so nothing is lost or doubled. A crash of this process leaves whole
partitions only, and a re-run resumes.

    with connect("local", workers=2) as client:
        summary = backfill_paths(["news/"], store, client)
"""

from __future__ import annotations

import importlib.util
import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dask
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

from sitrep.ingest import IngestError, read_reports
from sitrep.models import Extraction, Report
from sitrep.process import IngestSummary, ProgressHook, ReportWriter, split_errors, unstored
from sitrep.store import Store

if TYPE_CHECKING:
    from sitrep.link import EpisodeConfig, LinkConfig
    from sitrep.nlp.pipeline import Extractor

PLUGIN_NAME = "sitrep-extractor"
# A local cluster's workers run one long parse after another. Dask's defaults cost them CPU
# for nothing here: the statistical profiler samples every thread each 10 ms, and a low
# MALLOC_TRIM_THRESHOLD_ hands freed memory back to the system after every batch, so the next
# batch faults it in again (seconds of system time per worker on a thousand reports).
LOCAL_WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}
DEFAULT_PARTITION_SIZE = 32


class BackfillError(RuntimeError):
    """A backfill cannot start or go on (no scheduler, workers with another sitrep)."""


@dataclass(frozen=True)
class CatalogFile:
    """A user catalog file carried to the workers, which may not share our disk."""

    name: str
    text: str


def catalog_files(paths: Iterable[Path]) -> tuple[CatalogFile, ...]:
    """The ``--catalog`` files (a folder gives its ``*.toml`` files), in the order given."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.toml")) if path.is_dir() else [path]
    try:
        return tuple(CatalogFile(p.name, p.read_text(encoding="utf-8")) for p in files)
    except (OSError, UnicodeDecodeError) as exc:
        raise BackfillError(f"cannot read catalog file: {exc}") from None


class ExtractorPlugin(WorkerPlugin):
    """A Dask worker plugin: loads the pipeline once per worker, with the run's catalogs.

    It refuses to start on a worker whose extractor version differs from the writer's, as
    its extractions would not be those ``sitrep ingest`` makes here.
    """

    name = PLUGIN_NAME

    def __init__(
        self,
        extractor_version: str,
        *,
        catalogs: Sequence[CatalogFile] = (),
        bundled_actors: bool = True,
        batch_size: int = DEFAULT_PARTITION_SIZE,
    ) -> None:
        self.extractor_version = extractor_version
        self.catalogs = tuple(catalogs)
        self.bundled_actors = bundled_actors
        self.batch_size = batch_size
        self.extractor: Extractor | None = None

    def setup(self, worker: Any) -> None:
        from sitrep.nlp.pipeline import EXTRACTOR_VERSION, Extractor

        if self.extractor_version != EXTRACTOR_VERSION:
            raise BackfillError(
                f"worker {worker.address} runs {EXTRACTOR_VERSION}, the writer"
                f" {self.extractor_version}: install the same sitrep on every machine"
            )
        folder = Path(worker.local_directory) / "sitrep-catalogs"
        paths = []
        for n, catalog in enumerate(self.catalogs):
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{n:03d}-{catalog.name}"
            path.write_text(catalog.text, encoding="utf-8")
            paths.append(path)
        extractor = Extractor(
            catalogs=paths, bundled_actors=self.bundled_actors, batch_size=self.batch_size
        )
        _ = extractor.nlp  # load the model now, not inside the first task
        self.extractor = extractor

    def teardown(self, worker: Any) -> None:
        self.extractor = None


def extract_partition(reports: list[Report]) -> list[Extraction]:
    """The task each partition runs on a worker: its reports' extractions, in order."""
    plugin = get_worker().plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, ExtractorPlugin) or plugin.extractor is None:
        raise BackfillError("the sitrep extractor plugin is not set up on this worker")
    return list(plugin.extractor.extract(reports))


def partitions(reports: Iterable[Report], size: int) -> Iterator[list[Report]]:
    """Consecutive runs of ``size`` reports (the last may be shorter)."""
    iterator = iter(reports)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def backfill_reports(
    store: Store,
    reports: Iterable[Report],
    client: Client,
    *,
    catalogs: Sequence[Path] = (),
    bundled_actors: bool = True,
    rule: str = "conservative",
    link_config: LinkConfig | None = None,
    episode_config: EpisodeConfig | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    max_in_flight: int | None = None,
    summary: IngestSummary | None = None,
    progress: ProgressHook | None = None,
) -> IngestSummary:
    """Extract ``reports`` on the client's workers and write them here, in input order.

    ``max_in_flight`` (default: twice the number of workers, at least 2) caps the partitions
    out at once, sent or back and waiting to be written.
    """
    from sitrep.nlp.pipeline import EXTRACTOR_VERSION

    if partition_size < 1:
        raise BackfillError(f"a partition holds at least one report, not {partition_size}")
    if max_in_flight is not None and max_in_flight < 1:
        raise BackfillError(f"at least one partition must be out at once, not {max_in_flight}")
    summary = summary or IngestSummary()
    writer = ReportWriter(
        store,
        rule=rule,
        link_config=link_config,
        episode_config=episode_config,
        summary=summary,
    )
    plugin = ExtractorPlugin(
        EXTRACTOR_VERSION,
        catalogs=catalog_files(catalogs),
        bundled_actors=bundled_actors,
        batch_size=partition_size,
    )
    _register(client, plugin)
    window = max_in_flight or max(2, 2 * len(client.scheduler_info().get("workers", {})))

    run = uuid.uuid4().hex[:8]
    queue = enumerate(partitions(unstored(reports, store, summary, progress), partition_size))
    position: dict[str, int] = {}  # future key -> partition number
    arrived: dict[int, list[Extraction]] = {}  # back early, waiting for an earlier one
    next_to_write = 0
    futures = as_completed()

    def send() -> bool:
        found = next(queue, None)
        if found is None:
            return False
        number, batch = found
        key = f"sitrep-partition-{run}-{number}"
        future = client.submit(extract_partition, batch, key=key, pure=False, retries=1)
        position[future.key] = number
        futures.add(future)
        return True

    while len(position) < window and send():
        pass
    for future in futures:
        try:
            extractions = future.result()
        except BackfillError:
            raise
        except Exception as exc:
            raise BackfillError(f"a partition failed on the workers: {exc}") from exc
        arrived[position.pop(future.key)] = extractions
        future.release()
        while next_to_write in arrived:
            batch = arrived.pop(next_to_write)
            writer.write_all(batch)
            if progress:
                progress("report", len(batch))
            next_to_write += 1
        while len(position) + len(arrived) < window and send():
            pass
    return summary


def backfill_paths(
    paths: Sequence[str | Path],
    store: Store,
    client: Client,
    *,
    max_bytes: int = 5_000_000,
    on_error: Callable[[IngestError], None] | None = None,
    **options: Any,
) -> IngestSummary:
    """Read files/folders (bad inputs are collected) and backfill every report in them;
    ``options`` are those of ``backfill_reports``."""
    summary = IngestSummary()
    reports = split_errors(read_reports(paths, max_bytes=max_bytes), summary, on_error)
    return backfill_reports(store, reports, client, summary=summary, **options)


def _register(client: Client, plugin: ExtractorPlugin) -> None:
    try:
        client.register_plugin(plugin, name=PLUGIN_NAME)
    except BackfillError:
        raise
    except Exception as exc:
        raise BackfillError(f"cannot start the extractor on the workers: {exc}") from exc


def has_bokeh() -> bool:
    """True when bokeh, which the Dask dashboard needs, is installed here."""
    return importlib.util.find_spec("bokeh") is not None


@contextmanager
def connect(scheduler: str, *, workers: int = 2) -> Iterator[Client]:
    """A client of ``scheduler``: ``local`` starts a LocalCluster of ``workers`` processes
    (one thread each, its dashboard on a free loopback port); an address
    (``tcp://HOST:8786``) joins a running scheduler."""
    if scheduler == "local":
        if workers < 1:
            raise BackfillError(f"--workers must be at least 1, not {workers}")
        try:
            with dask.config.set(LOCAL_WORKER_CONFIG):
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",  # a free loopback port, never a fixed one
                )
        except Exception as exc:
            raise BackfillError(f"cannot start a local Dask cluster: {exc}") from exc
        with cluster, Client(cluster) as client:
            yield client
        return
    if not scheduler.startswith(("tcp://", "tls://", "ws://", "wss://", "inproc://")):
        raise BackfillError(
            f"--scheduler wants `local` or an address such as tcp://HOST:8786, got {scheduler!r}"
        )
    try:
        client = Client(scheduler, timeout="15s")
    except (OSError, TimeoutError) as exc:
        raise BackfillError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        if not client.scheduler_info().get("workers"):
            try:
                client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                raise BackfillError(f"no Dask worker joined {scheduler} within 60 s") from None
        yield client


def dashboard_note(client: Client) -> str:
    """Where the Dask dashboard is, or why there is none."""
    if not client.run_on_scheduler(has_bokeh):
        return "no Dask dashboard: install bokeh where the scheduler runs (`pip install bokeh`)"
    link = client.dashboard_link
    return f"Dask dashboard: {link}" if link else "no Dask dashboard on this scheduler"

"""`--engine dask`: the same pipeline on a Dask cluster, for collections beyond one machine.

What runs where:
- files are read in parallel tasks, one per file (nlp_eval.io.read_file); the client joins
  the rows in file order, as `read_files` does;
- pairs are linted in pieces of whole documents, one task per piece, by nlp_eval.lint.lint
  with the rules and model loaded once on the client and sent with the task
  (nlp_eval.parallel.lint_parallel); the client puts the pieces back in row order and scores
  documents and units from the whole table;
- corpus clusters: MinHash signatures and LSH band keys per partition of the distinct texts,
  then a shuffle by band key (every partition sends each (band, key) to the reducer its hash
  names), each reducer pairs the members of its buckets, and the client verifies the
  candidate pairs and takes connected components, as nlp_eval.corpus.clusters does on one
  machine. A bucket is whole on one reducer, so the candidates, and the clusters, are the
  same as local.
Without a scheduler address a LocalCluster of worker processes is started on this machine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from nlp_eval.errors import NlpEvalError

INSTALL = "--engine dask needs Dask: pip install 'nlp-eval[dask]'"
_ROUTE = np.uint64(0x9E3779B97F4A7C15)  # mixes the band into the bucket's reducer


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A distributed.Client: of the cluster at `scheduler`, else of a new LocalCluster."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise NlpEvalError(INSTALL) from None
    from nlp_eval.parallel import available_cores

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as err:
            raise NlpEvalError(f"{scheduler}: cannot reach the Dask scheduler ({err})") from None
        with client:
            yield client
        return
    cluster = LocalCluster(
        n_workers=workers or available_cores(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    with cluster, Client(cluster) as client:
        yield client


def worker_count(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


# ---------------------------------------------------------------- corpus clusters


def _sketch(
    texts: list[str], start: int, n: int, reducers: int, options: dict[str, int]
) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Signatures of a partition, and its (band, key, text index) rows split by reducer."""
    from nlp_eval.corpus.clusters import band_keys, minhash

    sig = minhash(texts, num_perm=options["num_perm"], ngram=options["ngram"])
    keys = band_keys(sig, options["bands"])
    bands = np.broadcast_to(np.arange(keys.shape[1], dtype=np.uint64), keys.shape).ravel()
    flat = keys.ravel()
    index = np.repeat(np.arange(start, start + len(texts), dtype=np.int64), keys.shape[1])
    with np.errstate(over="ignore"):
        route = ((flat ^ (bands * _ROUTE)) % np.uint64(reducers)).astype(np.int64)
    parts = [(bands[route == r], flat[route == r], index[route == r]) for r in range(reducers)]
    return sig, parts


def _signatures(sketch: tuple) -> np.ndarray:
    return sketch[0]


def _routed(sketch: tuple, reducer: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return sketch[1][reducer]


def _bucket_codes(n: int, *parts: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """Candidate codes of the buckets routed to one reducer (whole buckets: same as local)."""
    from nlp_eval.corpus.clusters import bucket_pairs, distinct_codes

    bands = np.concatenate([part[0] for part in parts])
    keys = np.concatenate([part[1] for part in parts])
    index = np.concatenate([part[2] for part in parts])
    found = [
        bucket_pairs(keys[bands == band], index[bands == band], n) for band in np.unique(bands)
    ]
    return distinct_codes(found)


def near_duplicate_groups(texts: list[str], client: Any, **options: Any) -> np.ndarray:
    """nlp_eval.corpus.clusters.near_duplicate_groups with signatures and buckets on workers."""
    from nlp_eval.corpus import clusters

    n = len(texts)
    if not n:
        return np.zeros(0, dtype=np.int64)
    sketch_options = {
        "num_perm": options.pop("num_perm", clusters.NUM_PERM),
        "ngram": options.pop("ngram", clusters.NGRAM),
        "bands": options.pop("bands", clusters.BANDS),
    }
    workers = worker_count(client)
    size = max(1, -(-n // (workers * 2)))
    sketches = [
        client.submit(_sketch, texts[lo : lo + size], lo, n, workers, sketch_options, pure=False)
        for lo in range(0, n, size)
    ]
    # the shuffle: reducer r receives, from every partition, the rows routed to it
    reduced = [
        client.submit(
            _bucket_codes, n, *[client.submit(_routed, s, r, pure=False) for s in sketches],
            pure=False,
        )
        for r in range(workers)
    ]  # fmt: skip
    codes = client.gather(reduced)
    sig = np.concatenate(client.gather([client.submit(_signatures, s) for s in sketches]))
    return clusters.verified_groups(texts, sig, clusters.distinct_codes(codes), **options)

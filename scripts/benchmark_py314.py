#!/usr/bin/env python3
"""The Python 3.14 guide's benchmark suite, measured on the same work as the Rust crates.

    python scripts/benchmark_py314.py                     # 20 iterations per benchmark
    python scripts/benchmark_py314.py --iterations 100    # more iterations, tighter figures
    python scripts/benchmark_py314.py --output results.json

Standard library only. Each workload is the Python counterpart of a Rust
benchmark of this repository, on the same inputs, so that `report ingest
results.json` can put both in one table (the ids below are the Rust ids):

- CPU kernel (bench-cpu/src/kernel.rs): the same Monte Carlo kernel, the same
  840 chunks and seed, serially, with a ThreadPoolExecutor that takes one task
  per chunk (rayon's split) and with plain threads on static shares (the
  scoped split), at 2, 4, 8 threads and all cores. Pure Python is ~100x slower
  per point than Rust, so each chunk has 256 points instead of 65,536: the
  split is the same, only the chunk is shorter; the report compares per point.
- UUID4 / UUID7 of 1000 ids (bench-uuid): `uuid.uuid4`, `uuid.uuid7` (3.14+).
  Before 3.14 a pure-Python UUID7 is measured under its own, labelled id.
- Compression of the 100 KiB JSON payload bench-compress measures: generated
  here byte for byte as bench-compress/src/payload/json.rs does (or read from
  the corpus example's file with --payload-dir), checked by SHA-256. gzip at
  levels 6 and 9 (`gzip.compress`, mtime 0), `compression.zstd` level 3 on
  3.14+. The PyPI `zstandard` binding, when installed, is measured under its
  own, labelled id.
- asyncio counterparts of bench-async: spawn and join 10,000 empty tasks,
  gather 1,000 tasks that yield 3 times, one message broadcast to 10, 100 and
  1,000 subscribers (an asyncio event loop is one thread: Rust's
  current_thread runtime).

Every workload's result is checked after timing (checksums, round trips, UUID
versions, delivery counts); scripts/test_benchmark_py314.py tests the
workloads, and Rust tests check the kernel checksum and the payload bytes
against the Rust implementations.

The output file (--output) is the format "py314-bench" version 1: runtime,
features, and per benchmark its id, name, throughput and every raw sample
(nanoseconds per iteration), so `report` can compute estimates and diffs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gzip
import hashlib
import json
import math
import os
import platform
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Optional

FORMAT = "py314-bench"
FORMAT_VERSION = 1

MASK64 = (1 << 64) - 1

# ---------------------------------------------------------------------------
# Feature detection and runtime information (the guide's patterns)
# ---------------------------------------------------------------------------


def gil_enabled() -> bool:
    """Whether the GIL is on: always, before 3.13's `sys._is_gil_enabled`."""
    probe = getattr(sys, "_is_gil_enabled", None)
    return bool(probe()) if probe is not None else True


def free_threaded_build() -> bool:
    """Whether this interpreter was built free-threaded (python3.14t), even if
    the GIL was turned back on (PYTHON_GIL=1)."""
    import sysconfig

    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def has_zstd() -> bool:
    try:
        import compression.zstd  # noqa: F401  (3.14+)
    except ImportError:
        return False
    return True


def has_improved_errors() -> bool:
    """3.14's keyword-typo suggestions in SyntaxError ("Did you mean 'while'?")."""
    try:
        compile("whille True:\n    pass\n", "<probe>", "exec")
    except SyntaxError as e:
        return "Did you mean" in str(e)
    return False


def features() -> dict[str, bool]:
    return {
        "free_threading": not gil_enabled(),
        "uuid7": hasattr(uuid, "uuid7"),
        "compression_zstd": has_zstd(),
        "improved_errors": has_improved_errors(),
    }


def available_cpus() -> int:
    """CPUs this process may run on (Rust's available_parallelism)."""
    counter = getattr(os, "process_cpu_count", None)  # 3.13+
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def cpu_model() -> Optional[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def runtime_info() -> dict[str, Any]:
    info = sys.implementation
    return {
        "python_version": sys.version,
        "version": platform.python_version(),
        "implementation": info.name,
        "gil_enabled": gil_enabled(),
        "free_threaded_build": free_threaded_build(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "system": platform.system().lower(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "available_cpus": available_cpus(),
        "executable": sys.executable,
    }


# ---------------------------------------------------------------------------
# CPU kernel: bench-cpu/src/kernel.rs and rng.rs, transcribed
# ---------------------------------------------------------------------------

KERNEL_CHUNKS = 840  # lcm(1..=8): equal static shares at 1, 2, 4, 8 threads
KERNEL_SEED = 0x005E_ED0F_C0DE
RUST_POINTS_PER_CHUNK = 1 << 16
# 256x fewer points per chunk than Rust's KernelSpec::BENCH (see the docstring):
# ~0.25 s per serial run on one core, the order of the guide's 245 ms.
KERNEL_POINTS_PER_CHUNK = RUST_POINTS_PER_CHUNK // 256
_XORSHIFT_MUL = 0x2545_F491_4F6C_DD1D
_SCALE = 1.0 / (1 << 32)


def splitmix64(x: int) -> int:
    """SplitMix64 finaliser (bench-cpu's `splitmix64`)."""
    x = (x + 0x9E37_79B9_7F4A_7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58_476D_1CE4_E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D0_49BB_1331_11EB) & MASK64
    return x ^ (x >> 31)


def chunk_hits(seed: int, chunk: int, points: int) -> int:
    """Hits of one chunk: xorshift64* seeded from (seed, chunk), two 32-bit
    coordinates per draw, a hit inside the unit quarter circle."""
    state = splitmix64(seed ^ splitmix64(chunk))
    if state == 0:
        state = _XORSHIFT_MUL
    hits = 0
    mul, scale, mask = _XORSHIFT_MUL, _SCALE, MASK64
    for _ in range(points):
        x = state
        x ^= x >> 12
        x = (x ^ (x << 25)) & mask
        x ^= x >> 27
        state = x
        bits = (x * mul) & mask
        fx = (bits >> 32) * scale
        fy = (bits & 0xFFFF_FFFF) * scale
        if fx * fx + fy * fy < 1.0:
            hits += 1
    return hits


def kernel_serial(chunks: int, points: int, seed: int) -> int:
    return sum(chunk_hits(seed, c, points) for c in range(chunks))


def kernel_pool(executor: ThreadPoolExecutor, chunks: int, points: int, seed: int) -> int:
    """One task per chunk in a pool built before timing (rayon's split)."""
    return sum(executor.map(chunk_hits, [seed] * chunks, range(chunks), [points] * chunks))


def static_share(chunks: int, threads: int, index: int) -> range:
    return range(chunks * index // threads, chunks * (index + 1) // threads)


def kernel_threads(threads: int, chunks: int, points: int, seed: int) -> int:
    """Static shares on threads started per run, the calling thread taking
    the last share (bench-cpu's `scoped`)."""
    partial = [0] * threads

    def work(index: int) -> None:
        partial[index] = sum(chunk_hits(seed, c, points) for c in static_share(chunks, threads, index))

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads - 1)]
    for w in workers:
        w.start()
    work(threads - 1)
    for w in workers:
        w.join()
    return sum(partial)


# ---------------------------------------------------------------------------
# The 100 KiB JSON payload: bench-compress/src/rng.rs and payload/json.rs
# ---------------------------------------------------------------------------

JSON_100K_NAME = "json-100k"
JSON_100K_SEED = 0x5EC0_0000  # payload::seed(Json, K100)
JSON_100K_LEN = 100 * 1024
EPOCH_MS = 1_759_831_200_000

CAMERAS = [
    ("cam-front-door", "Front door", "porch"),
    ("cam-driveway", "Driveway", "driveway"),
    ("cam-backyard", "Backyard", "garden"),
    ("cam-garage", "Garage", "garage"),
    ("cam-side-gate", "Side gate", "walkway"),
    ("cam-living-room", "Living room", "indoor"),
]
LABELS = ["person", "person", "person", "car", "car", "package", "dog", "cat", "bicycle", "truck"]


class SplitMix64:
    """bench-compress's SplitMix64 stream."""

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK64

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E37_79B9_7F4A_7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return (self.next_u64() * n) >> 64

    def range(self, lo: int, hi: int) -> int:
        return lo + self.below(hi - lo + 1)

    def unit(self) -> float:
        return (self.next_u64() >> 11) * (1.0 / (1 << 53))

    def chance(self, p: float) -> bool:
        return self.unit() < p

    def pick(self, items: list) -> Any:
        return items[self.below(len(items))]


def _round_half_away(x: float) -> float:
    """Rust's f64::round (half away from zero) for x >= 0; Python's round() is
    half to even."""
    r = math.floor(x)
    return r + 1.0 if x - r >= 0.5 else float(r)


def rfc3339_millis(epoch_ms: int) -> str:
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=epoch_ms // 1000)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{epoch_ms % 1000:03d}Z"


def _f64(x: float) -> str:
    # serde_json writes the shortest round-trip form, as repr does for the
    # values used here (0.45..1.0 and 4.0..34.0: no exponent form).
    return repr(x)


class EventSource:
    """Detection events as bench-compress's `EventSource` writes them."""

    def __init__(self, seed: int) -> None:
        self.rng = SplitMix64(seed)
        self.now_ms = EPOCH_MS + self.rng.below(86_400_000)
        self.frame_number = 100_000 + self.rng.below(1_000_000)

    def uuid_v7(self, ms: int) -> str:
        r = self.rng.next_u64()
        r2 = self.rng.next_u64()
        rand_a = r & 0x0FFF
        variant = 0x8000 | ((r >> 12) & 0x3FFF)
        rand_b = r2 & 0xFFFF_FFFF_FFFF
        return f"{ms >> 16:08x}-{ms & 0xFFFF:04x}-7{rand_a:03x}-{variant:04x}-{rand_b:012x}"

    def event(self) -> bytes:
        rng = self.rng
        self.now_ms += rng.range(50, 30_000)
        self.frame_number += rng.range(1, 900)
        camera_id, camera_name, zone = rng.pick(CAMERAS)
        label = rng.pick(LABELS)
        confidence = (0.45 + 0.549 * rng.unit()) * 10_000.0
        width = rng.range(24, 640)
        height = rng.range(24, 720)
        x = rng.below(1920 - width)
        y = rng.below(1080 - height)
        duration = rng.range(200, 45_000)
        inference_ms = (4.0 + 30.0 * rng.unit()) * 100.0
        track_id = rng.range(1, 5_000)
        acknowledged = rng.chance(0.3)
        started = self.now_ms
        event_id = self.uuid_v7(started)
        # Field order and compact form of serde_json's output for the struct.
        text = (
            f'{{"id":"{event_id}","camera_id":"{camera_id}","camera_name":"{camera_name}",'
            f'"label":"{label}","confidence":{_f64(_round_half_away(confidence) / 10_000.0)},'
            f'"bbox":{{"x":{x},"y":{y},"width":{width},"height":{height}}},'
            f'"started_at":"{rfc3339_millis(started)}","ended_at":"{rfc3339_millis(started + duration)}",'
            f'"created_at":"{rfc3339_millis(started + duration + 35)}",'
            f'"acknowledged":{"true" if acknowledged else "false"},'
            f'"snapshot_url":"/api/v1/snapshots/{event_id}.jpg",'
            f'"attributes":{{"model":"yolov8n-640","inference_ms":{_f64(_round_half_away(inference_ms) / 100.0)},'
            f'"frame_number":{self.frame_number},"track_id":{track_id},"zone":"{zone}"}}}}'
        )
        return text.encode()

    def response(self, max_len: int, pad: bool) -> bytes:
        request_id = self.uuid_v7(self.now_ms)
        out = bytearray(
            f'{{"status":"ok","request_id":"{request_id}","generated_at":"{rfc3339_millis(self.now_ms)}","events":['.encode()
        )
        count = 0
        while True:
            event = self.event()
            tail = _tail(count + 1)
            needed = len(out) + (1 if count > 0 else 0) + len(event) + len(tail)
            if count > 0 and needed > max_len:
                break
            if count > 0:
                out += b","
            out += event
            count += 1
        out += _tail(count)
        if pad and len(out) < max_len:
            out += b" " * (max_len - len(out))
        return bytes(out)


def _tail(count: int) -> bytes:
    return f'],"count":{count},"has_more":true,"limit":{count}}}'.encode()


def json_payload(seed: int = JSON_100K_SEED, length: int = JSON_100K_LEN) -> bytes:
    """bench-compress's `payload::json::generate`: API responses of up to
    64 KiB, one per line, exactly `length` bytes."""
    response_max = 64 * 1024
    source = EventSource(seed)
    out = bytearray()
    while len(out) < length:
        room = length - len(out)
        last = room <= response_max + 1
        limit = room - 1 if last else response_max
        response = source.response(max(limit, 1), last)
        if len(response) > room - 1:
            out += b" " * (length - len(out))
            break
        out += response
        out += b"\n"
    return bytes(out[:length])


def load_payload(payload_dir: Optional[Path]) -> tuple[bytes, str]:
    """The json-100k bytes and where they came from: the corpus example's file
    (`cargo run -p bench-compress --example corpus -- DIR`) or generated here."""
    if payload_dir is None:
        return json_payload(), "generated by scripts/benchmark_py314.py"
    path = payload_dir / f"{JSON_100K_NAME}.json"
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SystemExit(f"benchmark_py314: cannot read {path}: {e.strerror} (write it with "
                         f"`cargo run -p bench-compress --example corpus -- {payload_dir}`)")
    if len(data) != JSON_100K_LEN:
        raise SystemExit(f"benchmark_py314: {path} has {len(data)} bytes, expected {JSON_100K_LEN}")
    return data, str(path)


# ---------------------------------------------------------------------------
# UUIDs
# ---------------------------------------------------------------------------

UUID_BATCH = 1000


def uuid7_fallback() -> uuid.UUID:
    """RFC 9562 UUIDv7 in pure Python (48-bit Unix ms, 74 random bits), for
    interpreters without `uuid.uuid7`. Measured under its own id."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    rand_a = rand >> 68  # 12 bits
    rand_b = rand & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


def uuid_batch(make: Callable[[], uuid.UUID], n: int = UUID_BATCH) -> list:
    return [make() for _ in range(n)]


# ---------------------------------------------------------------------------
# asyncio counterparts of bench-async
# ---------------------------------------------------------------------------

SPAWN_TASKS = 10_000
GATHER_TASKS = 1_000
GATHER_YIELDS = 3
SUBSCRIBERS = (10, 100, 1_000)
# bench-async/src/event.rs sample_json(): the message broadcast.
BROADCAST_MESSAGE = (
    b'{"event_id":"01936b2e-8f3c-7a4e-9b21-4c5d6e7f8091","camera_id":"front-door-cam-02",'
    b'"label":"person","confidence":0.934,"bbox":[812,344,196,412],'
    b'"timestamp_ms":1764000000000,"zone":"driveway"}'
)


async def _identity(i: int) -> int:
    return i


async def spawn_and_join(tasks: int) -> int:
    """Spawn `tasks` empty tasks, then await each (async/spawn/empty)."""
    handles = [asyncio.create_task(_identity(i)) for i in range(tasks)]
    total = 0
    for handle in handles:
        total += await handle
    return total


async def _yielding(i: int) -> int:
    for _ in range(GATHER_YIELDS):
        await asyncio.sleep(0)
    return i


async def gather_tasks(tasks: int) -> list:
    """Spawn tasks that yield 3 times and gather them (async/gather/join_all)."""
    return await asyncio.gather(*[asyncio.create_task(_yielding(i)) for i in range(tasks)])


class Broadcast:
    """One message to every subscriber, each on its own queue, done when all
    have acknowledged it (bench-async's `Broadcast::deliver`)."""

    def __init__(self, subscribers: int) -> None:
        self.queues = [asyncio.Queue(maxsize=16) for _ in range(subscribers)]
        self.remaining = 0
        self.done: Optional[asyncio.Future] = None
        self.sent = 0
        self.tasks = [asyncio.create_task(self._subscriber(q)) for q in self.queues]

    async def _subscriber(self, queue: asyncio.Queue) -> tuple[int, int]:
        messages = received = 0
        while True:
            item = await queue.get()
            if item is None:
                return messages, received
            messages += 1
            received += len(item[1])
            self.remaining -= 1
            if self.remaining == 0 and self.done is not None:
                self.done.set_result(item[0])

    async def deliver(self, payload: bytes) -> None:
        self.sent += 1
        self.remaining = len(self.queues)
        self.done = asyncio.get_running_loop().create_future()
        message = (self.sent, payload)
        for queue in self.queues:
            queue.put_nowait(message)
        await self.done

    async def finish(self) -> list:
        for queue in self.queues:
            queue.put_nowait(None)
        return await asyncio.gather(*self.tasks)


# ---------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------

# A sample shorter than this repeats the workload (criterion's batching), so
# the clock's resolution and the loop's overhead stay small.
MIN_SAMPLE_NS = 1_000_000
MAX_INNER = 10_000


class Result:
    """One benchmark: id (the Rust id where the workload is the same), the
    console name, and nanoseconds per iteration of every sample."""

    def __init__(self, bench_id: str, name: str, samples_ns: list, inner: int,
                 throughput: Optional[dict], extra: Optional[dict] = None) -> None:
        self.id = bench_id
        self.name = name
        self.samples_ns = samples_ns
        self.inner = inner
        self.throughput = throughput
        self.extra = extra or {}

    def to_json(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "name": self.name,
            "iterations_per_sample": self.inner,
            "samples_ns": self.samples_ns,
            "throughput": self.throughput,
        }
        out.update(self.extra)
        return out


def _inner_count(warm_ns: int) -> int:
    return max(1, min(MAX_INNER, MIN_SAMPLE_NS // max(warm_ns, 1)))


def measure(fn: Callable[[], Any], iterations: int) -> tuple[list, int, Any]:
    """Runs `fn` once untimed (warm-up), then `iterations` timed samples;
    returns (ns per call of each sample, calls per sample, last result)."""
    start = time.perf_counter_ns()
    result = fn()
    inner = _inner_count(time.perf_counter_ns() - start)
    samples = []
    for _ in range(iterations):
        start = time.perf_counter_ns()
        for _ in range(inner):
            result = fn()
        samples.append((time.perf_counter_ns() - start) / inner)
    return samples, inner, result


async def measure_async(fn: Callable[[], Any], iterations: int) -> tuple[list, int, Any]:
    """`measure` for coroutines, inside the running event loop."""
    start = time.perf_counter_ns()
    result = await fn()
    inner = _inner_count(time.perf_counter_ns() - start)
    samples = []
    for _ in range(iterations):
        start = time.perf_counter_ns()
        for _ in range(inner):
            result = await fn()
        samples.append((time.perf_counter_ns() - start) / inner)
    return samples, inner, result


class CheckFailed(AssertionError):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)


def thread_counts() -> list:
    """(id parameter, threads): 2, 4, 8 and all cores, as bench-cpu's ids."""
    return [("2", 2), ("4", 4), ("8", 8), ("max", available_cpus())]


def threads_label(value: str, threads: int) -> str:
    return f"all {threads} cores" if value == "max" else f"{threads} threads"


def bench_cpu(iterations: int, points: int = KERNEL_POINTS_PER_CHUNK) -> tuple[list, dict]:
    chunks, seed = KERNEL_CHUNKS, KERNEL_SEED
    throughput = {"elements": chunks * points}
    expected = kernel_serial(chunks, points, seed)
    results = []
    samples, inner, got = measure(lambda: kernel_serial(chunks, points, seed), iterations)
    check(got == expected, "serial kernel checksum changed between runs")
    results.append(Result("cpu/kernel/serial/1", f"CPU serial ({chunks} chunks)", samples, inner,
                          throughput, {"threads": 1}))
    for value, threads in thread_counts():
        # The pool is built before timing; measure's warm-up run starts its threads.
        with ThreadPoolExecutor(max_workers=threads) as executor:
            samples, inner, got = measure(lambda: kernel_pool(executor, chunks, points, seed), iterations)
        check(got == expected, f"thread-pool kernel at {threads} threads: {got} != serial {expected}")
        results.append(Result(f"cpu/kernel/rayon/{value}", f"CPU parallel ({threads_label(value, threads)}, pool)",
                              samples, inner, throughput, {"threads": threads}))
    for value, threads in thread_counts():
        samples, inner, got = measure(lambda: kernel_threads(threads, chunks, points, seed), iterations)
        check(got == expected, f"static-share kernel at {threads} threads: {got} != serial {expected}")
        results.append(Result(f"cpu/kernel/scoped/{value}", f"CPU parallel ({threads_label(value, threads)}, static)",
                              samples, inner, throughput, {"threads": threads}))
    kernel = {
        "chunks": chunks,
        "points_per_chunk": points,
        "rust_points_per_chunk": RUST_POINTS_PER_CHUNK,
        "seed": seed,
        "checksum": expected,
    }
    return results, kernel


def bench_uuid(iterations: int) -> tuple[list, list]:
    throughput = {"elements": UUID_BATCH}
    results, unavailable = [], []
    samples, inner, ids = measure(lambda: uuid_batch(uuid.uuid4), iterations)
    check(len(set(ids)) == UUID_BATCH and all(u.version == 4 for u in ids), "uuid4 ids are not 1000 distinct v4 ids")
    results.append(Result("uuid/generate/v4/1000", "UUID4 generation (1000)", samples, inner, throughput))
    make7 = getattr(uuid, "uuid7", None)
    if make7 is not None:
        samples, inner, ids = measure(lambda: uuid_batch(make7), iterations)
        check(all(u.version == 7 for u in ids), "uuid.uuid7 ids are not version 7")
        check(ids == sorted(ids), "uuid.uuid7 ids are not time-ordered")
        results.append(Result("uuid/generate/now_v7/1000", "UUID7 generation (1000)", samples, inner, throughput))
    else:
        unavailable.append({"id": "uuid/generate/now_v7/1000", "name": "UUID7 generation (1000)",
                            "reason": "uuid.uuid7 needs Python 3.14"})
        samples, inner, ids = measure(lambda: uuid_batch(uuid7_fallback), iterations)
        check(all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids), "fallback ids are not RFC 9562 v7")
        results.append(Result("uuid/generate/v7-python-fallback/1000",
                              "UUID7 fallback, pure Python (1000)", samples, inner, throughput))
    return results, unavailable


def bench_compress(iterations: int, payload: bytes) -> tuple[list, list]:
    throughput = {"bytes": len(payload)}
    results, unavailable = [], []

    def codec(name: str, label: str, compress: Callable[[bytes], bytes],
              decompress: Callable[[bytes], bytes], extra: Optional[dict] = None) -> None:
        samples, inner, packed = measure(lambda: compress(payload), iterations)
        check(decompress(packed) == payload, f"{name} does not round-trip the payload")
        size = {"compressed_bytes": len(packed), **(extra or {})}
        results.append(Result(f"compress/compress/{name}/{JSON_100K_NAME}", f"{label} compress 100KB",
                              samples, inner, throughput, size))
        samples, inner, unpacked = measure(lambda: decompress(packed), iterations)
        check(unpacked == payload, f"{name} decompression changed the payload")
        results.append(Result(f"compress/decompress/{name}/{JSON_100K_NAME}", f"{label} decompress 100KB",
                              samples, inner, throughput, size))

    for level in (6, 9):
        codec(f"gzip-{level}", f"gzip-{level}",
              lambda data, level=level: gzip.compress(data, compresslevel=level, mtime=0), gzip.decompress)
    if has_zstd():
        from compression import zstd

        codec("zstd-3", "Zstd-3", lambda data: zstd.compress(data, level=3), zstd.decompress,
              {"implementation": "compression.zstd"})
    else:
        for op in ("compress", "decompress"):
            unavailable.append({"id": f"compress/{op}/zstd-3/{JSON_100K_NAME}", "name": f"Zstd-3 {op} 100KB",
                                "reason": "compression.zstd needs Python 3.14"})
    try:  # optional, labelled: the PyPI binding of the same libzstd
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        cctx, dctx = zstandard.ZstdCompressor(level=3), zstandard.ZstdDecompressor()
        codec("zstd-3-pypi-zstandard", f"Zstd-3 (PyPI zstandard {zstandard.__version__})", cctx.compress,
              dctx.decompress, {"implementation": f"zstandard {zstandard.__version__} (PyPI)"})
    return results, unavailable


async def _bench_async(iterations: int) -> list:
    results = []
    samples, inner, total = await measure_async(lambda: spawn_and_join(SPAWN_TASKS), iterations)
    check(total == SPAWN_TASKS * (SPAWN_TASKS - 1) // 2, f"spawn joined a sum of {total}")
    results.append(Result("async/spawn/empty/current_thread", f"asyncio spawn {SPAWN_TASKS:,} tasks",
                          samples, inner, {"elements": SPAWN_TASKS}))
    samples, inner, gathered = await measure_async(lambda: gather_tasks(GATHER_TASKS), iterations)
    check(gathered == list(range(GATHER_TASKS)), "gather did not return every task's result in order")
    results.append(Result("async/gather/join_all/current_thread", f"asyncio gather {GATHER_TASKS:,} tasks",
                          samples, inner, {"elements": GATHER_TASKS}))
    for n in SUBSCRIBERS:
        hub = Broadcast(n)
        samples, inner, _ = await measure_async(lambda: hub.deliver(BROADCAST_MESSAGE), iterations)
        received = await hub.finish()
        check(all(r == (hub.sent, hub.sent * len(BROADCAST_MESSAGE)) for r in received),
              f"a subscriber of {n} missed messages: {set(received)} of {hub.sent}")
        results.append(Result(f"async/broadcast/subscribers-{n}/current_thread",
                              f"asyncio broadcast to {n:,} subscribers", samples, inner, {"elements": n}))
    return results


def bench_async(iterations: int) -> list:
    return asyncio.run(_bench_async(iterations))


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def summary(samples_ns: list) -> dict[str, float]:
    ms = sorted(s / 1e6 for s in samples_ns)
    mean = statistics.fmean(ms)
    std = statistics.stdev(ms) if len(ms) > 1 else 0.0
    # Nearest-rank P95.
    p95 = ms[min(len(ms) - 1, math.ceil(0.95 * len(ms)) - 1)]
    return {"mean_ms": mean, "std_ms": std, "p95_ms": p95, "ops_per_sec": 1000.0 / mean if mean > 0 else 0.0}


def console_table(results: list, unavailable: list) -> str:
    rule = "=" * 90
    lines = [rule, "BENCHMARK RESULTS", rule,
             f"{'Name':<40} {'Mean (ms)':>12} {'Std (ms)':>10} {'P95 (ms)':>10} {'Ops/sec':>12}", "-" * 90]
    for r in results:
        s = summary(r.samples_ns)
        lines.append(f"{r.name[:40]:<40} {s['mean_ms']:>12.3f} {s['std_ms']:>10.3f} "
                     f"{s['p95_ms']:>10.3f} {s['ops_per_sec']:>12.1f}")
    for u in unavailable:
        lines.append(f"{u['name'][:40]:<40} {'unavailable: ' + u['reason']:>47}")
    lines.append(rule)
    return "\n".join(lines)


def header(runtime: dict, feats: dict, iterations: int) -> str:
    rule = "=" * 90
    lines = [rule, "PYTHON 3.14 BENCHMARK SUITE", rule,
             f"Python version: {runtime['python_version']}",
             f"Implementation: {runtime['implementation']}",
             f"Free-threading enabled: {feats['free_threading']}",
             f"Platform: {runtime['platform']} ({runtime['available_cpus']} CPUs available)",
             "", "Available Features:"]
    lines += [f"  - {name}: {'YES' if on else 'NO'}" for name, on in feats.items()]
    lines += ["", f"Running benchmarks with {iterations} iterations...", ""]
    return "\n".join(lines)


def run_suite(iterations: int, payload: bytes, payload_source: str, only: Optional[set] = None,
              log: Callable[[str], None] = print) -> dict[str, Any]:
    runtime, feats = runtime_info(), features()
    log(header(runtime, feats, iterations))
    results, unavailable, kernel = [], [], None
    sections = [("cpu", "CPU Parallel Benchmarks"), ("uuid", "UUID Benchmarks"),
                ("compress", "Compression Benchmarks"), ("async", "Async Benchmarks")]
    for key, title in sections:
        if only is not None and key not in only:
            continue
        log(f">>> {title}")
        if key == "cpu":
            got, kernel = bench_cpu(iterations)
            log(f"    kernel: {KERNEL_CHUNKS} chunks x {KERNEL_POINTS_PER_CHUNK} points (Rust: x "
                f"{RUST_POINTS_PER_CHUNK}; same chunks and seed), checksum {kernel['checksum']}")
            results += got
        elif key == "uuid":
            got, missing = bench_uuid(iterations)
            results += got
            unavailable += missing
        elif key == "compress":
            got, missing = bench_compress(iterations, payload)
            results += got
            unavailable += missing
        else:
            results += bench_async(iterations)
    log("")
    log(console_table(results, unavailable))
    not_measured = [{"id": "cpu/frames/*", "name": "Frame preprocessing",
                     "reason": "pure-Python bilinear resize of 8 1920x1080 frames takes minutes per iteration"
                               " (the guide uses NumPy, which is not in the standard library)"}]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "script": "scripts/benchmark_py314.py",
        "recorded_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "iterations": iterations,
        "runtime": runtime,
        "features": feats,
        "kernel": kernel,
        "payload": {"name": JSON_100K_NAME, "bytes": len(payload),
                    "sha256": hashlib.sha256(payload).hexdigest(), "source": payload_source},
        "benchmarks": [r.to_json() for r in results],
        "unavailable": unavailable,
        "not_measured": not_measured,
    }


def parse_args(argv: Optional[list] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iterations", type=int, default=20, help="timed samples per benchmark (default 20)")
    p.add_argument("--output", type=Path, help="write the results as JSON (format py314-bench v1)")
    p.add_argument("--payload-dir", type=Path,
                   help="read json-100k.json from the corpus example's folder instead of generating it")
    p.add_argument("--only", help="comma-separated sections: cpu,uuid,compress,async")
    p.add_argument("--kernel-checksum", nargs=3, type=int, metavar=("CHUNKS", "POINTS", "SEED"),
                   help="print the kernel checksum for this spec and exit (for tests)")
    p.add_argument("--write-payload", type=Path, metavar="FILE",
                   help="write the generated json-100k bytes to FILE and exit (for tests)")
    args = p.parse_args(argv)
    if args.iterations < 2:
        p.error("--iterations must be at least 2 (a standard deviation needs two samples)")
    if args.only:
        args.only = set(args.only.split(","))
        unknown = args.only - {"cpu", "uuid", "compress", "async"}
        if unknown:
            p.error(f"--only: unknown section(s) {', '.join(sorted(unknown))}; expected cpu, uuid, compress, async")
    return args


def main(argv: Optional[list] = None) -> int:
    args = parse_args(argv)
    if args.kernel_checksum:
        chunks, points, seed = args.kernel_checksum
        print(kernel_serial(chunks, points, seed))
        return 0
    if args.write_payload:
        args.write_payload.write_bytes(json_payload())
        return 0
    payload, source = load_payload(args.payload_dir)
    if args.payload_dir is not None and payload != json_payload():
        print(f"warning: {source} differs from the generated json-100k (sha256 "
              f"{hashlib.sha256(payload).hexdigest()}); measuring the file", file=sys.stderr)
    out = run_suite(args.iterations, payload, source, args.only)
    if args.output:
        tmp = args.output.with_name(args.output.name + ".tmp")
        tmp.write_text(json.dumps(out, indent=1) + "\n")
        os.replace(tmp, args.output)
        print(f"results written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

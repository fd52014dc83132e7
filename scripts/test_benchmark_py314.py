"""Tests of scripts/benchmark_py314.py (standard library unittest).

    python3 -m unittest discover -s scripts -p 'test_*.py'

They check what the timed workloads compute (kernel checksums, payload shape,
round trips, UUID versions, async deliveries) and the output format that
`report ingest` reads. The cross-language checks (kernel checksum and payload
bytes equal to the Rust implementations) are Rust tests:
bench-cpu/tests/python_kernel.rs and bench-compress/tests/all/python.rs.
"""

import asyncio
import gzip
import hashlib
import io
import json
import math
import sys
import tempfile
import unittest
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchmark_py314 as bench  # noqa: E402


class Kernel(unittest.TestCase):
    SMALL = (96, 500, bench.KERNEL_SEED)

    def test_generators_match_the_rust_reference_values(self):
        # The values asserted by bench-cpu/src/rng.rs's and bench-compress's tests.
        self.assertEqual(bench.splitmix64(0), 0xE220_A839_7B1D_CDAF)
        self.assertEqual(bench.splitmix64(0x9E37_79B9_7F4A_7C15), 0x6E78_9E6A_A1B9_65F4)
        rng = bench.SplitMix64(0)
        self.assertEqual([rng.next_u64() for _ in range(3)],
                         [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])

    def test_every_split_gives_the_serial_checksum(self):
        expected = bench.kernel_serial(*self.SMALL)
        for threads in (1, 2, 3, 4, 7, 8):
            self.assertEqual(bench.kernel_threads(threads, *self.SMALL), expected, f"static/{threads}")
            with ThreadPoolExecutor(max_workers=threads) as ex:
                self.assertEqual(bench.kernel_pool(ex, *self.SMALL), expected, f"pool/{threads}")

    def test_checksum_is_the_sum_of_distinct_chunks_and_estimates_pi(self):
        chunks, points, seed = self.SMALL
        per_chunk = [bench.chunk_hits(seed, c, points) for c in range(chunks)]
        self.assertEqual(sum(per_chunk), bench.kernel_serial(*self.SMALL))
        self.assertGreater(len(set(per_chunk)), 1)
        total = chunks * points
        p = math.pi / 4
        sigma = math.sqrt(total * p * (1 - p))
        self.assertLess(abs(sum(per_chunk) - total * p), 5 * sigma)

    def test_static_shares_cover_every_chunk_once(self):
        for threads in range(1, 20):
            covered = [c for i in range(threads) for c in bench.static_share(840, threads, i)]
            self.assertEqual(covered, list(range(840)))
        for threads in (1, 2, 4, 8):
            self.assertEqual({len(bench.static_share(840, threads, i)) for i in range(threads)}, {840 // threads})


class Payload(unittest.TestCase):
    def test_json_payload_is_100k_of_json_lines(self):
        data = bench.json_payload()
        self.assertEqual(len(data), bench.JSON_100K_LEN)
        lines = data.rstrip(b" ").split(b"\n")
        docs = [json.loads(line) for line in lines if line.strip()]
        self.assertGreaterEqual(len(docs), 2)
        for doc in docs:
            self.assertEqual(doc["count"], len(doc["events"]))
            for event in doc["events"]:
                self.assertEqual(uuid.UUID(event["id"]).version, 7)
                self.assertTrue(0.45 <= event["confidence"] < 1.0)
                self.assertLessEqual(event["bbox"]["x"] + event["bbox"]["width"], 1920)
        self.assertEqual(bench.json_payload(), data, "the generator is deterministic")

    def test_rust_rounding_and_timestamps(self):
        self.assertEqual(bench._round_half_away(2.5), 3.0)
        self.assertEqual(bench._round_half_away(3.5), 4.0)
        self.assertEqual(bench._round_half_away(2.4999), 2.0)
        # The instants bench-compress/src/payload/time.rs tests.
        self.assertEqual(bench.rfc3339_millis(1_759_831_200_123), "2025-10-07T10:00:00.123Z")
        self.assertEqual(bench.rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z")

    def test_payload_dir_is_read_and_checked(self):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "json-100k.json"
            path.write_bytes(bench.json_payload())
            data, source = bench.load_payload(Path(d))
            self.assertEqual(data, bench.json_payload())
            self.assertEqual(source, str(path))
            path.write_bytes(b"{}")
            with self.assertRaisesRegex(SystemExit, "has 2 bytes, expected 102400"):
                bench.load_payload(Path(d))


class Workloads(unittest.TestCase):
    def test_compression_round_trips_and_records_sizes(self):
        payload = bench.json_payload()
        results, unavailable = bench.bench_compress(2, payload)
        ids = {r.id for r in results}
        for level in (6, 9):
            self.assertIn(f"compress/compress/gzip-{level}/json-100k", ids)
            self.assertIn(f"compress/decompress/gzip-{level}/json-100k", ids)
        gz = [r for r in results if r.id == "compress/compress/gzip-6/json-100k"][0]
        self.assertEqual(gz.extra["compressed_bytes"], len(gzip.compress(payload, 6, mtime=0)))
        self.assertLess(gz.extra["compressed_bytes"], len(payload) // 3)
        self.assertEqual(bench.has_zstd(), "compress/compress/zstd-3/json-100k" in ids)
        self.assertEqual(not bench.has_zstd(), any(u["id"].endswith("zstd-3/json-100k") for u in unavailable))

    def test_uuid_batches_have_the_right_versions(self):
        results, unavailable = bench.bench_uuid(2)
        self.assertEqual(results[0].id, "uuid/generate/v4/1000")
        if hasattr(uuid, "uuid7"):
            self.assertEqual(results[1].id, "uuid/generate/now_v7/1000")
            self.assertEqual(unavailable, [])
        else:
            self.assertEqual(results[1].id, "uuid/generate/v7-python-fallback/1000")
            self.assertEqual(unavailable[0]["id"], "uuid/generate/now_v7/1000")
        ids = [bench.uuid7_fallback() for _ in range(200)]
        self.assertTrue(all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids))
        ms = [u.int >> 80 for u in ids]
        self.assertEqual(ms, sorted(ms), "the timestamps are monotonic")

    def test_async_workloads_deliver_everything(self):
        self.assertEqual(asyncio.run(bench.spawn_and_join(500)), 500 * 499 // 2)
        self.assertEqual(asyncio.run(bench.gather_tasks(300)), list(range(300)))

        async def broadcast():
            hub = bench.Broadcast(50)
            for _ in range(7):
                await hub.deliver(b"abc")
            return await hub.finish()

        self.assertEqual(asyncio.run(broadcast()), [(7, 21)] * 50)

    def test_measure_batches_short_work_and_reports_per_call(self):
        calls = []
        samples, inner, result = bench.measure(lambda: calls.append(1) or len(calls), 3)
        self.assertGreater(inner, 1, "a ~100 ns call is repeated within a sample")
        self.assertEqual(len(samples), 3)
        self.assertEqual(result, 1 + 3 * inner)
        self.assertTrue(all(0 < s < bench.MIN_SAMPLE_NS for s in samples))

    def test_summary_statistics(self):
        s = bench.summary([1e6, 2e6, 3e6, 4e6])
        self.assertAlmostEqual(s["mean_ms"], 2.5)
        self.assertAlmostEqual(s["std_ms"], math.sqrt(5 / 3))
        self.assertEqual(s["p95_ms"], 4.0)
        self.assertAlmostEqual(s["ops_per_sec"], 400.0)


class Output(unittest.TestCase):
    def test_main_writes_the_versioned_format_and_prints_the_table(self):
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "results.json"
            printed = io.StringIO()
            with redirect_stdout(printed):
                self.assertEqual(bench.main(["--iterations", "2", "--only", "uuid,compress", "--output", str(out)]), 0)
            doc = json.loads(out.read_text())
        text = printed.getvalue()
        for column in ("Name", "Mean (ms)", "Std (ms)", "P95 (ms)", "Ops/sec"):
            self.assertIn(column, text)
        for feature in ("free_threading", "uuid7", "compression_zstd", "improved_errors"):
            self.assertIn(f"  - {feature}: ", text)
            self.assertIsInstance(doc["features"][feature], bool)
        self.assertEqual((doc["format"], doc["format_version"]), ("py314-bench", 1))
        self.assertEqual(doc["runtime"]["version"], ".".join(map(str, sys.version_info[:3])))
        self.assertEqual(doc["payload"]["sha256"], hashlib.sha256(bench.json_payload()).hexdigest())
        self.assertIsNone(doc["kernel"], "the cpu section did not run")
        for b in doc["benchmarks"]:
            self.assertEqual(len(b["samples_ns"]), 2, b["id"])
            self.assertTrue(all(s > 0 for s in b["samples_ns"]), b["id"])
            self.assertGreaterEqual(b["iterations_per_sample"], 1)
        self.assertIn("UUID4 generation (1000)", text)

    def test_arguments_are_checked(self):
        with redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
            bench.parse_args(["--iterations", "1"])
        with redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
            bench.parse_args(["--only", "cpu,gpu"])

    def test_kernel_checksum_flag_prints_the_serial_checksum(self):
        printed = io.StringIO()
        with redirect_stdout(printed):
            bench.main(["--kernel-checksum", "8", "100", "7"])
        self.assertEqual(int(printed.getvalue()), bench.kernel_serial(8, 100, 7))


if __name__ == "__main__":
    unittest.main()

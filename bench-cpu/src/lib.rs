//! CPU-parallel scaling benchmarks: serial vs rayon vs scoped threads, frame preprocessing.

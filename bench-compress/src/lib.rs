//! zstd, gzip and lz4 on the data a home-security system stores.

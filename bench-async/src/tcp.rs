//! Real sockets: a server on 127.0.0.1 broadcasting each detection event to
//! 100 connected TCP clients, timed until the last client has read it.
//!
//! The server has the usual tokio shape of a WebSocket hub: one writer task
//! per connection, fed by a `broadcast` channel, so on `multi_thread` the
//! writes to different clients run in parallel. Frames are length-prefixed
//! (`u32` length, `u64` sequence number, payload); WebSocket framing would
//! add a few bytes and a mask per frame but not change the shape of the cost.
//!
//! Limits worth knowing when reading the numbers: the clients run on the same
//! runtime as the server (one machine, loopback), so client reads compete
//! with server writes for the same workers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::task::JoinHandle;

use crate::acks::Acks;
use crate::wait::within;

/// Clients of the benchmark.
pub const CLIENTS: usize = 100;

/// Bytes before the payload in each frame: length (u32) + sequence (u64).
const HEADER: usize = 12;

/// A running loopback broadcast: listener, per-connection writers, clients.
#[derive(Debug)]
pub struct TcpBroadcast {
    tx: broadcast::Sender<Arc<[u8]>>,
    seq: AtomicU64,
    acks: Arc<Acks>,
    writers: Vec<JoinHandle<std::io::Result<()>>>,
    clients: Vec<JoinHandle<Result<u64, String>>>,
}

impl TcpBroadcast {
    /// Binds 127.0.0.1 on a free port, connects `clients` clients and starts
    /// one writer task per accepted connection.
    pub async fn start(clients: usize) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (tx, _) = broadcast::channel::<Arc<[u8]>>(16);
        let acks = Arc::new(Acks::new(clients));
        let mut client_handles = Vec::with_capacity(clients);
        let mut writers = Vec::with_capacity(clients);
        for i in 0..clients {
            let stream = TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            client_handles.push(tokio::spawn(client(i, stream, Arc::clone(&acks))));
            let (server_side, _) = within(listener.accept(), || {
                format!("client {i} was never accepted")
            })
            .await?;
            server_side.set_nodelay(true)?;
            writers.push(tokio::spawn(writer(server_side, tx.subscribe())));
        }
        Ok(Self {
            tx,
            seq: AtomicU64::new(0),
            acks,
            writers,
            clients: client_handles,
        })
    }

    /// Frames `payload`, hands it to every connection's writer, and waits
    /// until every client has read the whole frame.
    pub async fn deliver(&self, payload: &[u8]) {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let frame = frame(seq, payload);
        self.acks.arm();
        self.tx
            .send(frame)
            .expect("writers are alive until finish()");
        self.acks.wait_all(seq, "client").await;
    }

    /// Messages sent so far.
    pub fn sent(&self) -> u64 {
        self.seq.load(Ordering::Relaxed)
    }

    /// Closes every connection and checks each client read every message
    /// once, in order. Returns the number of messages each client read.
    pub async fn finish(self) -> Result<Vec<u64>, String> {
        let sent = self.sent();
        drop(self.tx);
        for (i, w) in self.writers.into_iter().enumerate() {
            within(w, || format!("writer for client {i} did not stop"))
                .await
                .map_err(|e| format!("writer for client {i} panicked: {e}"))?
                .map_err(|e| format!("writer for client {i} failed: {e}"))?;
        }
        let mut counts = Vec::with_capacity(self.clients.len());
        for (i, c) in self.clients.into_iter().enumerate() {
            let n = within(c, || format!("client {i} did not see the connection close"))
                .await
                .map_err(|e| format!("client {i} panicked: {e}"))??;
            if n != sent {
                return Err(format!("client {i} read {n} of {sent} messages"));
            }
            counts.push(n);
        }
        Ok(counts)
    }
}

/// `u32` length of the rest (LE), `u64` sequence number (LE), payload.
pub fn frame(seq: u64, payload: &[u8]) -> Arc<[u8]> {
    let mut f = Vec::with_capacity(HEADER + payload.len());
    f.extend_from_slice(&((8 + payload.len()) as u32).to_le_bytes());
    f.extend_from_slice(&seq.to_le_bytes());
    f.extend_from_slice(payload);
    f.into()
}

async fn writer(
    mut stream: TcpStream,
    mut rx: broadcast::Receiver<Arc<[u8]>>,
) -> std::io::Result<()> {
    loop {
        match rx.recv().await {
            Ok(frame) => stream.write_all(&frame).await?,
            Err(RecvError::Closed) => break,
            Err(RecvError::Lagged(n)) => {
                return Err(std::io::Error::other(format!(
                    "writer lagged by {n} frames"
                )));
            }
        }
    }
    stream.shutdown().await
}

async fn client(index: usize, mut stream: TcpStream, acks: Arc<Acks>) -> Result<u64, String> {
    let mut read = 0u64;
    let mut body = Vec::new();
    loop {
        let mut len = [0u8; 4];
        match stream.read_exact(&mut len).await {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(read),
            Err(e) => return Err(format!("client {index}: reading frame {}: {e}", read + 1)),
        }
        let len = u32::from_le_bytes(len) as usize;
        if len < 8 {
            return Err(format!(
                "client {index}: frame {} is too short ({len})",
                read + 1
            ));
        }
        body.resize(len, 0);
        stream
            .read_exact(&mut body)
            .await
            .map_err(|e| format!("client {index}: reading frame {} body: {e}", read + 1))?;
        let seq = u64::from_le_bytes(body[..8].try_into().expect("8 bytes"));
        if seq != read + 1 {
            return Err(format!(
                "client {index} expected message {}, got {seq}",
                read + 1
            ));
        }
        read = seq;
        acks.ack(index, seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::sample_json;
    use crate::runtime::{Flavor, alive_tasks_after_settling, shutdown};

    #[test]
    fn frame_layout() {
        let f = frame(7, b"abc");
        assert_eq!(&f[..4], &11u32.to_le_bytes());
        assert_eq!(&f[4..12], &7u64.to_le_bytes());
        assert_eq!(&f[12..], b"abc");
    }

    #[test]
    fn every_client_reads_every_message_once_in_order() {
        let payload = sample_json();
        for flavor in Flavor::ALL {
            let rt = flavor.build().unwrap();
            let counts = rt.block_on(async {
                let server = TcpBroadcast::start(20).await.unwrap();
                for _ in 0..25 {
                    server.deliver(&payload).await;
                }
                server.finish().await
            });
            assert_eq!(counts.unwrap(), vec![25; 20], "on {}", flavor.id());
            assert_eq!(
                alive_tasks_after_settling(&rt),
                0,
                "tasks left on {}",
                flavor.id()
            );
            shutdown(rt);
        }
    }
}

//! Frame preprocessing: the doc's "parallel preprocessing of video frames".
//!
//! A batch of synthetic camera frames (RGB8, interleaved, row-major) is
//! resized with bilinear interpolation and normalised into an `f32` tensor in
//! CHW layout, the input a detection model takes.
//!
//! - Resize: a plain stretch to the model size (no letterbox), sampling at
//!   pixel centres (`align_corners = false`, as OpenCV's `INTER_LINEAR` and
//!   PyTorch's `interpolate` do): source `x = (dx + 0.5) * src_w / dst_w - 0.5`,
//!   clamped to the image, and likewise for `y`.
//! - Normalise: `(v / 255 - mean[c]) / std[c]` with the ImageNet mean and
//!   standard deviation ([`Normalization::IMAGENET`]), computed as one
//!   multiply-add per value.
//!
//! The per-column and per-row sampling positions depend only on the sizes, so
//! a [`Preprocessor`] computes them once and is reused for every frame, as a
//! real pipeline would; output tensors are likewise allocated once and
//! overwritten. Work is split by frame or by output row; a row task reads two
//! source rows and writes one row of each plane, so every thread streams its
//! own memory and nothing is shared but the read-only input.

use rayon::prelude::*;

use crate::rng::XorShift64Star;

/// Channels of an RGB frame and of the output tensor.
pub const CHANNELS: usize = 3;

/// Errors from building frames or from mismatched frame/tensor sizes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Pixel data whose length is not `width * height * 3`.
    #[error("frame of {width}x{height} RGB8 needs {expected} bytes, got {found}")]
    DataLength {
        width: usize,
        height: usize,
        expected: usize,
        found: usize,
    },
    /// A zero width or height.
    #[error("image size {width}x{height} is empty: both sides must be at least 1")]
    Empty { width: usize, height: usize },
    /// A frame or tensor whose size is not the one the preprocessor was built for.
    #[error("{what} is {found_width}x{found_height}, expected {width}x{height}")]
    SizeMismatch {
        what: &'static str,
        width: usize,
        height: usize,
        found_width: usize,
        found_height: usize,
    },
    /// Different numbers of frames and output tensors.
    #[error("{frames} frames but {tensors} output tensors")]
    BatchMismatch { frames: usize, tensors: usize },
}

/// One RGB8 frame, pixels interleaved (`r, g, b`), rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

impl Frame {
    /// A frame from its pixel data; the length must be `width * height * 3`.
    pub fn new(width: usize, height: usize, data: Vec<u8>) -> Result<Self, FrameError> {
        check_size(width, height)?;
        let expected = width * height * CHANNELS;
        if data.len() != expected {
            return Err(FrameError::DataLength {
                width,
                height,
                expected,
                found: data.len(),
            });
        }
        Ok(Self {
            width,
            height,
            data,
        })
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// The interleaved RGB8 bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Channel `c` of pixel `(x, y)`.
    pub fn sample(&self, x: usize, y: usize, c: usize) -> u8 {
        self.data[(y * self.width + x) * CHANNELS + c]
    }

    /// Size in bytes (for byte throughput).
    pub fn bytes(&self) -> usize {
        self.data.len()
    }
}

fn check_size(width: usize, height: usize) -> Result<(), FrameError> {
    if width == 0 || height == 0 {
        return Err(FrameError::Empty { width, height });
    }
    Ok(())
}

/// A deterministic camera-like frame: a sky-to-ground gradient lit from the
/// left, a few solid boxes with sharp edges (buildings, cars), and per-pixel
/// sensor noise. `index` and `seed` choose the boxes and the noise.
pub fn synthetic_frame(width: usize, height: usize, index: u64, seed: u64) -> Frame {
    let mut rng = XorShift64Star::new(seed ^ index.wrapping_mul(0x9E37_79B9));
    let boxes: Vec<([usize; 4], [u8; 3])> = (0..6)
        .map(|_| {
            let w = 1 + rng.below(width as u64 / 4 + 1) as usize;
            let h = 1 + rng.below(height as u64 / 4 + 1) as usize;
            let x = rng.below((width - w + 1) as u64) as usize;
            let y = rng.below((height - h + 1) as u64) as usize;
            let colour = [
                rng.below(256) as u8,
                rng.below(256) as u8,
                rng.below(256) as u8,
            ];
            ([x, y, x + w, y + h], colour)
        })
        .collect();
    let mut data = Vec::with_capacity(width * height * CHANNELS);
    for y in 0..height {
        let fy = y as f32 / height as f32;
        for x in 0..width {
            let fx = x as f32 / width as f32;
            let mut pixel = [
                (40.0 + 150.0 * (1.0 - fy) + 40.0 * fx) as u8,
                (60.0 + 120.0 * (1.0 - fy) + 30.0 * fx) as u8,
                (90.0 + 140.0 * (1.0 - fy) * (1.0 - fx)) as u8,
            ];
            if let Some((_, colour)) = boxes
                .iter()
                .rev()
                .find(|([x0, y0, x1, y1], _)| (*x0..*x1).contains(&x) && (*y0..*y1).contains(&y))
            {
                pixel = *colour;
            }
            let noise = rng.next_u64();
            for (c, value) in pixel.into_iter().enumerate() {
                // Noise in -8..=7, from a different byte of the draw per channel.
                let n = ((noise >> (8 * c)) & 0x0F) as i16 - 8;
                data.push((i16::from(value) + n).clamp(0, 255) as u8);
            }
        }
    }
    Frame {
        width,
        height,
        data,
    }
}

/// `count` synthetic frames of one size (frames `0..count` of [`synthetic_frame`]).
pub fn synthetic_batch(count: usize, width: usize, height: usize, seed: u64) -> Vec<Frame> {
    (0..count as u64)
        .map(|i| synthetic_frame(width, height, i, seed))
        .collect()
}

/// Per-channel normalisation: `(v / 255 - mean) / std`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normalization {
    pub mean: [f32; CHANNELS],
    pub std: [f32; CHANNELS],
}

impl Normalization {
    /// ImageNet statistics, the usual choice for torchvision-style models.
    pub const IMAGENET: Normalization = Normalization {
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
    };
}

/// A normalised image: `f32`, CHW (three planes, each `height` rows of `width`).
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    width: usize,
    height: usize,
    data: Vec<f32>,
}

impl Tensor {
    /// A zeroed tensor, allocated once and reused as output.
    pub fn zeros(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            data: vec![0.0; CHANNELS * width * height],
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// Shape as `[channels, height, width]`.
    pub fn shape(&self) -> [usize; 3] {
        [CHANNELS, self.height, self.width]
    }

    /// All values, plane after plane.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// The value of channel `c` at `(x, y)`.
    pub fn at(&self, c: usize, y: usize, x: usize) -> f32 {
        self.data[(c * self.height + y) * self.width + x]
    }

    /// The three planes, mutably.
    fn planes_mut(&mut self) -> [&mut [f32]; CHANNELS] {
        let plane = self.width * self.height;
        let (r, rest) = self.data.split_at_mut(plane);
        let (g, b) = rest.split_at_mut(plane);
        [r, g, b]
    }
}

/// Where one output coordinate samples the source: two neighbours and the
/// weight of the second.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tap {
    first: usize,
    second: usize,
    weight: f32,
}

/// Sampling positions of `dst` outputs over `src` inputs, pixel centres aligned.
fn taps(src: usize, dst: usize) -> Vec<Tap> {
    let scale = src as f64 / dst as f64;
    (0..dst)
        .map(|d| {
            let s = ((d as f64 + 0.5) * scale - 0.5).clamp(0.0, (src - 1) as f64);
            let first = s.floor() as usize;
            Tap {
                first,
                second: (first + 1).min(src - 1),
                weight: (s - first as f64) as f32,
            }
        })
        .collect()
}

/// Resize + normalise for one source size and one output size, with the
/// sampling positions precomputed.
#[derive(Debug, Clone)]
pub struct Preprocessor {
    src_width: usize,
    src_height: usize,
    dst_width: usize,
    dst_height: usize,
    /// Byte offsets within a source row (pixel index * 3) and weights.
    columns: Vec<Tap>,
    rows: Vec<Tap>,
    /// `v * scale[c] + offset[c]` == `(v / 255 - mean[c]) / std[c]`.
    scale: [f32; CHANNELS],
    offset: [f32; CHANNELS],
}

impl Preprocessor {
    /// A preprocessor from `src` frames to `dst` tensors.
    pub fn new(
        (src_width, src_height): (usize, usize),
        (dst_width, dst_height): (usize, usize),
        norm: Normalization,
    ) -> Result<Self, FrameError> {
        check_size(src_width, src_height)?;
        check_size(dst_width, dst_height)?;
        let columns = taps(src_width, dst_width)
            .into_iter()
            .map(|t| Tap {
                first: t.first * CHANNELS,
                second: t.second * CHANNELS,
                weight: t.weight,
            })
            .collect();
        Ok(Self {
            src_width,
            src_height,
            dst_width,
            dst_height,
            columns,
            rows: taps(src_height, dst_height),
            scale: std::array::from_fn(|c| 1.0 / (255.0 * norm.std[c])),
            offset: std::array::from_fn(|c| -norm.mean[c] / norm.std[c]),
        })
    }

    /// A zeroed output tensor of this preprocessor's size.
    pub fn output(&self) -> Tensor {
        Tensor::zeros(self.dst_width, self.dst_height)
    }

    fn check(&self, frame: &Frame, out: &Tensor) -> Result<(), FrameError> {
        if (frame.width, frame.height) != (self.src_width, self.src_height) {
            return Err(FrameError::SizeMismatch {
                what: "frame",
                width: self.src_width,
                height: self.src_height,
                found_width: frame.width,
                found_height: frame.height,
            });
        }
        if (out.width, out.height) != (self.dst_width, self.dst_height) {
            return Err(FrameError::SizeMismatch {
                what: "output tensor",
                width: self.dst_width,
                height: self.dst_height,
                found_width: out.width,
                found_height: out.height,
            });
        }
        Ok(())
    }

    fn check_batch(&self, frames: &[Frame], outputs: &[Tensor]) -> Result<(), FrameError> {
        if frames.len() != outputs.len() {
            return Err(FrameError::BatchMismatch {
                frames: frames.len(),
                tensors: outputs.len(),
            });
        }
        frames
            .iter()
            .zip(outputs)
            .try_for_each(|(frame, out)| self.check(frame, out))
    }

    /// Output row `dy` of every channel, from a frame already checked.
    #[inline]
    fn row(&self, frame: &Frame, dy: usize, [r, g, b]: [&mut [f32]; CHANNELS]) {
        let tap = self.rows[dy];
        let stride = self.src_width * CHANNELS;
        let top = &frame.data[tap.first * stride..][..stride];
        let bottom = &frame.data[tap.second * stride..][..stride];
        let wy = tap.weight;
        let planes = r.iter_mut().zip(g.iter_mut()).zip(b.iter_mut());
        for (column, ((r, g), b)) in self.columns.iter().zip(planes) {
            let value = |c: usize| {
                let lerp = |row: &[u8]| {
                    let a = f32::from(row[column.first + c]);
                    let b = f32::from(row[column.second + c]);
                    a + (b - a) * column.weight
                };
                let (t, u) = (lerp(top), lerp(bottom));
                (t + (u - t) * wy) * self.scale[c] + self.offset[c]
            };
            *r = value(0);
            *g = value(1);
            *b = value(2);
        }
    }

    /// One frame on the calling thread, rows in order.
    fn frame_serial(&self, frame: &Frame, out: &mut Tensor) {
        let width = self.dst_width;
        let [r, g, b] = out.planes_mut();
        let rows = r
            .chunks_mut(width)
            .zip(g.chunks_mut(width))
            .zip(b.chunks_mut(width));
        for (dy, ((r, g), b)) in rows.enumerate() {
            self.row(frame, dy, [r, g, b]);
        }
    }

    /// One frame, its output rows as rayon tasks in the current pool.
    fn frame_par_rows(&self, frame: &Frame, out: &mut Tensor) {
        let width = self.dst_width;
        let [r, g, b] = out.planes_mut();
        r.par_chunks_mut(width)
            .zip(g.par_chunks_mut(width))
            .zip(b.par_chunks_mut(width))
            .enumerate()
            .for_each(|(dy, ((r, g), b))| self.row(frame, dy, [r, g, b]));
    }

    /// Preprocess one frame into `out` on the calling thread.
    pub fn process(&self, frame: &Frame, out: &mut Tensor) -> Result<(), FrameError> {
        self.check(frame, out)?;
        self.frame_serial(frame, out);
        Ok(())
    }

    /// The batch on the calling thread, frame after frame.
    pub fn batch_serial(&self, frames: &[Frame], outputs: &mut [Tensor]) -> Result<(), FrameError> {
        self.check_batch(frames, outputs)?;
        for (frame, out) in frames.iter().zip(outputs) {
            self.frame_serial(frame, out);
        }
        Ok(())
    }

    /// The batch in `pool`, one task per frame (throughput-oriented: each
    /// frame is done by one thread, so fewer frames than threads idles some).
    pub fn batch_per_frame(
        &self,
        frames: &[Frame],
        outputs: &mut [Tensor],
        pool: &rayon::ThreadPool,
    ) -> Result<(), FrameError> {
        self.check_batch(frames, outputs)?;
        pool.install(|| {
            frames
                .par_iter()
                .zip(outputs.par_iter_mut())
                .with_max_len(1)
                .for_each(|(frame, out)| self.frame_serial(frame, out));
        });
        Ok(())
    }

    /// The batch in `pool`, frames in order, each frame's output rows split
    /// over the pool (latency-oriented: every frame is done by all threads).
    pub fn batch_per_row(
        &self,
        frames: &[Frame],
        outputs: &mut [Tensor],
        pool: &rayon::ThreadPool,
    ) -> Result<(), FrameError> {
        self.check_batch(frames, outputs)?;
        pool.install(|| {
            for (frame, out) in frames.iter().zip(outputs) {
                self.frame_par_rows(frame, out);
            }
        });
        Ok(())
    }
}

/// The benchmarked batch: 8 frames of 1920x1080 (1080p camera frames).
pub const BATCH: usize = 8;
/// Source frame size of the benchmarks.
pub const SOURCE: (usize, usize) = (1920, 1080);
/// Model input size of the benchmarks.
pub const MODEL: (usize, usize) = (640, 640);
/// Seed of the benchmarked frames.
pub const SEED: u64 = 0x00F4_A3E5;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::{self, ThreadCount};

    /// The textbook formula, written independently of [`Preprocessor`]: source
    /// position from the pixel centre, four neighbours, weights, then
    /// normalise, in `f64`.
    fn reference(frame: &Frame, dst: (usize, usize), c: usize, y: usize, x: usize) -> f64 {
        let norm = Normalization::IMAGENET;
        let position = |d: usize, src: usize, dst: usize| {
            let s = (d as f64 + 0.5) * src as f64 / dst as f64 - 0.5;
            s.max(0.0).min((src - 1) as f64)
        };
        let sx = position(x, frame.width(), dst.0);
        let sy = position(y, frame.height(), dst.1);
        let (x0, y0) = (sx.floor() as usize, sy.floor() as usize);
        let (x1, y1) = (
            (x0 + 1).min(frame.width() - 1),
            (y0 + 1).min(frame.height() - 1),
        );
        let (ax, ay) = (sx - x0 as f64, sy - y0 as f64);
        let p = |x, y| f64::from(frame.sample(x, y, c));
        let v = p(x0, y0) * (1.0 - ax) * (1.0 - ay)
            + p(x1, y0) * ax * (1.0 - ay)
            + p(x0, y1) * (1.0 - ax) * ay
            + p(x1, y1) * ax * ay;
        (v / 255.0 - f64::from(norm.mean[c])) / f64::from(norm.std[c])
    }

    fn assert_matches_reference(frame: &Frame, out: &Tensor, points: &[(usize, usize)]) {
        for &(y, x) in points {
            for c in 0..CHANNELS {
                let want = reference(frame, (out.width(), out.height()), c, y, x);
                let got = f64::from(out.at(c, y, x));
                assert!((got - want).abs() < 1e-4, "c{c} y{y} x{x}: {got} vs {want}");
            }
        }
    }

    /// Corners, edges, centre and a few interior points of a `w`x`h` output.
    fn known_points(w: usize, h: usize) -> Vec<(usize, usize)> {
        vec![
            (0, 0),
            (0, w - 1),
            (h - 1, 0),
            (h - 1, w - 1),
            (h / 2, w / 2),
            (1, 1),
            (h / 3, 2 * w / 3),
            (7 * h / 8, w / 5),
        ]
    }

    #[test]
    fn full_size_frame_matches_reference() {
        let frame = synthetic_frame(SOURCE.0, SOURCE.1, 0, SEED);
        let pre = Preprocessor::new(SOURCE, MODEL, Normalization::IMAGENET).unwrap();
        let mut out = pre.output();
        pre.process(&frame, &mut out).unwrap();
        assert_eq!(out.shape(), [3, 640, 640]);
        assert_eq!(out.data().len(), 3 * 640 * 640);
        assert_matches_reference(&frame, &out, &known_points(640, 640));
    }

    #[test]
    fn every_output_value_matches_reference_on_a_small_frame() {
        // Downscale in x, upscale in y, odd sizes: all code paths and clamps.
        let frame = synthetic_frame(97, 31, 3, SEED);
        let pre = Preprocessor::new((97, 31), (40, 45), Normalization::IMAGENET).unwrap();
        let mut out = pre.output();
        pre.process(&frame, &mut out).unwrap();
        assert_eq!(out.shape(), [3, 45, 40]);
        let all: Vec<_> = (0..45).flat_map(|y| (0..40).map(move |x| (y, x))).collect();
        assert_matches_reference(&frame, &out, &all);
    }

    #[test]
    fn same_size_is_a_pure_normalisation() {
        let frame = Frame::new(2, 1, vec![0, 128, 255, 10, 20, 30]).unwrap();
        let pre = Preprocessor::new((2, 1), (2, 1), Normalization::IMAGENET).unwrap();
        let mut out = pre.output();
        pre.process(&frame, &mut out).unwrap();
        let n = Normalization::IMAGENET;
        let want = |v: f32, c: usize| (v / 255.0 - n.mean[c]) / n.std[c];
        assert!((out.at(0, 0, 0) - want(0.0, 0)).abs() < 1e-5);
        assert!((out.at(1, 0, 0) - want(128.0, 1)).abs() < 1e-5);
        assert!((out.at(2, 0, 1) - want(30.0, 2)).abs() < 1e-5);
    }

    #[test]
    fn all_strategies_give_the_serial_output() {
        let (src, dst) = ((192, 108), (64, 64));
        let frames = synthetic_batch(BATCH, src.0, src.1, SEED);
        let pre = Preprocessor::new(src, dst, Normalization::IMAGENET).unwrap();
        let mut expected = vec![pre.output(); BATCH];
        pre.batch_serial(&frames, &mut expected).unwrap();
        for (frame, out) in frames.iter().zip(&expected) {
            assert_matches_reference(frame, out, &known_points(64, 64));
        }
        for count in [ThreadCount::Max, ThreadCount::SCALING[2]] {
            let pool = threads::pool(count.get()).unwrap();
            let mut outputs = vec![pre.output(); BATCH];
            pre.batch_per_frame(&frames, &mut outputs, &pool).unwrap();
            assert_eq!(outputs, expected, "per frame, {count} threads");
            let mut outputs = vec![pre.output(); BATCH];
            pre.batch_per_row(&frames, &mut outputs, &pool).unwrap();
            assert_eq!(outputs, expected, "per row, {count} threads");
        }
    }

    #[test]
    fn synthetic_frames_are_deterministic_and_camera_like() {
        let a = synthetic_frame(64, 36, 1, SEED);
        assert_eq!(a, synthetic_frame(64, 36, 1, SEED));
        assert_ne!(a, synthetic_frame(64, 36, 2, SEED));
        assert_eq!(a.bytes(), 64 * 36 * 3);
        // Not flat: a spread of values in every channel.
        for c in 0..CHANNELS {
            let values: Vec<u8> = a.data().iter().skip(c).step_by(3).copied().collect();
            let (lo, hi) = (values.iter().min().unwrap(), values.iter().max().unwrap());
            assert!(hi - lo > 50, "channel {c}: {lo}..{hi}");
        }
    }

    #[test]
    fn mismatched_sizes_are_errors() {
        let pre = Preprocessor::new((8, 8), (4, 4), Normalization::IMAGENET).unwrap();
        let frame = synthetic_frame(8, 9, 0, SEED);
        let err = pre.process(&frame, &mut pre.output()).unwrap_err();
        assert_eq!(err.to_string(), "frame is 8x9, expected 8x8");
        let frame = synthetic_frame(8, 8, 0, SEED);
        let err = pre.process(&frame, &mut Tensor::zeros(4, 5)).unwrap_err();
        assert_eq!(err.to_string(), "output tensor is 4x5, expected 4x4");
        let err = pre.batch_serial(&[frame], &mut []).unwrap_err();
        assert_eq!(
            err,
            FrameError::BatchMismatch {
                frames: 1,
                tensors: 0
            }
        );
        let err = Frame::new(2, 2, vec![0; 11]).unwrap_err();
        assert!(err.to_string().contains("needs 12 bytes, got 11"), "{err}");
        assert!(Preprocessor::new((0, 8), (4, 4), Normalization::IMAGENET).is_err());
    }
}

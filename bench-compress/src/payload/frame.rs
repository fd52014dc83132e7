//! Raw RGB video-frame bytes with camera noise: the guide's frame cache.
//!
//! A synthetic driveway scene (sky gradient, house wall, door, a car, ground)
//! drawn as 8-bit RGB, 640 pixels wide, row after row, plus per-pixel sensor
//! noise whose spread grows with brightness (shot noise) on top of a floor
//! (read noise). Real decoded camera frames are like this: smooth content
//! under noise that no lossless codec can remove, so ratios are low. A
//! noise-free synthetic frame would flatter every codec.

use crate::rng::SplitMix64;

/// Frame width in pixels; rows are `WIDTH * 3` bytes.
pub const WIDTH: usize = 640;
/// Height of the scene before it repeats (payloads longer than one frame
/// hold several frames, each with fresh noise).
pub const HEIGHT: usize = 480;

fn scene(x: usize, y: usize) -> [f64; 3] {
    let (xf, yf) = (x as f64, y as f64);
    // Car body, windows and wheels (drawn first: it is in front).
    if (360..600).contains(&x) && (300..400).contains(&y) {
        if y < 340 && (400..560).contains(&x) {
            return [70.0, 90.0, 110.0];
        }
        let shade = 150.0 - 0.2 * (yf - 300.0);
        return [shade + 30.0, shade - 40.0, shade - 50.0];
    }
    if (390..430).contains(&x) && (400..430).contains(&y)
        || (530..570).contains(&x) && (400..430).contains(&y)
    {
        return [25.0, 25.0, 28.0];
    }
    if y < 140 {
        // Sky: brighter towards the horizon.
        let t = yf / 140.0;
        return [120.0 + 60.0 * t, 160.0 + 50.0 * t, 220.0 + 20.0 * t];
    }
    if (40..320).contains(&x) && y < 330 {
        // Door, then wall with a light fall-off from the left.
        if (140..210).contains(&x) && (200..330).contains(&y) {
            return [110.0, 60.0, 35.0];
        }
        let light = 200.0 - 0.15 * (xf - 40.0);
        return [light, light - 15.0, light - 35.0];
    }
    // Ground: asphalt getting darker towards the camera.
    let g = 140.0 - 0.12 * (yf - 140.0);
    [g, g, g + 4.0]
}

/// `len` bytes of consecutive frames.
pub fn generate(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(len);
    let mut pixel = 0usize;
    while out.len() < len {
        let x = pixel % WIDTH;
        let y = pixel / WIDTH % HEIGHT;
        for value in scene(x, y) {
            let sigma = 0.8 + 0.01 * value;
            let noisy = value + sigma * rng.normalish();
            out.push(noisy.round().clamp(0.0, 255.0) as u8);
        }
        pixel += 1;
    }
    out.truncate(len);
    out
}

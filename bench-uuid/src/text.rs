//! Text workloads: ids to and from the hyphenated form, and v7 creation times.

use uuid::Uuid;

/// Length of the hyphenated form, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
pub const HYPHENATED_LEN: usize = uuid::fmt::Hyphenated::LENGTH;

/// Errors from the text workloads; each names the offending input.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error("id {index}: {text:?} is not a hyphenated UUID: {source}")]
    Parse {
        index: usize,
        text: String,
        #[source]
        source: uuid::Error,
    },
    #[error("id {index} ({id}) is not a version 7 UUID, so it has no Unix timestamp")]
    NotV7 { index: usize, id: Uuid },
    #[error("text buffer of {len} bytes is not a whole number of {HYPHENATED_LEN}-byte ids")]
    Length { len: usize },
}

/// Writes each id's lower-case hyphenated form into `out` (cleared first), back
/// to back with no separator, as a JSON encoder would copy them.
pub fn format_hyphenated(ids: &[Uuid], out: &mut Vec<u8>) {
    out.clear();
    let mut buf = [0u8; HYPHENATED_LEN];
    for id in ids {
        out.extend_from_slice(id.hyphenated().encode_lower(&mut buf).as_bytes());
    }
}

/// Parses back-to-back hyphenated ids (as [`format_hyphenated`] writes them).
pub fn parse_hyphenated(text: &[u8], out: &mut Vec<Uuid>) -> Result<(), TextError> {
    if !text.len().is_multiple_of(HYPHENATED_LEN) {
        return Err(TextError::Length { len: text.len() });
    }
    out.clear();
    for (index, chunk) in text.chunks_exact(HYPHENATED_LEN).enumerate() {
        let id = Uuid::try_parse_ascii(chunk).map_err(|source| TextError::Parse {
            index,
            text: String::from_utf8_lossy(chunk).into_owned(),
            source,
        })?;
        out.push(id);
    }
    Ok(())
}

/// Creation time of each v7 id in Unix milliseconds via the `uuid` crate's
/// `get_timestamp`, summed (wrapping) so nothing is optimised away.
pub fn v7_millis_sum(ids: &[Uuid]) -> Result<u64, TextError> {
    let mut sum = 0u64;
    for (index, id) in ids.iter().enumerate() {
        let ts = id
            .get_timestamp()
            .filter(|_| id.get_version_num() == 7)
            .ok_or(TextError::NotV7 { index, id: *id })?;
        let (secs, nanos) = ts.to_unix();
        sum = sum.wrapping_add(secs * 1000 + u64::from(nanos) / 1_000_000);
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v7;

    #[test]
    fn format_then_parse_round_trips() {
        let ids: Vec<Uuid> = (0..1000).map(|_| Uuid::new_v4()).collect();
        let mut text = Vec::new();
        format_hyphenated(&ids, &mut text);
        assert_eq!(text.len(), 1000 * HYPHENATED_LEN);
        assert_eq!(&text[..HYPHENATED_LEN], ids[0].to_string().as_bytes());
        let mut back = Vec::new();
        parse_hyphenated(&text, &mut back).unwrap();
        assert_eq!(back, ids);
    }

    #[test]
    fn bad_text_is_named_in_the_error() {
        let mut text = Vec::new();
        format_hyphenated(&[Uuid::new_v4(), Uuid::new_v4()], &mut text);
        text[HYPHENATED_LEN + 3] = b'g';
        let err = parse_hyphenated(&text, &mut Vec::new()).unwrap_err();
        assert!(err.to_string().starts_with("id 1: "), "{err}");
        let err = parse_hyphenated(&text[1..], &mut Vec::new()).unwrap_err();
        assert!(matches!(err, TextError::Length { len: 71 }), "{err}");
    }

    #[test]
    fn v7_timestamps_are_read_back_exactly() {
        let mut g = v7::V7Generator::from_seed(3);
        let ids: Vec<Uuid> = (0..1000u64)
            .map(|i| g.next_at(1_700_000_000_000 + i))
            .collect();
        let expected: u64 = (0..1000u64).map(|i| 1_700_000_000_000 + i).sum();
        assert_eq!(v7_millis_sum(&ids).unwrap(), expected);
        let now = Uuid::now_v7();
        assert!(v7_millis_sum(&[now]).unwrap().abs_diff(v7::system_ms()) < 1000);
    }

    #[test]
    fn v4_has_no_timestamp() {
        let ids = [Uuid::now_v7(), Uuid::new_v4()];
        let err = v7_millis_sum(&ids).unwrap_err();
        assert!(matches!(err, TextError::NotV7 { index: 1, .. }), "{err}");
    }
}

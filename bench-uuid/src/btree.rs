//! In-memory analogue of a primary-key index: a `BTreeMap` keyed by UUID.

use std::collections::BTreeMap;

use uuid::Uuid;

/// Inserts `keys` in order into a new map (value = position), as an index
/// receives ids in the order they are made.
pub fn build_index(keys: &[Uuid]) -> BTreeMap<Uuid, u32> {
    let mut map = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        map.insert(*key, i as u32);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_inserted_with_its_position() {
        let keys: Vec<Uuid> = (0..5000).map(|_| Uuid::new_v4()).collect();
        let map = build_index(&keys);
        assert_eq!(map.len(), keys.len());
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(map[key], i as u32);
        }
        let v7: Vec<Uuid> = (0..5000).map(|_| Uuid::now_v7()).collect();
        let map = build_index(&v7);
        // Time-ordered keys arrive in key order: the map's order is insertion order.
        assert!(map.values().copied().eq(0..5000));
    }
}

//! The hash of the synth's own maps (resources, construct paths, stacks by id):
//! foldhash's fast hasher with a fixed seed in place of SipHash, which was 5 % of a synth
//! process's instructions. The keys are names from the user's own program, so the
//! protection SipHash's random keys give against crafted keys buys nothing here, and a
//! fixed seed keeps every run alike. Public types ([`crate::Json`], [`crate::Map`]) keep
//! the standard hasher.

/// The hasher of [`HashMap`] and [`IndexMap`].
pub(crate) type Fast = foldhash::fast::FixedState;
/// A `std` hash map with the [`Fast`] hasher.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, Fast>;
/// A `std` hash set with the [`Fast`] hasher.
pub(crate) type HashSet<K> = std::collections::HashSet<K, Fast>;
/// An insertion-ordered map with the [`Fast`] hasher.
pub(crate) type IndexMap<K, V> = indexmap::IndexMap<K, V, Fast>;

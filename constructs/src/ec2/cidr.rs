//! IPv4 CIDR blocks: parsing, overlap and carving a VPC range into subnets, all checked at
//! synth.

use std::fmt;

/// An IPv4 CIDR block, normalized (host bits zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub base: u32,
    pub prefix: u8,
}

/// Why a CIDR string is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CidrError(pub String);

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Cidr {
    /// Parses `a.b.c.d/n`; host bits must be zero (`10.0.0.1/16` is refused, as AWS does).
    pub fn parse(s: &str) -> Result<Cidr, CidrError> {
        let (addr, prefix) = s
            .split_once('/')
            .ok_or_else(|| CidrError(format!("`{s}` has no `/prefix`")))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| *p <= 32)
            .ok_or_else(|| CidrError(format!("`{s}`: the prefix must be 0 to 32")))?;
        let octets: Vec<&str> = addr.split('.').collect();
        if octets.len() != 4 {
            return Err(CidrError(format!(
                "`{s}` is not an IPv4 address with a prefix"
            )));
        }
        let mut base = 0u32;
        for o in octets {
            let v: u8 = o
                .parse()
                .map_err(|_| CidrError(format!("`{s}`: `{o}` is not a number from 0 to 255")))?;
            base = (base << 8) | u32::from(v);
        }
        let cidr = Cidr { base, prefix };
        if base & !cidr.mask() != 0 {
            return Err(CidrError(format!(
                "`{s}` has host bits set: the block starts at {}",
                Cidr {
                    base: base & cidr.mask(),
                    prefix
                }
            )));
        }
        Ok(cidr)
    }

    pub fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }

    fn last(self) -> u32 {
        self.base | !self.mask()
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        self.base <= other.last() && other.base <= self.last()
    }

    pub fn contains(self, other: Cidr) -> bool {
        self.prefix <= other.prefix && self.base == other.base & self.mask()
    }

    /// How many addresses the blocks cover together (overlaps counted once): what a set of
    /// rules really opens, whatever the strings look like (`0.0.0.0/1` + `128.0.0.0/1` is
    /// every address).
    pub fn union_size(blocks: &[Cidr]) -> u64 {
        let mut ranges: Vec<(u64, u64)> = blocks
            .iter()
            .map(|c| (u64::from(c.base), u64::from(c.last()) + 1))
            .collect();
        ranges.sort_unstable();
        let mut total = 0;
        let mut reach = 0u64;
        for (start, end) in ranges {
            let start = start.max(reach);
            if end > start {
                total += end - start;
                reach = end;
            }
        }
        total
    }

    /// Every IPv4 address.
    pub const ALL_ADDRESSES: u64 = 1 << 32;

    /// Splits into `count` consecutive blocks of `prefix` bits, or None if they do not fit.
    pub fn carve(self, prefix: u8, count: usize) -> Option<Vec<Cidr>> {
        if prefix < self.prefix || prefix > 28 {
            return None;
        }
        let size = 1u64 << (32 - prefix);
        let available = 1u64 << (prefix - self.prefix);
        if count as u64 > available {
            return None;
        }
        Some(
            (0..count as u64)
                .map(|i| Cidr {
                    base: (u64::from(self.base) + i * size) as u32,
                    prefix,
                })
                .collect(),
        )
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.base.to_be_bytes();
        write!(f, "{}.{}.{}.{}/{}", b[0], b[1], b[2], b[3], self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_union_counts_each_address_once() {
        let c = |s: &str| Cidr::parse(s).unwrap();
        assert_eq!(
            Cidr::union_size(&[c("0.0.0.0/1"), c("128.0.0.0/1")]),
            Cidr::ALL_ADDRESSES
        );
        assert_eq!(
            Cidr::union_size(&[c("10.0.0.0/8"), c("10.1.0.0/16")]),
            1 << 24
        );
        assert_eq!(Cidr::union_size(&[c("10.0.0.0/32"), c("10.0.0.1/32")]), 2);
        assert_eq!(Cidr::union_size(&[]), 0);
    }

    #[test]
    fn parse_and_normalize() {
        assert_eq!(
            Cidr::parse("10.0.0.0/16").unwrap().to_string(),
            "10.0.0.0/16"
        );
        assert!(Cidr::parse("10.0.0.1/16")
            .unwrap_err()
            .0
            .contains("host bits set: the block starts at 10.0.0.0/16"));
        assert!(Cidr::parse("10.0.0.0").is_err());
        assert!(Cidr::parse("10.0.0.256/24").is_err());
        assert!(Cidr::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn overlap_contains_and_carve() {
        let vpc = Cidr::parse("10.0.0.0/16").unwrap();
        let a = Cidr::parse("10.0.1.0/24").unwrap();
        assert!(vpc.overlaps(a) && vpc.contains(a) && !a.contains(vpc));
        assert!(!a.overlaps(Cidr::parse("10.0.2.0/24").unwrap()));
        let six = vpc.carve(19, 6).unwrap();
        assert_eq!(six[5].to_string(), "10.0.160.0/19");
        assert!(vpc.carve(19, 9).is_none());
        assert!(vpc.carve(12, 1).is_none());
    }
}

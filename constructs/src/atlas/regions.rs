//! AWS regions and the names MongoDB Atlas gives them (`us-east-1` → `US_EAST_1`): the 33
//! regions the platform seed's module maps. A region outside this table is a synth error,
//! not a cluster that fails to create.

/// `(AWS region, Atlas region name)`.
pub const REGIONS: [(&str, &str); 33] = [
    ("us-east-1", "US_EAST_1"),
    ("us-east-2", "US_EAST_2"),
    ("us-west-1", "US_WEST_1"),
    ("us-west-2", "US_WEST_2"),
    ("ca-central-1", "CA_CENTRAL_1"),
    ("ca-west-1", "CA_WEST_1"),
    ("mx-central-1", "MX_CENTRAL_1"),
    ("sa-east-1", "SA_EAST_1"),
    ("eu-west-1", "EU_WEST_1"),
    ("eu-west-2", "EU_WEST_2"),
    ("eu-west-3", "EU_WEST_3"),
    ("eu-central-1", "EU_CENTRAL_1"),
    ("eu-central-2", "EU_CENTRAL_2"),
    ("eu-north-1", "EU_NORTH_1"),
    ("eu-south-1", "EU_SOUTH_1"),
    ("eu-south-2", "EU_SOUTH_2"),
    ("af-south-1", "AF_SOUTH_1"),
    ("me-south-1", "ME_SOUTH_1"),
    ("me-central-1", "ME_CENTRAL_1"),
    ("il-central-1", "IL_CENTRAL_1"),
    ("ap-east-1", "AP_EAST_1"),
    ("ap-east-2", "AP_EAST_2"),
    ("ap-south-1", "AP_SOUTH_1"),
    ("ap-south-2", "AP_SOUTH_2"),
    ("ap-southeast-1", "AP_SOUTHEAST_1"),
    ("ap-southeast-2", "AP_SOUTHEAST_2"),
    ("ap-southeast-3", "AP_SOUTHEAST_3"),
    ("ap-southeast-4", "AP_SOUTHEAST_4"),
    ("ap-southeast-5", "AP_SOUTHEAST_5"),
    ("ap-southeast-7", "AP_SOUTHEAST_7"),
    ("ap-northeast-1", "AP_NORTHEAST_1"),
    ("ap-northeast-2", "AP_NORTHEAST_2"),
    ("ap-northeast-3", "AP_NORTHEAST_3"),
];

/// Atlas's name for an AWS region, if Atlas has the region.
pub fn atlas_region(aws_region: &str) -> Option<&'static str> {
    REGIONS
        .iter()
        .find(|(aws, _)| *aws == aws_region)
        .map(|(_, atlas)| *atlas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_the_region_in_upper_snake_case() {
        for (aws, atlas) in REGIONS {
            assert_eq!(aws.to_uppercase().replace('-', "_"), atlas);
        }
        assert_eq!(atlas_region("us-east-1"), Some("US_EAST_1"));
        assert_eq!(atlas_region("moon-1"), None);
        let mut names: Vec<_> = REGIONS.iter().map(|r| r.0).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 33);
    }
}

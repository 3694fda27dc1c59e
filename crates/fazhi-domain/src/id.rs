//! Row ids as types of their own, so a unit's id cannot be passed where a user's is expected.
//! Each is a bare `i64` on the wire (`#[serde(transparent)]`), in URLs and in templates
//! (`Display`, `FromStr`); `UnitId(5)` makes one and `.0` reads it.

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug,
            Default,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        /// A bare number compares with an id (tests and literals read as before).
        impl PartialEq<i64> for $name {
            fn eq(&self, other: &i64) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$name> for i64 {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    )*};
}

ids! {
    /// A region (行政区划) row.
    RegionId;
    /// A unit (单位) row.
    UnitId;
    /// An account row.
    UserId;
    /// A ledger record row.
    RecordId;
    /// An uploaded report row.
    UploadId;
    /// An audit log entry.
    AuditId;
    /// A role grant (an account's role at a node).
    GrantId;
    /// An API token row (never the token itself).
    TokenId;
    /// A ledger record's attachment.
    AttachmentId;
    /// A unit's report of a year (the reporting cycle's status row).
    ReportId;
    /// A version of a report (today: an uploaded file).
    VersionId;
    /// A supervisor's comment on a returned report.
    CommentId;
    /// A message shown to an account.
    NotificationId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_number_everywhere() {
        let id = UnitId(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<UnitId>("42").unwrap(), id);
        assert_eq!(id.to_string(), "42");
        assert_eq!("42".parse::<UnitId>().unwrap(), id);
        assert_eq!(id.0, 42);
    }
}

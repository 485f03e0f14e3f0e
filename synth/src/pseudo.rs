//! [`Pseudo`]: CloudFormation's pseudo parameters.

/// CloudFormation's pseudo parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pseudo {
    AccountId,
    NotificationArns,
    NoValue,
    Partition,
    Region,
    StackId,
    StackName,
    UrlSuffix,
}

impl Pseudo {
    /// The name CloudFormation knows it by, e.g. `AWS::Region`.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
            Pseudo::NoValue => "AWS::NoValue",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::Region => "AWS::Region",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
        }
    }

    /// Every pseudo parameter, for checking `Ref` and `${..}` names.
    pub const ALL: [Pseudo; 8] = [
        Pseudo::AccountId,
        Pseudo::NotificationArns,
        Pseudo::NoValue,
        Pseudo::Partition,
        Pseudo::Region,
        Pseudo::StackId,
        Pseudo::StackName,
        Pseudo::UrlSuffix,
    ];
}

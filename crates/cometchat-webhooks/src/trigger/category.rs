//! [`Category`]: the family a trigger belongs to.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The family a trigger belongs to, for per-category handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// Messages: sent, edited, deleted, receipts, reactions, mentions, pins.
    Message,
    /// Users: blocks and connection status.
    User,
    /// Groups: lifecycle and membership.
    Group,
    /// Ringing calls and call media sessions.
    Call,
    /// Meeting (call-session) media sessions.
    Meeting,
    /// Recordings and transcripts of calls and meetings.
    Recording,
    /// Moderation decisions.
    Moderation,
    /// Campaigns, in-app feed items and campaign push notifications.
    Campaign,
    /// Custom push, email and SMS notification providers.
    NotificationProvider,
}

impl Category {
    /// Every category.
    pub const ALL: &'static [Category] = &[
        Category::Message,
        Category::User,
        Category::Group,
        Category::Call,
        Category::Meeting,
        Category::Recording,
        Category::Moderation,
        Category::Campaign,
        Category::NotificationProvider,
    ];

    /// A short lower-case name (`message`, `notification_provider`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Message => "message",
            Category::User => "user",
            Category::Group => "group",
            Category::Call => "call",
            Category::Meeting => "meeting",
            Category::Recording => "recording",
            Category::Moderation => "moderation",
            Category::Campaign => "campaign",
            Category::NotificationProvider => "notification_provider",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

//! Campaign and notification-engine triggers (reference §2.7). Times are
//! seconds and `null` until the step has happened.

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, millis, user_recipient};
use super::shared_shape::shared_shape;
use crate::decode::key_view::{KeyView, Leaf, Text};
use crate::decode::lenient;
use crate::decode::raw_json::{self, RawJson};
use crate::idempotency::KeyParts;
use crate::model::{Millis, Recipient, Timestamp};

/// `data` of `after_campaign_completed` / `after_campaign_failed`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignSummary {
    /// Campaign id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub campaign_id: Option<String>,
    /// App id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub app_id: Option<String>,
    /// Name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// Final status.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// Template used.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub template_id: Option<String>,
    /// Template version.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub template_version: Option<u64>,
    /// Recipients targeted.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub total_targets: Option<u64>,
    /// Sent successfully.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub sent_count: Option<u64>,
    /// Failed.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub failed_count: Option<u64>,
    /// Tag.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tag: Option<String>,
    /// Scheduled for, seconds.
    pub scheduled_at: Option<Timestamp>,
    /// Sent, seconds.
    pub sent_at: Option<Timestamp>,
    /// Completed, seconds.
    pub completed_at: Option<Timestamp>,
    /// Created, seconds.
    pub created_at: Option<Timestamp>,
    /// Updated, seconds.
    pub updated_at: Option<Timestamp>,
}

shared_shape! {
    /// `after_campaign_completed`.
    AfterCampaignCompleted(CampaignSummary);
    /// `after_campaign_failed`.
    AfterCampaignFailed(CampaignSummary);
}

/// `after_notification_created`: a notification is being dispatched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AfterNotificationCreated {
    /// Notification id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub notification_id: Option<String>,
    /// App id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub app_id: Option<String>,
    /// Campaign id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub campaign_id: Option<String>,
    /// Template used.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub template_id: Option<String>,
    /// Template version.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub template_version: Option<u64>,
    /// Category.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category: Option<String>,
    /// Label.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub label: Option<String>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// `realtime`, …
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub send_mode: Option<String>,
    /// `normal`, …
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub priority: Option<String>,
    /// Channels (`in_app`, `push`, …).
    pub channels: Option<Vec<String>>,
    /// `ui_template`, …
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub data_type: Option<String>,
    /// `dispatching`, …
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// Recipients targeted.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub total_targets: Option<u64>,
    /// Sent so far.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub sent_count: Option<u64>,
    /// Failed so far.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub failed_count: Option<u64>,
    /// Created, seconds.
    pub created_at: Option<Timestamp>,
}

/// `data` of the in-app feed item triggers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedItem {
    /// Feed item id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// App id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub app_id: Option<String>,
    /// Template version.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub template_version: Option<u64>,
    /// Channel id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub channel_id: Option<String>,
    /// Content kind (`ui_template`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub data_type: Option<String>,
    /// Category id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category_id: Option<String>,
    /// Template category.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub template_category: Option<String>,
    /// Notification id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub notification_id: Option<String>,
    /// Campaign id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub campaign_id: Option<String>,
    /// Recipient's uid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receiver: Option<String>,
    /// Template used.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub template_id: Option<String>,
    /// `in_app`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub channel_type: Option<String>,
    /// Status.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// Label.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub label: Option<String>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Fallback text.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alternative_text: Option<String>,
    /// Template variables.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub variables: Option<RawJson>,
    /// Metadata.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub metadata: Option<RawJson>,
    /// Rendered content (`after_feed_item_sent`).
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub content: Option<RawJson>,
    /// Real-time channels used.
    pub realtime_fanout: Option<Vec<String>>,
    /// Sent, seconds.
    pub sent_at: Option<Timestamp>,
    /// Delivered, seconds.
    pub delivered_at: Option<Timestamp>,
    /// Read, seconds.
    pub read_at: Option<Timestamp>,
    /// Engaged, seconds.
    pub engaged_at: Option<Timestamp>,
    /// Interacted, seconds.
    pub interacted_at: Option<Timestamp>,
}

shared_shape! {
    /// `after_feed_item_sent`.
    AfterFeedItemSent(FeedItem);
    /// `after_feed_item_delivered`.
    AfterFeedItemDelivered(FeedItem);
    /// `after_feed_item_read`.
    AfterFeedItemRead(FeedItem);
    /// `after_feed_item_interacted`.
    AfterFeedItemInteracted(FeedItem);
}

/// `data` of the campaign push-notification triggers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushNotificationStatus {
    /// Push notification id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub push_notification_id: Option<String>,
    /// App id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub app_id: Option<String>,
    /// Template version.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub template_version: Option<u64>,
    /// Channel id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub channel_id: Option<String>,
    /// Content kind (`ui_template`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub data_type: Option<String>,
    /// Fallback text.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alternative_text: Option<String>,
    /// Category.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category: Option<String>,
    /// Label.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub label: Option<String>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Template variables.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub variables: Option<RawJson>,
    /// Notification id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub notification_id: Option<String>,
    /// Campaign id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub campaign_id: Option<String>,
    /// Recipient's uid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receiver: Option<String>,
    /// Template used.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub template_id: Option<String>,
    /// `push`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub channel_type: Option<String>,
    /// Status.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// Tag.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tag: Option<String>,
    /// Failure reason.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub error_message: Option<String>,
    /// Metadata.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub metadata: Option<RawJson>,
    /// Sent, seconds.
    pub sent_at: Option<Timestamp>,
    /// Delivered, seconds.
    pub delivered_at: Option<Timestamp>,
    /// Clicked, seconds.
    pub clicked_at: Option<Timestamp>,
    /// Engaged, seconds.
    pub engaged_at: Option<Timestamp>,
    /// Failed, seconds.
    pub failed_at: Option<Timestamp>,
}

shared_shape! {
    /// `after_push_notification_sent`.
    AfterPushNotificationSent(PushNotificationStatus);
    /// `after_push_notification_delivered`.
    AfterPushNotificationDelivered(PushNotificationStatus);
    /// `after_push_notification_clicked`.
    AfterPushNotificationClicked(PushNotificationStatus);
}

// What each campaign event says, and its idempotency key ------------------

macro_rules! campaign_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = "campaignId, completedAt (or updatedAt)";
            type KeyView = CampaignKeyView;

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.completed_at.or(self.updated_at))
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("campaignId", self.campaign_id.as_deref()?);
                parts.part("completedAt", self.completed_at.or(self.updated_at)?);
                Some(())
            }
        }
    )+};
}

campaign_facts!(AfterCampaignCompleted, AfterCampaignFailed);

impl Facts for AfterNotificationCreated {
    const IDEMPOTENCY_RECIPE: &'static str = "notificationId";
    type KeyView = NotificationCreatedKeyView;

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.created_at)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("notificationId", self.notification_id.as_deref()?);
        Some(())
    }
}

/// Feed items and campaign pushes: the item's id and the time of the step.
macro_rules! delivery_step_facts {
    ($id:ident, $id_name:literal: $($payload:ty => $time:ident, $time_name:literal, $step:ident),+ $(,)?) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = concat!($id_name, ", ", $time_name);
            type KeyView = DeliveryStepKeyView<{ DeliveryStep::$step as u8 }>;

            fn recipient(&self) -> Option<Recipient<'_>> {
                user_recipient(self.receiver.as_deref())
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.$time)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part($id_name, self.$id.as_deref()?);
                parts.part($time_name, self.$time?);
                Some(())
            }
        }
    )+};
}

delivery_step_facts!(id, "id":
    AfterFeedItemSent => sent_at, "sentAt", FeedSent,
    AfterFeedItemDelivered => delivered_at, "deliveredAt", FeedDelivered,
    AfterFeedItemRead => read_at, "readAt", FeedRead,
    AfterFeedItemInteracted => interacted_at, "interactedAt", FeedInteracted,
);

delivery_step_facts!(push_notification_id, "pushNotificationId":
    AfterPushNotificationSent => sent_at, "sentAt", PushSent,
    AfterPushNotificationDelivered => delivered_at, "deliveredAt", PushDelivered,
    AfterPushNotificationClicked => clicked_at, "clickedAt", PushClicked,
);

// The same keys read without typing the payload (see `decode::key_view`) --

/// The key fields of campaign summaries.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CampaignKeyView {
    #[serde(default)]
    campaign_id: Leaf<Text>,
    #[serde(default)]
    completed_at: Leaf<Timestamp>,
    #[serde(default)]
    updated_at: Leaf<Timestamp>,
}

impl KeyView for CampaignKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("campaignId", self.campaign_id.text()?);
        parts.part("completedAt", self.completed_at.get().or(self.updated_at.get())?);
        Some(())
    }
}

/// The key fields of `after_notification_created`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NotificationCreatedKeyView {
    #[serde(default)]
    notification_id: Leaf<Text>,
}

impl KeyView for NotificationCreatedKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("notificationId", self.notification_id.text()?);
        Some(())
    }
}

/// Which feed-item or push step a [`DeliveryStepKeyView`] keys.
#[derive(Clone, Copy)]
enum DeliveryStep {
    FeedSent,
    FeedDelivered,
    FeedRead,
    FeedInteracted,
    PushSent,
    PushDelivered,
    PushClicked,
}

/// The key fields of feed items and campaign pushes: the item's id and
/// the time of the step `STEP` (a [`DeliveryStep`] as `u8`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeliveryStepKeyView<const STEP: u8> {
    #[serde(default)]
    id: Leaf<Text>,
    #[serde(default)]
    push_notification_id: Leaf<Text>,
    #[serde(default)]
    sent_at: Leaf<Timestamp>,
    #[serde(default)]
    delivered_at: Leaf<Timestamp>,
    #[serde(default)]
    read_at: Leaf<Timestamp>,
    #[serde(default)]
    interacted_at: Leaf<Timestamp>,
    #[serde(default)]
    clicked_at: Leaf<Timestamp>,
}

impl<const STEP: u8> KeyView for DeliveryStepKeyView<STEP> {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        use DeliveryStep::*;
        const STEPS: [DeliveryStep; 7] = [
            FeedSent,
            FeedDelivered,
            FeedRead,
            FeedInteracted,
            PushSent,
            PushDelivered,
            PushClicked,
        ];
        let step = STEPS.into_iter().find(|step| *step as u8 == STEP)?;
        let (id_name, id) = match step {
            FeedSent | FeedDelivered | FeedRead | FeedInteracted => ("id", &self.id),
            PushSent | PushDelivered | PushClicked => {
                ("pushNotificationId", &self.push_notification_id)
            }
        };
        let (time_name, time) = match step {
            FeedSent | PushSent => ("sentAt", &self.sent_at),
            FeedDelivered | PushDelivered => ("deliveredAt", &self.delivered_at),
            FeedRead => ("readAt", &self.read_at),
            FeedInteracted => ("interactedAt", &self.interacted_at),
            PushClicked => ("clickedAt", &self.clicked_at),
        };
        parts.part(id_name, id.text()?);
        parts.part(time_name, time.get()?);
        Some(())
    }
}

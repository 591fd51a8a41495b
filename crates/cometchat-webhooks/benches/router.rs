//! Routing overhead: `WebhookRouter::handle` against a hand-written
//! `match event.into_payload()` calling the same trivial async handler, over
//! one decoded event per bundled trigger, in one run.
//!
//! Each iteration routes all events once. The events are cloned outside the
//! timed part one batch at a time, so freeing a large batch of clones (and
//! the allocator handing memory back to the OS) never lands in the timing.

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;

use cometchat_webhooks::router::WebhookRouter;
use cometchat_webhooks::testing::samples;
use cometchat_webhooks::{Event, Payload};
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
use tokio::runtime::Runtime;

/// The handler both sides call: it only looks at its argument.
async fn touch<T>(payload: T) -> Result<(), Infallible> {
    black_box(&payload);
    Ok(())
}

/// Expands the same list of payload types into a router and into a `match`.
macro_rules! with_every_payload {
    ($callback:ident) => {
        $callback! {
            MessageSent, MessageEdited, MessageDeleted, MessageDeliveryReceipt,
            MessageReadReceipt, MessageDeliveredToAll, MessageReadByAll, MessageReactionAdded,
            MessageReactionRemoved, UserMentioned, MessagePinned, MessageUnpinned,
            ConversationPinned, ConversationUnpinned, UserBlocked, UserUnblocked,
            UserConnectionStatusChanged, GroupCreated, GroupUpdated, GroupDeleted,
            GroupMemberJoined, GroupMemberLeft, GroupMemberAdded, GroupMemberKicked,
            GroupMemberBanned, GroupMemberUnbanned, GroupMemberScopeChanged, GroupMemberRemoved,
            GroupOwnerTransferred, CallInitiated, CallBusy, CallCancelled, CallRejected,
            CallUnanswered, CallStarted, CallParticipantJoined, CallParticipantLeft, CallEnded,
            MeetingStarted, MeetingParticipantJoined, MeetingParticipantLeft, MeetingEnded,
            RecordingGenerated, TranscriptionGenerated, ModerationEngineApproved,
            ModerationEngineBlocked, ModerationManualApproved, ModerationEngineFailed,
            AfterCampaignCompleted, AfterCampaignFailed, AfterNotificationCreated,
            AfterFeedItemSent, AfterFeedItemDelivered, AfterFeedItemRead,
            AfterFeedItemInteracted, AfterPushNotificationSent, AfterPushNotificationDelivered,
            AfterPushNotificationClicked, PushNotificationPayloadGenerated,
            EmailNotificationPayloadGenerated, SmsNotificationPayloadGenerated, BeforeMessage,
            AfterMessage, AfterConnectionStatusChanged, LegacyMessageDeliveryReceipt,
            LegacyMessageReadReceipt
        }
    };
}

macro_rules! router_for {
    ($($payload:ident),+) => {
        WebhookRouter::builder()
            $( .on(|payload: cometchat_webhooks::payload::$payload| touch(payload)) )+
            .build()
    };
}

macro_rules! match_arms {
    ($($payload:ident),+) => {
        /// `Payload` boxes each payload; the handler takes it by value, as a
        /// router handler does, so both sides call the same functions.
        async fn hand_written(event: Event) -> Result<(), Infallible> {
            match event.into_payload() {
                $( Payload::$payload(payload) => touch(*payload).await, )+
                other => touch(other).await,
            }
        }
    };
}

with_every_payload!(match_arms);

/// A handler future behind a pointer, the form any type-erased router
/// stores; used to show what the erasure alone costs.
type BoxedHandlerFuture = Pin<Box<dyn Future<Output = Result<(), Infallible>> + Send>>;

/// Times `route` over every event, all routed once per iteration.
fn measure<Route, Routed>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    runtime: &Runtime,
    events: &[Event],
    name: &str,
    route: Route,
) where
    Route: Fn(Event) -> Routed,
    Routed: Future,
{
    group.bench_function(name, |bencher| {
        bencher.iter_batched(
            || events.to_vec(),
            |events| {
                runtime.block_on(async {
                    for event in events {
                        black_box(route(event).await);
                    }
                })
            },
            BatchSize::PerIteration,
        )
    });
}

fn routing_overhead(criterion: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    let events: Vec<Event> =
        samples().map(|(_, body)| Event::from_slice(body).expect("samples decode")).collect();
    let router = with_every_payload!(router_for);
    let fallback_only = WebhookRouter::builder().fallback(|event: Event| touch(event)).build();

    let mut group = criterion.benchmark_group("route_every_trigger");
    // The reference, and the router with one typed handler per trigger.
    measure(&mut group, &runtime, &events, "hand_written_match", hand_written);
    measure(&mut group, &runtime, &events, "router_handle", |event| router.handle(event));
    // Where the difference goes: the same match with its future boxed, and
    // a router whose one handler takes the whole event.
    measure(&mut group, &runtime, &events, "hand_written_match_boxed", |event| {
        Box::pin(hand_written(event)) as BoxedHandlerFuture
    });
    measure(&mut group, &runtime, &events, "router_handle_fallback_only", |event| {
        fallback_only.handle(event)
    });
    group.finish();
}

criterion_group!(benches, routing_overhead);
criterion_main!(benches);

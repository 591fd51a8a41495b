//! Helpers shared by the router tests: sample events, a call counter and a
//! gate that holds handlers until a test lets them finish.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cometchat_webhooks::testing::{EventBuilder, sample_body};
use cometchat_webhooks::{Event, Trigger};
use tokio::sync::Semaphore;

/// The bundled sample of `trigger`, decoded.
pub(crate) fn sample(trigger: Trigger) -> Event {
    Event::from_slice(sample_body(trigger)).expect("bundled samples decode")
}

/// A `message_sent` whose message id (and so idempotency key) is `id`.
pub(crate) fn message_sent(id: &str) -> Event {
    EventBuilder::new(Trigger::MessageSent).set("data.message.id", id).build()
}

/// Counts handler runs across clones.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counter(Arc<AtomicUsize>);

impl Counter {
    pub(crate) fn bump(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub(crate) fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Holds handlers inside their run: a handler calls [`pass`](Self::pass),
/// the test waits for it with [`started`](Self::started) and lets it go with
/// [`open`](Self::open).
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    started: Arc<Semaphore>,
    release: Arc<Semaphore>,
}

impl Default for Gate {
    fn default() -> Self {
        Self { started: Arc::new(Semaphore::new(0)), release: Arc::new(Semaphore::new(0)) }
    }
}

impl Gate {
    /// Called by a handler: announces it started and waits to be let go.
    pub(crate) async fn pass(&self) {
        self.started.add_permits(1);
        self.release.acquire().await.expect("gate open").forget();
    }

    /// Waits until `count` handlers have started.
    pub(crate) async fn started(&self, count: u32) {
        self.started.acquire_many(count).await.expect("gate open").forget();
    }

    /// Lets `count` handlers finish.
    pub(crate) fn open(&self, count: usize) {
        self.release.add_permits(count);
    }
}

/// The JSON body of a response.
pub(crate) fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).expect("a JSON body")
}

//! [`BodyBudget`]: the receiver-wide count of body bytes being read, so many
//! large bodies at once cannot take memory without bound.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A number of body bytes that all requests of one receiver (every clone of
/// its [`ReceiverConfig`](super::ReceiverConfig)) may hold at once while
/// their bodies are read.
#[derive(Debug)]
pub(super) struct BodyBudget {
    limit: usize,
    in_flight: AtomicUsize,
}

impl BodyBudget {
    pub(super) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self { limit, in_flight: AtomicUsize::new(0) })
    }

    pub(super) fn limit(&self) -> usize {
        self.limit
    }

    pub(super) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Takes `bytes` from the budget, or nothing when they do not fit.
    fn take(&self, bytes: usize) -> bool {
        self.in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                held.checked_add(bytes).filter(|total| *total <= self.limit)
            })
            .is_ok()
    }

    fn give_back(&self, bytes: usize) {
        self.in_flight.fetch_sub(bytes, Ordering::AcqRel);
    }
}

/// The bytes one request holds; given back when dropped, however the read
/// ends (done, refused, or the request future dropped mid-read).
#[derive(Debug)]
pub(super) struct Reservation {
    budget: Arc<BodyBudget>,
    held: usize,
}

impl Reservation {
    pub(super) fn empty(budget: &Arc<BodyBudget>) -> Self {
        Self { budget: Arc::clone(budget), held: 0 }
    }

    /// Makes sure `total` bytes are held, taking only the difference; false
    /// (and nothing taken) when the budget cannot give it.
    pub(super) fn hold(&mut self, total: usize) -> bool {
        if total <= self.held {
            return true;
        }
        let more = total - self.held;
        if !self.budget.take(more) {
            return false;
        }
        self.held = total;
        true
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.budget.give_back(self.held);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_share_the_budget_and_give_it_back_when_dropped() {
        let budget = BodyBudget::new(10);
        let mut first = Reservation::empty(&budget);
        let mut second = Reservation::empty(&budget);
        assert!(first.hold(6));
        assert!(first.hold(4), "holding less than held takes nothing");
        assert!(!second.hold(5), "6 + 5 is over 10");
        assert_eq!(budget.in_flight(), 6);
        assert!(second.hold(4));
        assert_eq!(budget.in_flight(), 10);
        drop(first);
        assert_eq!(budget.in_flight(), 4);
        assert!(second.hold(10));
        drop(second);
        assert_eq!(budget.in_flight(), 0);
    }

    #[test]
    fn a_huge_request_does_not_overflow_the_count() {
        let budget = BodyBudget::new(usize::MAX - 1);
        let mut held = Reservation::empty(&budget);
        assert!(held.hold(usize::MAX - 1));
        assert!(!Reservation::empty(&budget).hold(2));
        assert_eq!(budget.in_flight(), usize::MAX - 1);
    }
}

//! A bounded cache of exchanged URLs, so a URL that several events (or
//! retries of one event) carry costs one request while the answer is valid.
//!
//! A `moka` cache: a size bound with frequency-aware eviction (a URL asked
//! for often outlives one asked for once) and a lifetime per entry.

use std::time::{Duration, Instant, SystemTime};

use moka::Expiry;
use moka::sync::Cache;

use super::presigned::PresignedUrl;

/// A cached URL is handed out only while it works at least this much
/// longer, so the caller has time to start the download.
pub const CACHE_REFRESH_MARGIN: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub(super) struct PresignCache {
    capacity: usize,
    entries: Cache<String, PresignedUrl>,
}

impl PresignCache {
    pub(super) fn new(capacity: usize) -> Self {
        let entries = Cache::builder()
            .max_capacity(u64::try_from(capacity).unwrap_or(u64::MAX))
            .expire_after(UntilShortlyBeforeExpiry)
            .build();
        Self { capacity, entries }
    }

    pub(super) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(super) fn get(&self, original: &str) -> Option<PresignedUrl> {
        // moka's clock is monotonic; a wall clock that jumped ahead is
        // checked too, so a URL past its `Expires` is never handed out.
        self.entries.get(original).filter(|presigned| !fresh_for(presigned).is_zero())
    }

    pub(super) fn insert(&self, original: &str, presigned: &PresignedUrl) {
        if self.capacity == 0 || fresh_for(presigned).is_zero() {
            return;
        }
        self.entries.insert(original.to_owned(), presigned.clone());
        // moka applies its size bound in batches; applying it now keeps
        // the bound exact. This is a network client: the cost is nothing
        // next to the request that filled the entry.
        self.entries.run_pending_tasks();
    }

    #[cfg(test)]
    fn len(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }
}

/// How long a URL may still be handed out: until [`CACHE_REFRESH_MARGIN`]
/// before it expires; zero when that is already past.
fn fresh_for(presigned: &PresignedUrl) -> Duration {
    presigned
        .expires_at
        .duration_since(SystemTime::now())
        .map_or(Duration::ZERO, |remaining| remaining.saturating_sub(CACHE_REFRESH_MARGIN))
}

/// Each entry lives until shortly before its URL expires, whether it was
/// inserted or replaced; reading it does not extend it.
struct UntilShortlyBeforeExpiry;

impl Expiry<String, PresignedUrl> for UntilShortlyBeforeExpiry {
    fn expire_after_create(
        &self,
        _original: &String,
        presigned: &PresignedUrl,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(fresh_for(presigned))
    }

    fn expire_after_update(
        &self,
        _original: &String,
        presigned: &PresignedUrl,
        _updated_at: Instant,
        _until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(fresh_for(presigned))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presigned(url: &str, lifetime: Duration) -> PresignedUrl {
        PresignedUrl::new(url.to_owned(), SystemTime::now() + lifetime)
    }

    #[test]
    fn hands_out_entries_until_shortly_before_they_expire() {
        let cache = PresignCache::new(4);
        cache.insert("a", &presigned("a?fat=1", Duration::from_secs(300)));
        assert_eq!(cache.get("a").map(|hit| hit.url), Some("a?fat=1".to_owned()));
        // 200 ms of use left before the refresh margin.
        cache.insert("b", &presigned("b?fat=1", CACHE_REFRESH_MARGIN + Duration::from_millis(200)));
        assert!(cache.get("b").is_some());
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(cache.get("b"), None);
        assert!(cache.get("a").is_some());
    }

    #[test]
    fn never_holds_more_than_its_capacity() {
        let cache = PresignCache::new(2);
        for name in ["a", "b", "c", "d", "e"] {
            cache.insert(name, &presigned(name, Duration::from_secs(300)));
            assert!(cache.len() <= 2, "after {name}");
        }
        let kept =
            ["a", "b", "c", "d", "e"].iter().filter(|name| cache.get(name).is_some()).count();
        assert!(kept <= 2, "{kept} kept");
    }

    #[test]
    fn nothing_stale_is_stored_and_capacity_zero_stores_nothing() {
        let cache = PresignCache::new(2);
        cache.insert("a", &presigned("a", Duration::from_secs(10)));
        assert_eq!(cache.get("a"), None);
        assert_eq!(cache.len(), 0);
        let disabled = PresignCache::new(0);
        assert_eq!(disabled.capacity(), 0);
        disabled.insert("a", &presigned("a", Duration::from_secs(300)));
        assert_eq!(disabled.get("a"), None);
    }

    #[test]
    fn a_replaced_entry_takes_the_new_lifetime() {
        let cache = PresignCache::new(2);
        cache.insert("a", &presigned("old", Duration::from_secs(300)));
        cache.insert("a", &presigned("new", CACHE_REFRESH_MARGIN + Duration::from_millis(200)));
        assert_eq!(cache.get("a").map(|hit| hit.url), Some("new".to_owned()));
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(cache.get("a"), None);
    }
}

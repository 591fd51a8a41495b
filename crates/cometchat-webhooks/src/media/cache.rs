//! A bounded cache of exchanged URLs, so a URL that several events (or
//! retries of one event) carry costs one request while the answer is valid.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use super::presigned::PresignedUrl;

/// A cached URL is handed out only while it works at least this much
/// longer, so the caller has time to start the download.
pub const CACHE_REFRESH_MARGIN: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub(super) struct PresignCache {
    capacity: usize,
    entries: Mutex<HashMap<String, PresignedUrl>>,
}

impl PresignCache {
    pub(super) fn new(capacity: usize) -> Self {
        Self { capacity, entries: Mutex::new(HashMap::new()) }
    }

    pub(super) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(super) fn get(&self, original: &str, now: SystemTime) -> Option<PresignedUrl> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entries.get(original) {
            Some(presigned) if is_fresh(presigned, now) => Some(presigned.clone()),
            Some(_) => {
                entries.remove(original);
                None
            }
            None => None,
        }
    }

    pub(super) fn insert(&self, original: &str, presigned: &PresignedUrl, now: SystemTime) {
        if self.capacity == 0 || !is_fresh(presigned, now) {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if !entries.contains_key(original) && entries.len() >= self.capacity {
            entries.retain(|_, cached| is_fresh(cached, now));
            if entries.len() >= self.capacity {
                evict_soonest_expiring(&mut entries);
            }
        }
        entries.insert(original.to_owned(), presigned.clone());
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

fn is_fresh(presigned: &PresignedUrl, now: SystemTime) -> bool {
    now.checked_add(CACHE_REFRESH_MARGIN).is_some_and(|deadline| presigned.expires_at > deadline)
}

fn evict_soonest_expiring(entries: &mut HashMap<String, PresignedUrl>) {
    let soonest = entries
        .iter()
        .min_by_key(|(_, cached)| cached.expires_at)
        .map(|(original, _)| original.clone());
    if let Some(original) = soonest {
        entries.remove(&original);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presigned(url: &str, lifetime_secs: u64, now: SystemTime) -> PresignedUrl {
        PresignedUrl::new(url.to_owned(), now + Duration::from_secs(lifetime_secs))
    }

    #[test]
    fn hands_out_entries_until_shortly_before_they_expire() {
        let now = SystemTime::now();
        let cache = PresignCache::new(4);
        cache.insert("a", &presigned("a?fat=1", 300, now), now);
        assert_eq!(cache.get("a", now).map(|hit| hit.url), Some("a?fat=1".to_owned()));
        assert_eq!(
            cache.get("a", now + Duration::from_secs(269)).map(|hit| hit.url),
            Some("a?fat=1".into())
        );
        assert_eq!(cache.get("a", now + Duration::from_secs(270)), None);
        assert_eq!(cache.len(), 0, "a stale entry is dropped when found");
    }

    #[test]
    fn never_holds_more_than_its_capacity() {
        let now = SystemTime::now();
        let cache = PresignCache::new(2);
        cache.insert("a", &presigned("a", 100, now), now);
        cache.insert("b", &presigned("b", 300, now), now);
        cache.insert("c", &presigned("c", 200, now), now);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get("a", now), None, "the entry expiring soonest goes first");
        assert!(cache.get("b", now).is_some() && cache.get("c", now).is_some());
    }

    #[test]
    fn stale_entries_make_room_first_and_nothing_stale_is_stored() {
        let now = SystemTime::now();
        let cache = PresignCache::new(2);
        cache.insert("a", &presigned("a", 300, now), now);
        cache.insert("b", &presigned("b", 40, now), now);
        let later = now + Duration::from_secs(20);
        cache.insert("c", &presigned("c", 300, later), later);
        assert!(cache.get("a", later).is_some() && cache.get("c", later).is_some());
        cache.insert("d", &presigned("d", 10, later), later);
        assert_eq!(cache.get("d", later), None);
        assert_eq!(PresignCache::new(0).capacity(), 0);
        let disabled = PresignCache::new(0);
        disabled.insert("a", &presigned("a", 300, now), now);
        assert_eq!(disabled.len(), 0);
    }
}

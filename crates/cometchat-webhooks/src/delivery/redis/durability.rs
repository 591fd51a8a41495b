//! [`RedisDurability`]: whether the server keeps what it acknowledged.

use std::fmt;

/// The server settings durability depends on, as the server reported
/// them (`None` when it would not say, e.g. `CONFIG` is disabled on a
/// managed service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisDurability {
    /// `appendonly`: `yes` writes every change to the append-only file.
    pub appendonly: Option<String>,
    /// `appendfsync`: `always` or `everysec`.
    pub appendfsync: Option<String>,
    /// `maxmemory-policy`: `noeviction` refuses writes when memory is full
    /// instead of evicting stored events.
    pub maxmemory_policy: Option<String>,
}

impl RedisDurability {
    /// What does not match the settings durability needs, one line each;
    /// empty when everything does.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut expect = |name: &str, value: &Option<String>, wanted: &[&str]| match value {
            Some(value) if wanted.contains(&value.as_str()) => {}
            Some(value) => problems.push(format!(
                "`{name}` is `{value}`, expected {}: accepted events can be lost",
                wanted.join(" or ")
            )),
            None => {
                problems.push(format!("`{name}` could not be read; make sure it is {}", wanted[0]))
            }
        };
        expect("appendonly", &self.appendonly, &["yes"]);
        if self.appendonly.as_deref() == Some("yes") {
            expect("appendfsync", &self.appendfsync, &["always", "everysec"]);
        }
        expect("maxmemory-policy", &self.maxmemory_policy, &["noeviction"]);
        problems
    }

    /// What the settings give up while still meeting durability's needs,
    /// one line each: `appendfsync everysec` answers a write before its
    /// fsync, so a crash of the server machine (not of the Redis process)
    /// can lose the last second of accepted events.
    pub fn caveats(&self) -> Vec<String> {
        let mut caveats = Vec::new();
        if self.appendonly.as_deref() == Some("yes")
            && self.appendfsync.as_deref() == Some("everysec")
        {
            caveats.push(
                "`appendfsync` is `everysec`: a crash of the server machine (not of the Redis \
                 process) can lose the last second of accepted events; `always` loses none"
                    .to_owned(),
            );
        }
        caveats
    }

    /// Whether the server reported every setting as durability needs.
    pub fn is_durable(&self) -> bool {
        self.problems().is_empty()
    }
}

impl fmt::Display for RedisDurability {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |value: &Option<String>| value.clone().unwrap_or_else(|| "unknown".into());
        write!(
            formatter,
            "appendonly {}, appendfsync {}, maxmemory-policy {}",
            show(&self.appendonly),
            show(&self.appendfsync),
            show(&self.maxmemory_policy)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_setting_that_loses_events() {
        let durable = RedisDurability {
            appendonly: Some("yes".into()),
            appendfsync: Some("always".into()),
            maxmemory_policy: Some("noeviction".into()),
        };
        assert!(durable.is_durable());
        assert!(durable.caveats().is_empty());
        let once_a_second =
            RedisDurability { appendfsync: Some("everysec".into()), ..durable.clone() };
        assert!(once_a_second.is_durable());
        assert!(once_a_second.caveats()[0].contains("last second"));
        let lossy = RedisDurability {
            appendonly: Some("no".into()),
            appendfsync: Some("everysec".into()),
            maxmemory_policy: Some("allkeys-lru".into()),
        };
        let problems = lossy.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("appendonly") && problems[1].contains("allkeys-lru"));
        let unknown =
            RedisDurability { appendonly: None, appendfsync: None, maxmemory_policy: None };
        assert_eq!(unknown.problems().len(), 2);
    }
}

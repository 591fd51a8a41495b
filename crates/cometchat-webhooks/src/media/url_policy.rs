//! Which URLs receive the API key, and which are returned as they are.
//!
//! Decided from the URL alone, before any request: a webhook payload is
//! input from the outside, and a crafted `url` must not make the receiver
//! send its API key to a host of the payload's choosing. The key goes only
//! to `https://files-<region>.cometchat.io` (port 443, no user info), or
//! under a base URL the caller allowed explicitly.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use url::{Url, form_urlencoded};

use super::error::{RefusalReason, SetupProblem};

/// What to do with a media URL that passed the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum MediaUrl {
    /// Already pre-signed: usable as it is until `expires_at`.
    Signed { expires_at: SystemTime },
    /// A token-based file URL: `request` (the URL with `redirect=0`) is to
    /// be fetched with the app id and API key.
    Exchange { request: Url },
}

#[derive(Debug, Clone, Default)]
pub(super) struct UrlPolicy {
    region: Option<String>,
    allowed_bases: Vec<Url>,
}

impl UrlPolicy {
    pub(super) fn new(region: Option<String>, allowed_bases: Vec<Url>) -> Self {
        Self { region, allowed_bases }
    }

    pub(super) fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    pub(super) fn allowed_bases(&self) -> &[Url] {
        &self.allowed_bases
    }

    pub(super) fn classify(&self, text: &str) -> Result<MediaUrl, RefusalReason> {
        let url = Url::parse(text).map_err(|_| RefusalReason::NotAUrl)?;
        let Some(host) = url.host_str() else { return Err(RefusalReason::NotAUrl) };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(RefusalReason::HasUserInfo);
        }
        if self.is_under_allowed_base(&url) {
            return Ok(match signed_expiry(&url) {
                Some(expiry) => MediaUrl::Signed { expires_at: expiry? },
                None => MediaUrl::Exchange { request: with_redirect_disabled(url) },
            });
        }
        let cometchat = cometchat_host(host)
            .ok_or_else(|| RefusalReason::NotCometChatHost { host: host.to_owned() })?;
        if url.scheme() != "https" {
            return Err(RefusalReason::NotHttps { scheme: url.scheme().to_owned() });
        }
        // `port()` is `None` for https's default 443, also when written out.
        if let Some(port) = url.port() {
            return Err(RefusalReason::UnexpectedPort { port });
        }
        if let Some(expiry) = signed_expiry(&url) {
            return Ok(MediaUrl::Signed { expires_at: expiry? });
        }
        match cometchat {
            CometChatHost::Media => Err(RefusalReason::UnsignedMediaUrl),
            CometChatHost::Files { region } => {
                if let Some(expected) =
                    self.region.as_deref().filter(|expected| *expected != region)
                {
                    return Err(RefusalReason::OtherRegion {
                        found: region.to_owned(),
                        expected: expected.to_owned(),
                    });
                }
                Ok(MediaUrl::Exchange { request: with_redirect_disabled(url) })
            }
        }
    }

    fn is_under_allowed_base(&self, url: &Url) -> bool {
        self.allowed_bases.iter().any(|base| {
            base.scheme() == url.scheme()
                && base.host() == url.host()
                && base.port_or_known_default() == url.port_or_known_default()
                && url.path().starts_with(base.path())
        })
    }
}

enum CometChatHost<'a> {
    /// `files-<region>.cometchat.io`: token-based file access.
    Files { region: &'a str },
    /// `media-<region>.cometchat.io`: pre-signed URLs only.
    Media,
}

fn cometchat_host(host: &str) -> Option<CometChatHost<'_>> {
    let label = host.strip_suffix(".cometchat.io")?;
    if let Some(region) = label.strip_prefix("files-") {
        is_region(region).then_some(CometChatHost::Files { region })
    } else if let Some(region) = label.strip_prefix("media-") {
        is_region(region).then_some(CometChatHost::Media)
    } else {
        None
    }
}

/// A region is one lower-case host label (`us`, `eu`, `in`, …).
pub(super) fn is_region(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && !text.starts_with('-')
        && !text.ends_with('-')
        && text
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

/// A base the caller allows the key to go to; its path is made to end with
/// `/` so that `/files` does not also allow `/files-elsewhere`.
pub(super) fn parse_allowed_base(text: &str) -> Result<Url, SetupProblem> {
    let invalid = || SetupProblem::InvalidBaseUrl { base: text.to_owned() };
    let mut base = Url::parse(text).map_err(|_| invalid())?;
    let usable = matches!(base.scheme(), "http" | "https")
        && base.host().is_some()
        && base.username().is_empty()
        && base.password().is_none()
        && base.query().is_none()
        && base.fragment().is_none();
    if !usable {
        return Err(invalid());
    }
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    Ok(base)
}

/// `Some` when the URL carries `Expires`, `Signature` and `Key-Pair-Id`.
fn signed_expiry(url: &Url) -> Option<Result<SystemTime, RefusalReason>> {
    let (mut expires, mut signature, mut key_pair_id) = (None, false, false);
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "Expires" => expires = Some(value),
            "Signature" => signature = true,
            "Key-Pair-Id" => key_pair_id = true,
            _ => {}
        }
    }
    let expires = expires.filter(|_| signature && key_pair_id)?;
    Some(unix_time(&expires).ok_or(RefusalReason::BadExpires))
}

fn unix_time(seconds: &str) -> Option<SystemTime> {
    if seconds.is_empty() || !seconds.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds.parse().ok()?))
}

/// The URL with any `redirect` parameter replaced by `redirect=0`, which
/// makes the file endpoint answer with JSON instead of redirecting. Other
/// parameters keep their exact bytes and order; the fragment is dropped
/// because it is never sent.
fn with_redirect_disabled(mut url: Url) -> Url {
    let kept = url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty() && !is_redirect_pair(pair))
        .collect::<Vec<_>>();
    let mut query = kept.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str("redirect=0");
    url.set_query(Some(&query));
    url.set_fragment(None);
    url
}

/// Compares the decoded name, so `%72edirect=1` counts as `redirect`.
fn is_redirect_pair(pair: &str) -> bool {
    form_urlencoded::parse(pair.as_bytes()).next().is_some_and(|(key, _)| key == "redirect")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn policy() -> UrlPolicy {
        UrlPolicy::default()
    }

    fn exchange_request(policy: &UrlPolicy, url: &str) -> String {
        match policy.classify(url) {
            Ok(MediaUrl::Exchange { request }) => request.into(),
            other => panic!("{url}: expected an exchange, got {other:?}"),
        }
    }

    #[test]
    fn file_urls_are_exchanged_with_redirect_disabled_and_query_kept() {
        let policy = policy();
        let base = "https://files-us.cometchat.io/app1/media/a.png";
        assert_eq!(exchange_request(&policy, base), format!("{base}?redirect=0"));
        assert_eq!(
            exchange_request(&policy, &format!("{base}?v=a%20b&x=1")),
            format!("{base}?v=a%20b&x=1&redirect=0")
        );
        assert_eq!(
            exchange_request(&policy, &format!("{base}?redirect=1&v=2&%72edirect=1#frag")),
            format!("{base}?v=2&redirect=0")
        );
        assert_eq!(
            exchange_request(&policy, &format!("{base}?redirect=0")),
            format!("{base}?redirect=0")
        );
        // An explicit :443 is the default port and is normalised away.
        assert_eq!(
            exchange_request(&policy, "HTTPS://FILES-EU.COMETCHAT.IO:443/app1/media/a.png"),
            "https://files-eu.cometchat.io/app1/media/a.png?redirect=0"
        );
    }

    #[test]
    fn pre_signed_urls_need_no_request() {
        let url = "https://media-us.cometchat.io/app1/media/a.png?Expires=1700000000&Signature=s&Key-Pair-Id=k";
        assert_eq!(
            policy().classify(url),
            Ok(MediaUrl::Signed { expires_at: UNIX_EPOCH + Duration::from_secs(1_700_000_000) })
        );
        let bad = "https://media-us.cometchat.io/a?Expires=soon&Signature=s&Key-Pair-Id=k";
        assert_eq!(policy().classify(bad), Err(RefusalReason::BadExpires));
        let huge = "https://media-us.cometchat.io/a?Expires=99999999999999999999&Signature=s&Key-Pair-Id=k";
        assert_eq!(policy().classify(huge), Err(RefusalReason::BadExpires));
        let partial = "https://media-us.cometchat.io/a?Expires=1700000000&Signature=s";
        assert_eq!(policy().classify(partial), Err(RefusalReason::UnsignedMediaUrl));
    }

    #[test]
    fn other_hosts_never_get_the_key() {
        let refused = |url: &str| policy().classify(url).unwrap_err();
        for host in [
            "evil.example",
            "files-us.cometchat.io.evil.example",
            "evilfiles-us.cometchat.io",
            "a.files-us.cometchat.io",
            "files-.cometchat.io",
            "files-us.eu.cometchat.io",
            "cometchat.io",
            "127.0.0.1",
        ] {
            assert_eq!(
                refused(&format!("https://{host}/app/media/a.png")),
                RefusalReason::NotCometChatHost { host: host.to_owned() }
            );
        }
        assert_eq!(
            refused("http://files-us.cometchat.io/a"),
            RefusalReason::NotHttps { scheme: "http".into() }
        );
        assert_eq!(
            refused("https://files-us.cometchat.io:8443/a"),
            RefusalReason::UnexpectedPort { port: 8443 }
        );
        assert_eq!(
            refused("https://files-us.cometchat.io@evil.example/a"),
            RefusalReason::HasUserInfo
        );
        assert_eq!(refused("https://u:p@files-us.cometchat.io/a"), RefusalReason::HasUserInfo);
        assert_eq!(refused("/app/media/a.png"), RefusalReason::NotAUrl);
        assert_eq!(refused("data:text/plain,hi"), RefusalReason::NotAUrl);
        assert_eq!(refused(""), RefusalReason::NotAUrl);
    }

    #[test]
    fn a_region_limits_the_file_hosts() {
        let policy = UrlPolicy::new(Some("eu".into()), Vec::new());
        assert!(policy.classify("https://files-eu.cometchat.io/a").is_ok());
        assert_eq!(
            policy.classify("https://files-us.cometchat.io/a"),
            Err(RefusalReason::OtherRegion { found: "us".into(), expected: "eu".into() })
        );
    }

    #[test]
    fn an_allowed_base_is_matched_by_scheme_host_port_and_path() {
        let base = parse_allowed_base("http://127.0.0.1:8080/files").unwrap();
        assert_eq!(base.as_str(), "http://127.0.0.1:8080/files/");
        let policy = UrlPolicy::new(None, vec![base]);
        assert_eq!(
            exchange_request(&policy, "http://127.0.0.1:8080/files/app/media/a.png"),
            "http://127.0.0.1:8080/files/app/media/a.png?redirect=0"
        );
        for elsewhere in [
            "http://127.0.0.1:8081/files/a",
            "https://127.0.0.1:8080/files/a",
            "http://127.0.0.2:8080/files/a",
            "http://127.0.0.1:8080/files-other/a",
            "http://127.0.0.1:8080/files/../other/a",
        ] {
            assert!(
                matches!(policy.classify(elsewhere), Err(RefusalReason::NotCometChatHost { .. })),
                "{elsewhere}"
            );
        }
    }

    #[test]
    fn unusable_bases_are_rejected() {
        for base in
            ["", "127.0.0.1:80", "ftp://h/", "http://u:p@h/", "http://h/?q=1", "http://h/#f"]
        {
            assert!(parse_allowed_base(base).is_err(), "{base}");
        }
    }

    fn url_like() -> impl Strategy<Value = String> {
        let scheme = prop::sample::select(vec!["https", "http", "HTTPS", "ftp", "file"]);
        let user = prop::sample::select(vec!["", "user@", "u:p@", "files-us.cometchat.io@"]);
        let host = prop::sample::select(vec![
            "files-us.cometchat.io",
            "FILES-EU.cometchat.io",
            "media-in.cometchat.io",
            "files-us.cometchat.io.evil.example",
            "files-us%2ecometchat.io",
            "evil.example",
            "127.0.0.1",
            "[::1]",
            "",
        ]);
        let port = prop::sample::select(vec!["", ":443", ":80", ":8443", ":99999"]);
        let query = prop::collection::vec(
            prop::sample::select(vec![
                "redirect=1",
                "redirect=0",
                "%72edirect=1",
                "Expires=1700000000",
                "Expires=x",
                "Signature=s",
                "Key-Pair-Id=k",
                "a=%20b",
                "",
            ]),
            0..6,
        );
        (scheme, user, host, port, "[a-z0-9/.%]{0,16}", query, "(#[a-z]{0,3})?").prop_map(
            |(scheme, user, host, port, path, query, fragment)| {
                format!("{scheme}://{user}{host}{port}/{path}?{}{fragment}", query.join("&"))
            },
        )
    }

    proptest! {
        #[test]
        fn the_key_only_ever_goes_to_cometchat_file_hosts(
            url in prop_oneof![url_like(), any::<String>()],
        ) {
            if let Ok(MediaUrl::Exchange { request }) = policy().classify(&url) {
                let host = request.host_str().unwrap_or_default();
                prop_assert_eq!(request.scheme(), "https");
                prop_assert!(
                    host.starts_with("files-") && host.ends_with(".cometchat.io")
                        && host.matches('.').count() == 2,
                    "{}", host
                );
                prop_assert_eq!(request.port(), None);
                prop_assert!(request.username().is_empty() && request.password().is_none());
                let redirects: Vec<_> =
                    request.query_pairs().filter(|(key, _)| key == "redirect").collect();
                prop_assert_eq!(redirects.len(), 1);
                prop_assert_eq!(redirects[0].1.as_ref(), "0");
            }
        }
    }
}

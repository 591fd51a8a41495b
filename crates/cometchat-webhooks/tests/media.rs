//! `media::MediaClient` against a loopback stand-in for CometChat's file
//! endpoint (`media/endpoint.rs`).
#![cfg(feature = "media")]

#[path = "media/endpoint.rs"]
mod endpoint;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cometchat_webhooks::media::{
    AnswerProblem, MediaClient, MediaClientBuilder, MediaError, RefusalReason, SetupProblem,
    event_media_urls,
};
use cometchat_webhooks::testing::EventBuilder;
use cometchat_webhooks::{Event, Trigger};
use endpoint::{API_KEY, APP_ID, FileEndpoint};
use proptest::prelude::*;

const SIGNED_QUERY: &str = "Expires=4102444800&Signature=c2lnbmF0dXJl&Key-Pair-Id=K2JCJMDEHXQW5F";
const SIGNED_EXPIRY_SECS: u64 = 4_102_444_800;

fn assert_no_key(error: &MediaError) {
    assert!(!error.to_string().contains(API_KEY), "{error}");
    assert!(!format!("{error:?}").contains(API_KEY), "{error:?}");
}

async fn presign_error(client: &MediaClient, url: &str) -> MediaError {
    let error = client.presign(url).await.expect_err(url);
    assert_no_key(&error);
    error
}

#[tokio::test]
async fn valid_credentials_get_data_url_valid_for_five_minutes() {
    let endpoint = FileEndpoint::start().await;
    let client = endpoint.client().build().unwrap();

    let before = SystemTime::now();
    let presigned = client.presign(&endpoint.media_url("photo.png")).await.unwrap();
    let after = SystemTime::now();

    assert_eq!(presigned.url, format!("{}?fat=token-1", endpoint.media_url("photo.png")));
    let lifetime = Duration::from_secs(300);
    assert!(presigned.expires_at >= before + lifetime && presigned.expires_at <= after + lifetime);
    assert!(!presigned.is_expired());
    let seen = endpoint.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, format!("/{APP_ID}/media/photo.png"));
    assert_eq!(seen[0].query.as_deref(), Some("redirect=0"));
    assert_eq!(seen[0].app_id.as_deref(), Some(APP_ID));
    assert_eq!(seen[0].api_key.as_deref(), Some(API_KEY));
}

#[tokio::test]
async fn redirect_zero_is_added_keeping_the_query_and_replacing_other_redirects() {
    let endpoint = FileEndpoint::start().await;
    let client = endpoint.client().build().unwrap();

    let url = format!("{}?v=a%20b&redirect=1&t=2#preview", endpoint.media_url("photo.png"));
    let presigned = client.presign(&url).await.unwrap();

    assert!(presigned.url.ends_with("?fat=token-1"), "{}", presigned.url);
    assert_eq!(endpoint.seen()[0].query.as_deref(), Some("v=a%20b&t=2&redirect=0"));
}

#[tokio::test]
async fn a_redirect_is_returned_unfollowed_and_the_key_stays_home() {
    let endpoint = FileEndpoint::start().await;
    let elsewhere = FileEndpoint::start().await;
    let target = format!("{}cdn/photo.png?{SIGNED_QUERY}", elsewhere.base);
    endpoint.redirect_to(&target);
    let client = endpoint.client().build().unwrap();

    let presigned = client.presign(&endpoint.media_url("always-redirects.png")).await.unwrap();

    assert_eq!(presigned.url, target);
    assert!(presigned.expires_in() > Duration::from_secs(290));
    assert_eq!(endpoint.requests(), 1);
    assert_eq!(elsewhere.requests(), 0, "the redirect was followed");

    let error = presign_error(&client, &endpoint.media_url("redirect-nowhere.png")).await;
    assert!(matches!(error, MediaError::Status { status: 302 }), "{error:?}");
}

#[tokio::test]
async fn wrong_credentials_are_invalid_credentials() {
    let endpoint = FileEndpoint::start().await;
    let wrong_key =
        MediaClient::builder(APP_ID, "not-the-key").allow_base_url(&endpoint.base).build().unwrap();
    let error = presign_error(&wrong_key, &endpoint.media_url("photo.png")).await;
    assert!(matches!(error, MediaError::InvalidCredentials { status: 401 }), "{error:?}");
    assert_eq!(endpoint.seen()[0].api_key.as_deref(), Some("not-the-key"));

    let client = endpoint.client().build().unwrap();
    let error = presign_error(&client, &endpoint.media_url("forbidden.png")).await;
    assert!(matches!(error, MediaError::InvalidCredentials { status: 403 }), "{error:?}");
}

#[tokio::test]
async fn a_key_held_as_a_secret_is_sent_and_never_shown() {
    let endpoint = FileEndpoint::start().await;
    let key = secrecy::SecretString::from(API_KEY);
    let builder = MediaClientBuilder::with_secret_key(APP_ID, key).allow_base_url(&endpoint.base);
    assert!(!format!("{builder:?}").contains(API_KEY));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(API_KEY));
    client.presign(&endpoint.media_url("photo.png")).await.unwrap();
    assert_eq!(endpoint.seen()[0].api_key.as_deref(), Some(API_KEY));
}

#[tokio::test]
async fn failing_answers_have_their_own_errors() {
    let endpoint = FileEndpoint::start().await;
    let client = endpoint.client().build().unwrap();

    let error = presign_error(&client, &endpoint.media_url("missing.png")).await;
    assert!(matches!(error, MediaError::NotFound), "{error:?}");

    let error = presign_error(&client, &endpoint.media_url("broken.png")).await;
    assert!(matches!(error, MediaError::Status { status: 500 }), "{error:?}");

    let error = presign_error(&client, &endpoint.media_url("not-json.png")).await;
    assert!(
        matches!(error, MediaError::Decode { problem: AnswerProblem::NotJson { .. } }),
        "{error:?}"
    );
    assert!(error.to_string().contains("not JSON"), "{error}");

    let error = presign_error(&client, &endpoint.media_url("no-url.png")).await;
    assert!(
        matches!(error, MediaError::Decode { problem: AnswerProblem::MissingUrl }),
        "{error:?}"
    );
    assert!(error.to_string().contains("data.url"), "{error}");

    let error = presign_error(&client, &endpoint.media_url("huge.png")).await;
    assert!(
        matches!(error, MediaError::Decode { problem: AnswerProblem::TooLarge { .. } }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let endpoint = FileEndpoint::start().await;
    let timeout = Duration::from_millis(200);
    let client = endpoint.client().timeout(timeout).build().unwrap();

    let started = Instant::now();
    let error = presign_error(&client, &endpoint.media_url("slow.mp3")).await;

    assert!(matches!(error, MediaError::Timeout { timeout: t } if t == timeout), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(endpoint.requests(), 1);
}

#[tokio::test]
async fn an_unreachable_host_is_a_transport_error() {
    // Bind and drop a listener: nothing answers on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}/");
    let client = MediaClient::builder(APP_ID, API_KEY).allow_base_url(&base).build().unwrap();
    let error = presign_error(&client, &format!("{base}{APP_ID}/media/a.png")).await;
    assert!(matches!(error, MediaError::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn pre_signed_urls_need_no_request() {
    let endpoint = FileEndpoint::start().await;
    let client = endpoint.client().build().unwrap();
    let expires = UNIX_EPOCH + Duration::from_secs(SIGNED_EXPIRY_SECS);

    let cometchat = format!("https://media-us.cometchat.io/{APP_ID}/media/a.png?{SIGNED_QUERY}");
    let under_base = format!("{}?{SIGNED_QUERY}", endpoint.media_url("a.png"));
    for url in [cometchat, under_base] {
        let presigned = client.presign(&url).await.unwrap();
        assert_eq!(presigned.url, url);
        assert_eq!(presigned.expires_at, expires);
    }
    let expired = format!(
        "https://media-eu.cometchat.io/{APP_ID}/media/a.png?Expires=1600000000&Signature=s&Key-Pair-Id=k"
    );
    assert!(client.presign(&expired).await.unwrap().is_expired());
    assert_eq!(endpoint.requests(), 0);
}

#[tokio::test]
async fn urls_off_cometchat_hosts_are_refused_without_a_request() {
    let endpoint = FileEndpoint::start().await;
    let elsewhere = FileEndpoint::start().await;
    let client = endpoint.client().region("us").build().unwrap();

    let cases = [
        ("https://evil.example/app/media/a.png", "not a CometChat file host"),
        ("https://files-us.cometchat.io.evil.example/a.png", "not a CometChat file host"),
        (&elsewhere.media_url("photo.png"), "not a CometChat file host"),
        ("http://files-us.cometchat.io/app/media/a.png", "https only"),
        ("https://files-us.cometchat.io:8443/app/media/a.png", "port 443 only"),
        ("https://files-us.cometchat.io@evil.example/a.png", "user name or password"),
        ("https://files-eu.cometchat.io/app/media/a.png", "region `eu`"),
        ("https://media-us.cometchat.io/app/media/a.png", "without Expires"),
        ("<recording_url>", "not an absolute URL"),
        ("", "not an absolute URL"),
    ];
    for (url, reason) in cases {
        let error = presign_error(&client, url).await;
        assert!(matches!(error, MediaError::Refused { .. }), "{url}: {error:?}");
        assert!(error.to_string().contains(reason), "{url}: {error}");
    }
    assert_eq!(endpoint.requests(), 0);
    assert_eq!(elsewhere.requests(), 0);
}

#[tokio::test]
async fn the_cache_saves_the_second_request_and_stays_bounded() {
    let endpoint = FileEndpoint::start().await;
    let cached = endpoint.client().cache(1).build().unwrap();
    let (photo, video) = (endpoint.media_url("photo.png"), endpoint.media_url("video.mp4"));

    let first = cached.presign(&photo).await.unwrap();
    let again = cached.presign(&photo).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(endpoint.requests(), 1);

    // A clone shares the cache.
    cached.clone().presign(&photo).await.unwrap();
    assert_eq!(endpoint.requests(), 1);

    // Capacity 1: of the photo and the video, at most one stays cached, so
    // asking for both again costs at least one more request.
    cached.presign(&video).await.unwrap();
    assert_eq!(endpoint.requests(), 2);
    cached.presign(&photo).await.unwrap();
    cached.presign(&video).await.unwrap();
    let bounded = endpoint.requests();
    assert!(bounded >= 3, "{bounded} requests: both URLs stayed in a cache of one");

    let uncached = endpoint.client().build().unwrap();
    uncached.presign(&photo).await.unwrap();
    uncached.presign(&photo).await.unwrap();
    assert_eq!(endpoint.requests(), bounded + 2);
}

fn message_with_media(urls: &[&str]) -> Event {
    let mut body = EventBuilder::new(Trigger::MessageSent).json().clone();
    let data = &mut body["data"]["message"]["data"];
    data["url"] = urls[0].into();
    data["attachments"] = urls
        .iter()
        .map(|url| serde_json::json!({ "url": url, "name": "file", "mimeType": "image/png" }))
        .collect();
    body["data"]["message"]["type"] = "image".into();
    EventBuilder::from_json(body).build()
}

#[tokio::test]
async fn presign_all_covers_every_media_url_of_a_message_and_names_failures() {
    let endpoint = FileEndpoint::start().await;
    let client = endpoint.client().build().unwrap();
    let photo = endpoint.media_url("photo.png");
    let missing = endpoint.media_url("missing.png");
    let signed = format!("https://media-us.cometchat.io/{APP_ID}/media/b.png?{SIGNED_QUERY}");
    let foreign = "https://evil.example/steal".to_owned();
    let event = message_with_media(&[&photo, &missing, &foreign, &signed]);

    assert_eq!(event_media_urls(&event), [&photo, &missing, &foreign, &signed]);
    let media = client.presign_all(&event).await;

    assert_eq!(media.outcomes.len(), 4, "data.url repeats the first attachment");
    assert!(!media.all_presigned());
    let presigned: Vec<_> = media.presigned().map(|(original, _)| original).collect();
    assert_eq!(presigned, [photo.as_str(), signed.as_str()]);
    let failures: Vec<_> = media.failures().collect();
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0].0, missing);
    assert!(matches!(failures[0].1, MediaError::NotFound));
    assert_eq!(failures[1].0, foreign);
    assert!(matches!(
        failures[1].1,
        MediaError::Refused { reason: RefusalReason::NotCometChatHost { .. } }
    ));
    let photo_link = media.get(&photo).unwrap().as_ref().unwrap();
    assert!(photo_link.url.ends_with("?fat=token-1"));
    assert_eq!(endpoint.requests(), 2, "one request per file URL, none for the others");
}

#[tokio::test]
async fn presign_all_covers_recordings_and_transcripts() {
    let endpoint = FileEndpoint::start().await;
    let client = endpoint.client().build().unwrap();
    let recording_url = endpoint.media_url("recording.mp4");
    let transcript_url = endpoint.media_url("transcript.txt");

    let recording = EventBuilder::new(Trigger::RecordingGenerated)
        .set("data.recording_url", recording_url.as_str())
        .build();
    let transcript = EventBuilder::new(Trigger::TranscriptionGenerated)
        .set("data.transcript_url", transcript_url.as_str())
        .build();

    for (event, url) in [(recording, recording_url), (transcript, transcript_url)] {
        let media = client.presign_all(&event).await;
        assert!(media.all_presigned() && !media.is_empty());
        assert_eq!(media.outcomes.len(), 1);
        assert_eq!(media.outcomes[0].original_url, url);
        let link = media.outcomes[0].result.as_ref().unwrap();
        assert!(link.url.starts_with(&url) && link.url.contains("?fat=token-"), "{}", link.url);
    }

    // The bundled sample's placeholder is listed and refused, not requested.
    let sample = EventBuilder::new(Trigger::RecordingGenerated).build();
    let media = client.presign_all(&sample).await;
    assert!(matches!(
        media.get("<recording_url>"),
        Some(Err(MediaError::Refused { reason: RefusalReason::NotAUrl }))
    ));
    let no_media = client.presign_all(&EventBuilder::new(Trigger::GroupCreated).build()).await;
    assert!(no_media.is_empty() && no_media.all_presigned());
    assert_eq!(endpoint.requests(), 2);
}

#[test]
fn the_key_never_shows_in_debug_or_setup_errors() {
    let client = MediaClient::builder(APP_ID, API_KEY).region("eu").cache(8).build().unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains(APP_ID) && shown.contains("[redacted]"), "{shown}");
    assert!(!shown.contains(API_KEY), "{shown}");
    let builder = MediaClient::builder(APP_ID, API_KEY);
    assert!(!format!("{builder:?}").contains(API_KEY));
    assert_eq!(client.app_id(), APP_ID);

    let bad_key = "secret\nInjected: 1";
    let error = MediaClient::new(APP_ID, bad_key).unwrap_err();
    assert!(matches!(error, MediaError::Setup { problem: SetupProblem::InvalidApiKey }));
    assert!(!format!("{error} {error:?}").contains("secret"));

    let setup_problem =
        |builder: cometchat_webhooks::media::MediaClientBuilder| match builder.build() {
            Err(MediaError::Setup { problem }) => problem,
            other => panic!("expected a setup error, got {other:?}"),
        };
    assert_eq!(setup_problem(MediaClient::builder("", API_KEY)), SetupProblem::InvalidAppId);
    assert!(matches!(
        setup_problem(MediaClient::builder(APP_ID, API_KEY).region("e u")),
        SetupProblem::InvalidRegion { .. }
    ));
    assert!(matches!(
        setup_problem(MediaClient::builder(APP_ID, API_KEY).allow_base_url("ftp://files/")),
        SetupProblem::InvalidBaseUrl { .. }
    ));
}

#[test]
fn the_client_and_its_futures_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    fn assert_send<T: Send>(_: T) {}
    let client = MediaClient::new(APP_ID, API_KEY).unwrap();
    assert_send_sync(&client);
    // Futures do nothing until awaited: no request is made here.
    assert_send(client.presign("https://files-us.cometchat.io/app/media/a.png"));
    let event = EventBuilder::new(Trigger::MessageSent).build();
    assert_send(client.presign_all(&event));
}

fn arbitrary_input() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(https?|ftp|data|javascript)://[a-z0-9.@:\\[\\]-]{0,30}/[ -~]{0,40}",
        "[ -~]{0,60}",
    ]
}

#[test]
fn arbitrary_input_never_panics_nor_reaches_a_server_it_should_not() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let endpoint = runtime.block_on(FileEndpoint::start());
    let client = endpoint.client().build().unwrap();

    // Anything that does not mention a CometChat host is refused, or
    // returned as is when it happens to look pre-signed; never requested.
    proptest!(|(text in arbitrary_input())| {
        let lower = text.to_ascii_lowercase();
        prop_assume!(!lower.contains("cometchat") && !lower.contains('%') && !text.starts_with(&endpoint.base));
        match runtime.block_on(client.presign(&text)) {
            Ok(presigned) => prop_assert_eq!(presigned.url, text),
            Err(error) => prop_assert!(matches!(error, MediaError::Refused { .. }), "{:?}", error),
        }
    });
    assert_eq!(endpoint.requests(), 0);

    // Anything under the allowed base reaches only that base, and whatever
    // comes back is an answer, never a panic.
    proptest!(ProptestConfig::with_cases(64), |(suffix in "[ -~]{0,40}")| {
        let text = format!("{}{suffix}", endpoint.base);
        let before = endpoint.requests();
        let result = runtime.block_on(client.presign(&text));
        prop_assert!(endpoint.requests() <= before + 1);
        if let Err(error) = &result {
            assert_no_key(error);
        }
    });
}

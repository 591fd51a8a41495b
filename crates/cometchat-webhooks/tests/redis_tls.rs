//! `rediss://`: the Redis engine over TLS, against a real `redis-server`
//! serving certificates made for each test (a CA of the test's own, a
//! server certificate for 127.0.0.1, a client certificate).

#![cfg(all(feature = "redis-tls", feature = "testing"))]

use std::time::{Duration, Instant};

use bytes::Bytes;
use cometchat_webhooks::delivery::{
    DeliveryConfigError, DeliveryError, EnqueueOutcome, EventQueue, QueueConfig, RedisConfig,
    RedisStore, StoredEvent,
};
use cometchat_webhooks::testing::{RedisServer, ServerTls};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

/// How long a refused connection may take: connecting gives up after it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// A CA and what it signed, as PEM text.
struct Pki {
    ca: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Pki {
    fn new(name: &str) -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let ca = params.self_signed(&key).unwrap().pem();
        Self { ca, issuer: Issuer::new(params, key) }
    }

    /// A certificate for `names` (DNS names or IP addresses) and its key.
    fn issue(&self, names: &[&str]) -> (String, String) {
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        let certificate = CertificateParams::new(names).unwrap().signed_by(&key, &self.issuer);
        (certificate.unwrap().pem(), key.serialize_pem())
    }

    /// A server that proves itself as 127.0.0.1 with a certificate of this
    /// CA, and asks clients for one of this CA when `require_client`.
    fn server(&self, names: &[&str], require_client: bool) -> RedisServer {
        let (certificate, key) = self.issue(names);
        RedisServer::start_with_tls(ServerTls {
            certificate,
            key,
            client_ca: self.ca.clone(),
            require_client_certificates: require_client,
        })
    }
}

fn event(key: &str) -> StoredEvent {
    StoredEvent::new(key, "message_sent", Bytes::from_static(br#"{"trigger":"message_sent"}"#))
}

async fn connect(redis: RedisConfig) -> Result<RedisStore, DeliveryError> {
    RedisStore::connect(redis.with_connect_timeout(CONNECT_TIMEOUT), &QueueConfig::new()).await
}

/// Connecting fails, as a connection failure and within the timeout, not
/// as a hang or a configuration error.
async fn assert_refused(redis: RedisConfig) -> String {
    let started = Instant::now();
    let error = connect(redis).await.expect_err("the connection must be refused");
    assert!(error.is_transient(), "a connection failure, not a config error: {error:?}");
    // A deadline, not a benchmark: slack for a loaded machine.
    let took = started.elapsed();
    assert!(took < CONNECT_TIMEOUT + Duration::from_secs(3), "refused after {took:?}");
    error.to_string()
}

/// Whether the plain port's server holds the queue stream: what the TLS
/// connection wrote landed on that server.
async fn stream_length(server: &RedisServer) -> u64 {
    let client = redis::Client::open(server.url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("XLEN")
        .arg("cometchat-webhooks:{default}:stream")
        .query_async(&mut connection)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_store_over_tls_stores_claims_and_acks() {
    let pki = Pki::new("test CA");
    let server = pki.server(&["127.0.0.1", "localhost"], false);
    let redis = RedisConfig::new(server.tls_url()).with_tls_root_certificates(pki.ca.clone());
    let store = connect(redis).await.expect("TLS connection");

    assert_eq!(store.enqueue(&event("tls-1")).await.unwrap(), EnqueueOutcome::Stored);
    assert_eq!(store.enqueue(&event("tls-1")).await.unwrap(), EnqueueOutcome::Duplicate);
    assert_eq!(stream_length(&server).await, 1);
    let claimed = store.claim(Duration::from_secs(30)).await.unwrap().expect("the event");
    assert_eq!(claimed.event.idempotency_key, "tls-1");
    store.ack(&claimed.lease).await.unwrap();
    assert_eq!(store.stats().await.unwrap().live(), 0);
}

#[tokio::test]
async fn a_server_whose_ca_is_not_trusted_is_refused() {
    let pki = Pki::new("test CA");
    let server = pki.server(&["127.0.0.1"], false);
    // The built-in roots do not know the test's CA.
    let reason = assert_refused(RedisConfig::new(server.tls_url())).await;
    assert!(reason.to_lowercase().contains("certificate"), "{reason}");
    // Nor does another CA.
    let other = Pki::new("another CA");
    assert_refused(RedisConfig::new(server.tls_url()).with_tls_root_certificates(other.ca)).await;
    assert_eq!(stream_length(&server).await, 0, "nothing was written");
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    let pki = Pki::new("test CA");
    let server = pki.server(&["redis.internal.example"], false);
    let redis = RedisConfig::new(server.tls_url()).with_tls_root_certificates(pki.ca.clone());
    let reason = assert_refused(redis).await;
    assert!(reason.to_lowercase().contains("certificate"), "{reason}");
}

#[tokio::test]
async fn a_server_that_asks_for_a_client_certificate_accepts_one_of_its_ca() {
    let pki = Pki::new("test CA");
    let server = pki.server(&["127.0.0.1"], true);
    let trusting = || RedisConfig::new(server.tls_url()).with_tls_root_certificates(pki.ca.clone());

    assert_refused(trusting()).await;
    let stranger = Pki::new("another CA").issue(&["client"]);
    assert_refused(trusting().with_tls_client_certificate(stranger.0, stranger.1)).await;

    let (chain, key) = pki.issue(&["client"]);
    let store = connect(trusting().with_tls_client_certificate(chain, key)).await.expect("mTLS");
    assert_eq!(store.enqueue(&event("mtls")).await.unwrap(), EnqueueOutcome::Stored);
}

#[tokio::test]
async fn plain_redis_on_the_tls_port_fails_within_the_timeout() {
    let pki = Pki::new("test CA");
    let server = pki.server(&["127.0.0.1"], false);
    let plain_on_tls_port = server.tls_url().replacen("rediss://", "redis://", 1);
    assert_refused(RedisConfig::new(plain_on_tls_port)).await;
}

#[tokio::test]
async fn bad_certificate_settings_are_configuration_errors() {
    let pki = Pki::new("test CA");
    let (chain, key) = pki.issue(&["client"]);
    let url = "rediss://127.0.0.1:1/";
    let cases: Vec<(RedisConfig, &str, &str)> = vec![
        (
            RedisConfig::new(url).with_tls_root_certificates("not a certificate"),
            "tls_root_certificates",
            "no PEM certificate",
        ),
        (
            RedisConfig::new(url).with_tls_root_certificates(
                "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
            ),
            "tls_root_certificates",
            "not valid PEM",
        ),
        (
            RedisConfig::new(url).with_tls_client_certificate(chain.clone(), "no key here"),
            "tls_client_key",
            "no PEM private key",
        ),
        (
            RedisConfig::new(url).with_tls_client_certificate(key.clone(), key.clone()),
            "tls_client_certificate",
            "no PEM certificate",
        ),
        (
            RedisConfig::new("redis://127.0.0.1:1/").with_tls_root_certificates(pki.ca.clone()),
            "url",
            "write rediss://",
        ),
    ];
    for (redis, name, reason) in cases {
        let started = Instant::now();
        match connect(redis).await {
            Err(DeliveryError::Config(DeliveryConfigError::Invalid { name: got, reason: why })) => {
                assert_eq!(got, name, "{why}");
                assert!(why.contains(reason), "{name}: {why}");
                assert!(!why.contains("PRIVATE KEY"), "no key material in errors: {why}");
            }
            other => panic!("{name}: expected a configuration error, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(1), "refused before connecting");
    }
}

//! `queue --store rediss://…` against a real `redis-server` serving TLS with
//! certificates made for the test: the certificate flags, and what a
//! server the tool cannot trust looks like.

mod support;

use std::path::{Path, PathBuf};

use cometchat_webhooks::testing::{RedisServer, ServerTls};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use support::queue_events::{assert_error, assert_ok, json};
use tempfile::TempDir;

/// The tool's exit code for a store it could not use.
const STORE_FAILED: i32 = 4;

/// A CA of the test's own, a server certificate for 127.0.0.1, and a
/// client certificate, written to PEM files.
struct Certificates {
    dir: TempDir,
    server: ServerTls,
}

impl Certificates {
    fn new(require_client_certificates: bool) -> Self {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        // A name of its own: a leaf whose issuer name equals its own
        // subject looks self-signed to the server's chain check.
        ca_params.distinguished_name.push(DnType::CommonName, "queue test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap().pem();
        let issuer = Issuer::new(ca_params, ca_key);
        let issue = |name: &str| {
            let key = KeyPair::generate().unwrap();
            let params = CertificateParams::new(vec![name.to_owned()]).unwrap();
            (params.signed_by(&key, &issuer).unwrap().pem(), key.serialize_pem())
        };
        let (certificate, key) = issue("127.0.0.1");
        let (client, client_key) = issue("client");
        let dir = TempDir::new().unwrap();
        for (name, pem) in [("ca.pem", &ca), ("client.pem", &client), ("client.key", &client_key)] {
            std::fs::write(dir.path().join(name), pem).unwrap();
        }
        let server = ServerTls { certificate, key, client_ca: ca, require_client_certificates };
        Self { dir, server }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn stats(url: &str, flags: &[&Path]) -> std::process::Output {
    let names = ["--redis-ca-cert", "--redis-client-cert", "--redis-client-key"];
    let mut args = vec!["queue".to_owned(), "--store".to_owned(), url.to_owned()];
    for (name, path) in names.iter().zip(flags) {
        args.push((*name).to_owned());
        args.push(path.display().to_string());
    }
    args.extend(["stats".to_owned(), "--json".to_owned()]);
    support::run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn stats_over_tls_with_the_servers_ca() {
    let certificates = Certificates::new(false);
    let server = RedisServer::start_with_tls(certificates.server.clone());
    let url = server.tls_url();
    let stats_json = json(&stats(&url, &[&certificates.path("ca.pem")]));
    assert_eq!(stats_json["waiting"], 0, "{stats_json}");
    let shown = url.trim_end_matches('/').to_owned() + "/0";
    assert_eq!(stats_json["store"], shown, "the store is named with its scheme");

    // The built-in roots do not know the test's CA: the error says what to pass.
    let refused = stats(&url, &[]);
    let line = assert_error(&refused, STORE_FAILED, "the TLS handshake with rediss://");
    assert!(line.contains("UnknownIssuer") && line.contains("--redis-ca-cert"), "{line}");

    let missing = certificates.path("absent.pem");
    assert_error(&stats(&url, &[&missing]), 2, "--redis-ca-cert: cannot read");
    let line = assert_error(
        &stats(&url, &[&certificates.path("client.key")]),
        2,
        "--redis-ca-cert: holds no PEM certificate",
    );
    assert!(!line.contains("PRIVATE KEY"), "no key material in errors: {line}");
}

#[test]
fn a_server_that_asks_for_a_client_certificate_gets_the_one_given() {
    let certificates = Certificates::new(true);
    let server = RedisServer::start_with_tls(certificates.server.clone());
    let url = server.tls_url();
    let ca = certificates.path("ca.pem");

    let line = assert_error(&stats(&url, &[&ca]), STORE_FAILED, "the TLS handshake");
    assert!(line.contains("--redis-client-cert"), "{line}");

    let output =
        stats(&url, &[&ca, &certificates.path("client.pem"), &certificates.path("client.key")]);
    assert_ok(&output);

    // One half of the pair is refused before anything is opened.
    let half = support::run(&[
        "queue",
        "--store",
        &url,
        "--redis-client-cert",
        &certificates.path("client.pem").display().to_string(),
        "stats",
    ]);
    assert_eq!(half.status.code(), Some(2), "{}", support::stderr(&half));
    assert!(support::stderr(&half).contains("--redis-client-key"), "{}", support::stderr(&half));
}

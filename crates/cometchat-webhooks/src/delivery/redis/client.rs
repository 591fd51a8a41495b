//! The `redis::Client` a [`RedisConfig`] describes: plain `redis://`, or
//! `rediss://` (TLS) with the `redis-tls` feature, whose certificates are
//! checked here, before any connection, so a bad file is a configuration
//! error rather than a failed handshake later.

use redis::Client;

use super::config::RedisConfig;
use crate::delivery::error::DeliveryConfigError;

/// The client for `config`'s URL and TLS settings.
pub(super) fn build(config: &RedisConfig) -> Result<Client, DeliveryConfigError> {
    let tls_url = uses_tls(config.url());
    #[cfg(feature = "redis-tls")]
    if tls_url {
        return tls::build(config);
    }
    #[cfg(feature = "redis-tls")]
    if config.tls().is_set() {
        return Err(invalid(
            "url",
            "TLS certificates are set but the URL is redis://; write rediss:// to connect over TLS",
        ));
    }
    if tls_url {
        return Err(invalid(
            "url",
            "rediss:// (TLS) needs the `redis-tls` feature of cometchat-webhooks",
        ));
    }
    Client::open(config.url()).map_err(|error| invalid("url", error))
}

/// Whether `url` asks for TLS (`rediss://`, any case).
fn uses_tls(url: &str) -> bool {
    url.trim_start().get(..9).is_some_and(|scheme| scheme.eq_ignore_ascii_case("rediss://"))
}

fn invalid(name: &'static str, reason: impl ToString) -> DeliveryConfigError {
    DeliveryConfigError::Invalid { name, reason: reason.to_string() }
}

#[cfg(feature = "redis-tls")]
mod tls {
    use redis::{Client, ClientTlsConfig, TlsCertificates};
    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use secrecy::ExposeSecret;

    use super::{RedisConfig, invalid};
    use crate::delivery::error::DeliveryConfigError;

    pub(super) fn build(config: &RedisConfig) -> Result<Client, DeliveryConfigError> {
        let tls = config.tls();
        if let Some(pem) = tls.root_certificates() {
            check_certificates("tls_root_certificates", pem)?;
        }
        let client_tls = match tls.client_certificate() {
            Some((chain, key)) => {
                check_certificates("tls_client_certificate", chain)?;
                PrivateKeyDer::from_pem_slice(key.expose_secret()).map_err(|error| {
                    invalid("tls_client_key", format!("holds no PEM private key ({error})"))
                })?;
                Some(ClientTlsConfig {
                    client_cert: chain.to_vec(),
                    client_key: key.expose_secret().to_vec(),
                })
            }
            None => None,
        };
        // rustls needs a process-wide provider; with one compiled in it
        // installs that one on first use, with several it panics instead.
        // Installing ring (the provider this feature enables) when none is
        // installed does the former and prevents the latter.
        if CryptoProvider::get_default().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let certificates =
            TlsCertificates { client_tls, root_cert: tls.root_certificates().map(<[u8]>::to_vec) };
        Client::build_with_tls(config.url(), certificates).map_err(|error| invalid("url", error))
    }

    /// Whether `pem` holds at least one certificate, none of them malformed.
    fn check_certificates(name: &'static str, pem: &[u8]) -> Result<(), DeliveryConfigError> {
        let mut count = 0;
        for certificate in CertificateDer::pem_slice_iter(pem) {
            certificate.map_err(|error| invalid(name, format!("is not valid PEM ({error})")))?;
            count += 1;
        }
        if count == 0 {
            return Err(invalid(name, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rediss_is_told_apart_in_any_case() {
        assert!(uses_tls("rediss://h:6380/0"));
        assert!(uses_tls("REDISS://h"));
        assert!(uses_tls("  rediss://h"));
        assert!(!uses_tls("redis://h"));
        assert!(!uses_tls("rediss:/h"));
        assert!(!uses_tls(""));
    }

    #[test]
    fn a_plain_url_gives_a_client_and_a_bad_one_a_config_error() {
        assert!(build(&RedisConfig::new("redis://127.0.0.1:6379/0")).is_ok());
        let error = build(&RedisConfig::new("http://h")).expect_err("not a Redis URL");
        assert!(matches!(error, DeliveryConfigError::Invalid { name: "url", .. }), "{error}");
    }
}

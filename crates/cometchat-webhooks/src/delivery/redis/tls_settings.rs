//! [`TlsSettings`]: the certificates a [`RedisConfig`](super::RedisConfig)
//! adds to a `rediss://` connection.

use std::fmt;

use secrecy::{ExposeSecret, SecretSlice};

/// A CA of one's own instead of the built-in roots, and a client
/// certificate for servers that ask for one. The private key is kept as a
/// secret: zeroised on drop, never printed.
#[derive(Clone, Default)]
pub(super) struct TlsSettings {
    root_certificates: Option<Vec<u8>>,
    client_certificate: Option<(Vec<u8>, SecretSlice<u8>)>,
}

impl TlsSettings {
    pub(super) fn set_root_certificates(&mut self, pem: Vec<u8>) {
        self.root_certificates = Some(pem);
    }

    pub(super) fn set_client_certificate(&mut self, chain_pem: Vec<u8>, key_pem: Vec<u8>) {
        self.client_certificate = Some((chain_pem, SecretSlice::from(key_pem)));
    }

    /// Whether anything was set.
    pub(super) fn is_set(&self) -> bool {
        self.root_certificates.is_some() || self.client_certificate.is_some()
    }

    /// The CA certificates to trust (PEM), when not the built-in roots.
    pub(super) fn root_certificates(&self) -> Option<&[u8]> {
        self.root_certificates.as_deref()
    }

    /// The client's certificate chain and private key (PEM).
    pub(super) fn client_certificate(&self) -> Option<(&[u8], &SecretSlice<u8>)> {
        self.client_certificate.as_ref().map(|(chain, key)| (chain.as_slice(), key))
    }
}

impl PartialEq for TlsSettings {
    fn eq(&self, other: &Self) -> bool {
        self.root_certificates == other.root_certificates
            && match (&self.client_certificate, &other.client_certificate) {
                (Some((chain, key)), Some((other_chain, other_key))) => {
                    chain == other_chain && key.expose_secret() == other_key.expose_secret()
                }
                (None, None) => true,
                _ => false,
            }
    }
}

impl Eq for TlsSettings {}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("TlsSettings")
            .field("root_certificates", &self.root_certificates.as_ref().map(|_| "<set>"))
            .field("client_certificate", &self.client_certificate.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_private_key_never_shows() {
        let mut settings = TlsSettings::default();
        settings.set_client_certificate(b"chain".to_vec(), b"very-secret-key".to_vec());
        let shown = format!("{settings:?}");
        assert!(!shown.contains("very-secret-key"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn settings_compare_by_content() {
        let mut one = TlsSettings::default();
        let mut two = TlsSettings::default();
        assert_eq!(one, two);
        one.set_client_certificate(b"c".to_vec(), b"k".to_vec());
        assert_ne!(one, two);
        two.set_client_certificate(b"c".to_vec(), b"other".to_vec());
        assert_ne!(one, two);
        two.set_client_certificate(b"c".to_vec(), b"k".to_vec());
        assert_eq!(one, two);
    }
}

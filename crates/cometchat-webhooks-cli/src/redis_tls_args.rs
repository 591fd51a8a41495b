//! The flags that add certificates to a `rediss://` store.

use std::path::{Path, PathBuf};

use clap::Args;
use cometchat_webhooks::delivery::RedisConfig;

use crate::errors::CliError;

/// Certificates for a `rediss://` store, read when the store is opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub(crate) struct RedisTlsArgs {
    /// For a rediss:// store: trust the CA certificates in this PEM file
    /// instead of the built-in roots (a private CA).
    #[arg(long, value_name = "PEM_FILE")]
    pub(crate) redis_ca_cert: Option<PathBuf>,

    /// For a rediss:// server that asks clients for a certificate: this
    /// certificate chain (PEM), with --redis-client-key.
    #[arg(long, value_name = "PEM_FILE", requires = "redis_client_key")]
    pub(crate) redis_client_cert: Option<PathBuf>,

    /// The private key (PEM) of --redis-client-cert.
    #[arg(long, value_name = "PEM_FILE", requires = "redis_client_cert")]
    pub(crate) redis_client_key: Option<PathBuf>,
}

impl RedisTlsArgs {
    /// The first flag given, for refusing them where they mean nothing.
    pub(crate) fn first_given(&self) -> Option<&'static str> {
        [
            ("--redis-ca-cert", &self.redis_ca_cert),
            ("--redis-client-cert", &self.redis_client_cert),
            ("--redis-client-key", &self.redis_client_key),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.as_ref().map(|_| flag))
    }

    /// `config` with the certificates the flags name, read now.
    pub(crate) fn apply(&self, mut config: RedisConfig) -> Result<RedisConfig, CliError> {
        if let Some(path) = &self.redis_ca_cert {
            config = config.with_tls_root_certificates(read("--redis-ca-cert", path)?);
        }
        if let (Some(chain), Some(key)) = (&self.redis_client_cert, &self.redis_client_key) {
            config = config.with_tls_client_certificate(
                read("--redis-client-cert", chain)?,
                read("--redis-client-key", key)?,
            );
        }
        Ok(config)
    }
}

fn read(flag: &'static str, path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|error| CliError::BadStoreSetting {
        flag,
        reason: format!("cannot read {}: {error}", path.display()),
    })
}

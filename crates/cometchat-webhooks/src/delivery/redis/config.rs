//! [`RedisConfig`]: where the Redis engine connects and how it names
//! things.

use std::time::Duration;

use crate::delivery::error::DeliveryConfigError;

/// Connection and naming settings of a [`RedisStore`](super::RedisStore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisConfig {
    url: String,
    prefix: String,
    application: String,
    consumer: Option<String>,
    connect_timeout: Duration,
    command_timeout: Duration,
    request_connections: usize,
    #[cfg(feature = "redis-tls")]
    tls: super::tls_settings::TlsSettings,
}

impl RedisConfig {
    /// The key prefix by default.
    pub const DEFAULT_PREFIX: &'static str = "cometchat-webhooks";
    /// The application name by default.
    pub const DEFAULT_APPLICATION: &'static str = "default";
    /// How long connecting may take by default.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
    /// How long a command off the request path may take by default.
    pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(5);
    /// Connections the request path spreads its enqueues over by default.
    pub const DEFAULT_REQUEST_CONNECTIONS: usize = 8;

    /// Settings for the server at `url`:
    /// `redis://[user:password@]host[:port][/db]`, or with the `redis-tls`
    /// feature `rediss://…` for TLS (the server's certificate checked
    /// against the Mozilla roots built in, or
    /// [`with_tls_root_certificates`](Self::with_tls_root_certificates)).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            application: Self::DEFAULT_APPLICATION.to_owned(),
            consumer: None,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            command_timeout: Self::DEFAULT_COMMAND_TIMEOUT,
            request_connections: Self::DEFAULT_REQUEST_CONNECTIONS,
            #[cfg(feature = "redis-tls")]
            tls: super::tls_settings::TlsSettings::default(),
        }
    }

    /// Sets the prefix of every key (default `cometchat-webhooks`).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets the application: its queue, consumer group and dedupe records
    /// are separate from other applications' on the same server, and its
    /// keys share the hash tag `{application}` (one cluster slot).
    pub fn with_application(mut self, application: impl Into<String>) -> Self {
        self.application = application.into();
        self
    }

    /// Sets this process's consumer name, unique among the instances of an
    /// application (by default host name, process id and a random suffix).
    pub fn with_consumer(mut self, consumer: impl Into<String>) -> Self {
        self.consumer = Some(consumer.into());
        self
    }

    /// Sets how long connecting may take.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets how long a command off the request path (claim, ack, operator
    /// commands) may take; the request path uses the queue's request budget.
    pub fn with_command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// Sets how many connections the request path (enqueue, dedupe claim)
    /// spreads its calls over (at least one); the workers' claims, renewals
    /// and acks use one more of their own.
    ///
    /// With `appendfsync always`, Redis answers a write only after the
    /// fsync that ends its event-loop turn, and in one turn it reads at
    /// most 16 KiB from each connection: one connection caps a turn at a
    /// dozen enqueues of a typical webhook, several let concurrent requests
    /// share one fsync.
    pub fn with_request_connections(mut self, connections: usize) -> Self {
        self.request_connections = connections.max(1);
        self
    }

    /// Trusts the CA certificates in `pem` (one or more, PEM) instead of
    /// the built-in roots: for a `rediss://` server whose certificate a
    /// private CA signed. Checked when the store connects; a file with no
    /// certificate is a configuration error.
    #[cfg(feature = "redis-tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis-tls")))]
    pub fn with_tls_root_certificates(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.set_root_certificates(pem.into());
        self
    }

    /// Presents this certificate chain and private key (both PEM) to a
    /// `rediss://` server that asks clients for one (`tls-auth-clients`).
    /// The key is kept as a secret: zeroised on drop, never printed.
    #[cfg(feature = "redis-tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis-tls")))]
    pub fn with_tls_client_certificate(
        mut self,
        chain_pem: impl Into<Vec<u8>>,
        key_pem: impl Into<Vec<u8>>,
    ) -> Self {
        self.tls.set_client_certificate(chain_pem.into(), key_pem.into());
        self
    }

    #[cfg(feature = "redis-tls")]
    pub(super) fn tls(&self) -> &super::tls_settings::TlsSettings {
        &self.tls
    }

    /// How many connections the request path uses.
    pub fn request_connections(&self) -> usize {
        self.request_connections
    }

    /// The server's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The application name.
    pub fn application(&self) -> &str {
        &self.application
    }

    /// How long connecting may take.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// How long a command off the request path may take.
    pub fn command_timeout(&self) -> Duration {
        self.command_timeout
    }

    /// The consumer name this configuration gives a process.
    pub(super) fn consumer_name(&self) -> String {
        if let Some(consumer) = &self.consumer {
            return consumer.clone();
        }
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "host".to_owned());
        format!("{host}-{}-{:08x}", std::process::id(), fastrand::u32(..))
    }

    pub(super) fn validate(&self) -> Result<(), DeliveryConfigError> {
        let invalid =
            |name, reason: &str| DeliveryConfigError::Invalid { name, reason: reason.into() };
        for (name, value) in [("prefix", &self.prefix), ("application", &self.application)] {
            if value.is_empty() {
                return Err(invalid(name, "must not be empty"));
            }
            if value.contains(['{', '}']) {
                return Err(invalid(name, "must not contain `{` or `}` (the hash tag is added)"));
            }
        }
        if self.consumer.as_deref() == Some("") {
            return Err(invalid("consumer", "must not be empty"));
        }
        if self.connect_timeout.is_zero() {
            return Err(DeliveryConfigError::ZeroDuration { name: "connect_timeout" });
        }
        if self.command_timeout.is_zero() {
            return Err(DeliveryConfigError::ZeroDuration { name: "command_timeout" });
        }
        Ok(())
    }
}

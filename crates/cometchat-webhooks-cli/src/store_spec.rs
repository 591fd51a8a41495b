//! `--store`: where durable deliveries live, written `redb:PATH` (one
//! machine) or `redis://HOST[:PORT][/DB]` (several instances; `rediss://`
//! over TLS), with the flags that only mean something for one of them.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use url::Url;

use crate::duration_arg::parse_duration;
use crate::errors::CliError;
use crate::redis_tls_args::RedisTlsArgs;

/// The variable `--store` is read from when the flag is absent; a Redis
/// password in it stays out of the process list and the shell history.
pub(crate) const STORE_VAR: &str = "COMETCHAT_WEBHOOKS_STORE";

/// How to write a store, for hints.
const FORMS: &str = "write redb:PATH (one machine) or redis://HOST[:PORT][/DB] (several instances; rediss:// for TLS)";

/// The flags every command that opens a store shares.
#[derive(Debug, Clone, Args)]
pub(crate) struct StoreArgs {
    /// The store: `redb:PATH` or `redis://[:PASSWORD@]HOST[:PORT][/DB]`
    /// (`rediss://` for TLS).
    #[arg(long, env = STORE_VAR, hide_env_values = true, value_name = "STORE")]
    pub(crate) store: String,

    /// The prefix of every Redis key [default: cometchat-webhooks].
    #[arg(long, value_name = "PREFIX")]
    pub(crate) redis_prefix: Option<String>,

    /// The application whose queue to use, on a Redis server several share
    /// [default: default].
    #[arg(long, value_name = "NAME")]
    pub(crate) app: Option<String>,

    /// How long to wait for a Redis server to connect and to answer each
    /// command: `3s`, `500ms`.
    #[arg(long = "store-timeout", default_value = "3s", value_parser = parse_duration)]
    pub(crate) timeout: Duration,

    #[command(flatten)]
    pub(crate) tls: RedisTlsArgs,
}

/// A parsed `--store` value.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum StoreSpec {
    /// An embedded store in one file.
    Redb { path: PathBuf },
    /// A Redis server, its application and key prefix.
    Redis(RedisSpec),
}

/// Where a Redis store lives.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct RedisSpec {
    /// The URL as given (it may carry a password: never shown).
    pub(crate) url: String,
    /// `redis://host:port/db` or `rediss://…`, for messages.
    pub(crate) shown: String,
    pub(crate) prefix: Option<String>,
    pub(crate) app: Option<String>,
    pub(crate) timeout: Duration,
    /// Whether it is `rediss://` (TLS).
    pub(crate) tls: bool,
    /// Certificates for `rediss://`.
    pub(crate) certificates: RedisTlsArgs,
}

impl StoreSpec {
    /// Parses the flags; every refusal is one line that shows the forms.
    pub(crate) fn from_args(args: &StoreArgs) -> Result<Self, CliError> {
        let spec = parse(args.store.trim())
            .map_err(|reason| CliError::BadStore { given: redacted(&args.store), reason })?;
        match spec {
            Parsed::Redb(path) => {
                for (flag, given) in [("--redis-prefix", &args.redis_prefix), ("--app", &args.app)]
                {
                    if given.is_some() {
                        return Err(CliError::FlagNeedsRedis { flag });
                    }
                }
                if let Some(flag) = args.tls.first_given() {
                    return Err(CliError::FlagNeedsRedis { flag });
                }
                Ok(Self::Redb { path })
            }
            Parsed::Redis { url, shown, tls } => {
                if !tls && let Some(flag) = args.tls.first_given() {
                    return Err(CliError::FlagNeedsTls { flag });
                }
                Ok(Self::Redis(RedisSpec {
                    url,
                    shown,
                    prefix: args.redis_prefix.clone(),
                    app: args.app.clone(),
                    timeout: args.timeout,
                    tls,
                    certificates: args.tls.clone(),
                }))
            }
        }
    }
}

impl fmt::Display for StoreSpec {
    /// `redb:PATH` or `redis://HOST:PORT/DB`, never a password.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Redb { path } => write!(formatter, "redb:{}", path.display()),
            Self::Redis(redis) => formatter.write_str(&redis.shown),
        }
    }
}

impl fmt::Debug for StoreSpec {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, formatter)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    Redb(PathBuf),
    Redis { url: String, shown: String, tls: bool },
}

fn parse(given: &str) -> Result<Parsed, String> {
    if given.is_empty() {
        return Err(format!("the store is empty; {FORMS}"));
    }
    let Some((scheme, rest)) = given.split_once(':') else {
        return Err(no_scheme(given));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "redb" => parse_redb(rest),
        "redis" | "rediss" => parse_redis(given),
        "unix" | "redis+unix" => Err(format!("Unix sockets are not supported; {FORMS}")),
        // `C:\store.redb`, `./a:b.redb`: a path with a colon, not a scheme.
        _ if scheme.len() == 1 || scheme.contains(['/', '\\', '.']) => Err(no_scheme(given)),
        other => Err(format!("unknown kind of store `{other}:`; {FORMS}")),
    }
}

fn no_scheme(given: &str) -> String {
    format!(
        "it does not say which kind of store: write redb:{given} for a file, or \
         redis://HOST[:PORT][/DB] for Redis"
    )
}

fn parse_redb(rest: &str) -> Result<Parsed, String> {
    // `redb:///var/lib/x.redb` is read as the URL-style spelling of
    // `redb:/var/lib/x.redb`; `redb://x` would be a host, which redb has not.
    let path = match rest.strip_prefix("//") {
        Some(absolute) if absolute.starts_with('/') => absolute,
        Some(_) => {
            return Err("write redb:PATH, e.g. redb:./deliveries.redb or \
                        redb:/var/lib/cometchat/deliveries.redb"
                .to_owned());
        }
        None => rest,
    };
    if path.trim().is_empty() {
        return Err("the path is missing: write redb:PATH, e.g. redb:./deliveries.redb".to_owned());
    }
    if path.ends_with('/') {
        return Err(format!(
            "`{path}` names a directory: name the store's file, e.g. redb:{path}deliveries.redb"
        ));
    }
    Ok(Parsed::Redb(PathBuf::from(path)))
}

fn parse_redis(given: &str) -> Result<Parsed, String> {
    let url = Url::parse(given).map_err(|error| match error {
        url::ParseError::EmptyHost => "the host is missing: write redis://HOST[:PORT][/DB], \
                                       e.g. redis://127.0.0.1:6379/0"
            .to_owned(),
        url::ParseError::InvalidPort => {
            "the port is not a number from 1 to 65535: write redis://HOST[:PORT][/DB]".to_owned()
        }
        other => format!("it is not a URL ({other}): write redis://HOST[:PORT][/DB]"),
    })?;
    let host = match url.host_str() {
        Some(host) if !host.is_empty() => host.to_owned(),
        _ => {
            return Err("the host is missing: write redis://HOST[:PORT][/DB], e.g. \
                        redis://127.0.0.1:6379/0"
                .to_owned());
        }
    };
    if url.port() == Some(0) {
        return Err(
            "the port is not a number from 1 to 65535: write redis://HOST[:PORT][/DB]".to_owned()
        );
    }
    let database = url.path().trim_start_matches('/');
    if !database.is_empty() && database.parse::<u16>().is_err() {
        return Err(format!(
            "`/{database}` is not a database number: write redis://HOST[:PORT][/DB], e.g. /0"
        ));
    }
    if url.fragment().is_some() {
        return Err("remove the `#...` part: write redis://HOST[:PORT][/DB]".to_owned());
    }
    let port = url.port().unwrap_or(6379);
    let database = if database.is_empty() { "0" } else { database };
    let scheme = url.scheme();
    Ok(Parsed::Redis {
        url: given.to_owned(),
        shown: format!("{scheme}://{host}:{port}/{database}"),
        tls: scheme == "rediss",
    })
}

/// The value as given, with any password replaced, for error messages.
fn redacted(given: &str) -> String {
    match Url::parse(given) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("****"));
            url.to_string()
        }
        _ => given.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redis(url: &str, shown: &str) -> Parsed {
        Parsed::Redis { url: url.to_owned(), shown: format!("redis://{shown}"), tls: false }
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(parse("redb:./q.redb"), Ok(Parsed::Redb("./q.redb".into())));
        assert_eq!(parse("redb:/var/q.redb"), Ok(Parsed::Redb("/var/q.redb".into())));
        assert_eq!(parse("redb:///var/q.redb"), Ok(Parsed::Redb("/var/q.redb".into())));
        assert_eq!(parse("REDB:q.redb"), Ok(Parsed::Redb("q.redb".into())));
        assert_eq!(parse("redis://h"), Ok(redis("redis://h", "h:6379/0")));
        assert_eq!(parse("redis://h:7000/3"), Ok(redis("redis://h:7000/3", "h:7000/3")));
        assert_eq!(
            parse("redis://:pw@10.0.0.1:7000/"),
            Ok(redis("redis://:pw@10.0.0.1:7000/", "10.0.0.1:7000/0"))
        );
        assert_eq!(
            parse("rediss://:pw@cache.example:6380/1"),
            Ok(Parsed::Redis {
                url: "rediss://:pw@cache.example:6380/1".to_owned(),
                shown: "rediss://cache.example:6380/1".to_owned(),
                tls: true,
            })
        );
    }

    #[test]
    fn refusals_say_what_to_write() {
        let cases = [
            ("", "the store is empty"),
            ("q.redb", "write redb:q.redb for a file"),
            ("./dir:x", "does not say which kind"),
            ("postgres://h/db", "unknown kind of store `postgres:`"),
            ("redb:", "the path is missing"),
            ("redb:  ", "the path is missing"),
            ("redb://q.redb", "write redb:PATH"),
            ("redb:/var/lib/", "names a directory"),
            ("redis://", "the host is missing"),
            ("redis://h:99999", "the port is not a number"),
            ("redis://h:0", "the port is not a number"),
            ("redis://h:x", "the port is not a number"),
            ("redis://h/zero", "`/zero` is not a database number"),
            ("rediss://", "the host is missing"),
            ("unix:///tmp/redis.sock", "Unix sockets are not supported"),
        ];
        for (given, expected) in cases {
            let reason = parse(given).expect_err(given);
            assert!(reason.contains(expected), "{given}: {reason}");
            assert!(!reason.contains('\n'), "{given}: {reason}");
        }
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(redacted("redis://user:secret@h:1/2"), "redis://user:****@h:1/2");
        let spec = StoreSpec::from_args(&StoreArgs {
            store: "redis://:secret@h:1/2".into(),
            redis_prefix: None,
            app: None,
            timeout: Duration::from_secs(1),
            tls: RedisTlsArgs::default(),
        })
        .expect("valid");
        assert_eq!(spec.to_string(), "redis://h:1/2");
        assert!(!format!("{spec:?}").contains("secret"));
        let error = StoreSpec::from_args(&StoreArgs {
            store: "redis://:secret@h:1/x".into(),
            redis_prefix: None,
            app: None,
            timeout: Duration::from_secs(1),
            tls: RedisTlsArgs::default(),
        })
        .expect_err("bad database");
        assert!(!error.to_string().contains("secret"), "{error}");
    }

    #[test]
    fn redis_flags_are_refused_for_redb() {
        let error = StoreSpec::from_args(&StoreArgs {
            store: "redb:q.redb".into(),
            redis_prefix: None,
            app: Some("shop".into()),
            timeout: Duration::from_secs(1),
            tls: RedisTlsArgs::default(),
        })
        .expect_err("--app with redb");
        assert!(error.to_string().contains("--app applies only to redis://"), "{error}");
    }

    #[test]
    fn certificate_flags_need_a_rediss_store() {
        let with_ca = |store: &str| StoreArgs {
            store: store.into(),
            redis_prefix: None,
            app: None,
            timeout: Duration::from_secs(1),
            tls: RedisTlsArgs { redis_ca_cert: Some("ca.pem".into()), ..RedisTlsArgs::default() },
        };
        let error = StoreSpec::from_args(&with_ca("redb:q.redb")).expect_err("redb");
        assert!(error.to_string().contains("--redis-ca-cert applies only to redis://"), "{error}");
        let error = StoreSpec::from_args(&with_ca("redis://h")).expect_err("plain redis");
        assert!(error.to_string().contains("--redis-ca-cert applies only to rediss://"), "{error}");
        let spec = StoreSpec::from_args(&with_ca("rediss://:secret@h:6380")).expect("TLS");
        assert_eq!(spec.to_string(), "rediss://h:6380/0");
    }
}

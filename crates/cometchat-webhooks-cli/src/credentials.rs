//! Basic-auth credentials from flags or the environment: the header a
//! sender attaches, and the check a receiver makes.

use cometchat_webhooks::testing::basic_auth_header;
use cometchat_webhooks::{BasicAuth, Credentials};

use crate::cli::AuthArgs;
use crate::errors::CliError;

const USERNAME: &str = "--username (or COMETCHAT_WEBHOOK_USERNAME)";
const PASSWORD: &str = "--password (or COMETCHAT_WEBHOOK_PASSWORD)";
const SENDER_HINT: &str = "pass the webhook's credentials as configured in CometChat, \
    or --no-auth to send without them";
const RECEIVER_HINT: &str = "pass the credentials CometChat will send, \
    or --allow-unauthenticated to accept any request";

/// The `Authorization` header to send, or `None` with `--no-auth`.
pub(crate) fn authorization_header(
    auth: &AuthArgs,
    no_auth: bool,
) -> Result<Option<String>, CliError> {
    if no_auth {
        return Ok(None);
    }
    let (username, password) = username_and_password(auth, SENDER_HINT)?;
    // Refuse what no receiver could accept (an empty name, a `:` in it).
    Credentials::new(username, password).map_err(|source| CliError::BadCredentials { source })?;
    Ok(Some(basic_auth_header(username, password)))
}

/// The check a local receiver makes.
pub(crate) fn receiver_auth(
    auth: &AuthArgs,
    allow_unauthenticated: bool,
) -> Result<BasicAuth, CliError> {
    if allow_unauthenticated {
        return Ok(BasicAuth::allow_unauthenticated());
    }
    let (username, password) = username_and_password(auth, RECEIVER_HINT)?;
    BasicAuth::new(username, password).map_err(|source| CliError::BadCredentials { source })
}

fn username_and_password<'a>(
    auth: &'a AuthArgs,
    hint: &'static str,
) -> Result<(&'a str, &'a str), CliError> {
    match (&auth.username, &auth.password) {
        (Some(username), Some(password)) => Ok((username, password)),
        (None, _) => Err(CliError::MissingCredentials { missing: USERNAME, hint }),
        (Some(_), None) => Err(CliError::MissingCredentials { missing: PASSWORD, hint }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(username: Option<&str>, password: Option<&str>) -> AuthArgs {
        AuthArgs { username: username.map(str::to_owned), password: password.map(str::to_owned) }
    }

    #[test]
    fn sender_header_is_basic_auth_of_both() {
        let header = authorization_header(&args(Some("user"), Some("pass")), false).ok();
        assert_eq!(header, Some(Some("Basic dXNlcjpwYXNz".to_owned())));
        assert_eq!(authorization_header(&args(None, None), true).ok(), Some(None));
    }

    #[test]
    fn a_missing_half_is_named() {
        let message = authorization_header(&args(Some("user"), None), false)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("--password (or COMETCHAT_WEBHOOK_PASSWORD) is missing"));
        let message = receiver_auth(&args(None, None), false).map(|_| ()).unwrap_err().to_string();
        assert!(message.contains("--allow-unauthenticated"), "{message}");
    }
}

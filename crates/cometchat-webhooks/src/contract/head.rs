//! [`RequestHead`]: the headers the contract reads, taken from any
//! framework's header map.

/// The request headers [`receive`](super::receive) decides on before it
/// reads the body: `Authorization` and `Content-Length`, as raw bytes.
///
/// Build it with [`from_headers`](Self::from_headers) from the framework's
/// header map (names compared case-insensitively); an `Authorization` sent
/// more than once is remembered as such and refused, since it is not clear
/// which one to check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestHead<'a> {
    authorization: Authorization<'a>,
    content_length: Option<&'a [u8]>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Authorization<'a> {
    #[default]
    Missing,
    Once(&'a [u8]),
    Repeated,
}

impl<'a> RequestHead<'a> {
    /// The head of a request with these headers, as name and raw value.
    ///
    /// ```
    /// use cometchat_webhooks::contract::RequestHead;
    ///
    /// let head = RequestHead::from_headers([
    ///     ("Content-Type", &b"Application/json"[..]),
    ///     ("authorization", b"Basic Y29tZXRjaGF0OnMzY3JldA=="),
    /// ]);
    /// assert_eq!(head.authorization(), Some(&b"Basic Y29tZXRjaGF0OnMzY3JldA=="[..]));
    /// assert_eq!(head.content_length(), None);
    /// ```
    pub fn from_headers<Name>(headers: impl IntoIterator<Item = (Name, &'a [u8])>) -> Self
    where
        Name: AsRef<str>,
    {
        let mut head = Self::default();
        for (name, value) in headers {
            let name = name.as_ref();
            if name.eq_ignore_ascii_case("authorization") {
                head.authorization = match head.authorization {
                    Authorization::Missing => Authorization::Once(value),
                    _ => Authorization::Repeated,
                };
            } else if name.eq_ignore_ascii_case("content-length") {
                head.content_length = Some(value);
            }
        }
        head
    }

    /// A head with this one `Authorization` value (or none) and no
    /// `Content-Length`.
    pub fn with_authorization(authorization: Option<&'a [u8]>) -> Self {
        let authorization = authorization.map_or(Authorization::Missing, Authorization::Once);
        Self { authorization, content_length: None }
    }

    /// The `Authorization` value, when sent exactly once.
    pub fn authorization(&self) -> Option<&'a [u8]> {
        match self.authorization {
            Authorization::Once(value) => Some(value),
            Authorization::Missing | Authorization::Repeated => None,
        }
    }

    /// The `Content-Length` value, if sent.
    pub fn content_length(&self) -> Option<&'a [u8]> {
        self.content_length
    }

    pub(super) fn authorization_header(&self) -> Authorization<'a> {
        self.authorization
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_matched_in_any_case_and_other_headers_ignored() {
        let head = RequestHead::from_headers([
            ("AUTHORIZATION", &b"Basic x"[..]),
            ("Content-Length", b"12"),
            ("content-type", b"application/json"),
        ]);
        assert_eq!(head.authorization(), Some(&b"Basic x"[..]));
        assert_eq!(head.content_length(), Some(&b"12"[..]));
    }

    #[test]
    fn a_repeated_authorization_is_not_taken_as_either_value() {
        let head = RequestHead::from_headers([
            ("authorization", &b"Basic a"[..]),
            ("authorization", b"Basic b"),
        ]);
        assert_eq!(head.authorization(), None);
        assert_eq!(head.authorization_header(), Authorization::Repeated);
    }
}

//! Base64url without padding (RFC 7515 §2, RFC 4648 §5), decoded canonically: padding, `+`/`/`, white space
//! and non-zero trailing bits are all rejected, so every value has exactly one encoding.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encodes bytes as unpadded base64url.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes canonical, unpadded base64url; `None` for anything else.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_non_canonical() {
        assert_eq!(encode([0xfb, 0xff]), "-_8");
        assert_eq!(decode("-_8"), Some(vec![0xfb, 0xff]));
        // trailing bits set: "-_9" decodes to the same bytes in lax decoders
        assert_eq!(decode("-_9"), None);
        assert_eq!(decode("-_8="), None);
        assert_eq!(decode("+/8"), None);
        assert_eq!(decode("-_ 8"), None);
        assert_eq!(decode("A"), None);
        assert_eq!(decode(""), Some(vec![]));
    }
}

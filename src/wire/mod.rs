//! The wire both roles share: the [`HttpRequest`] a sans-IO plan hands over and the [`HttpResponse`] that
//! comes back (with the response rules every endpoint shares), what a URL must be before anything is sent to
//! it, and the parameter shapes and character rules of RFC 6749 Appendix A.

mod endpoint;
mod http;
mod params;

pub use http::{
    DEFAULT_TIMEOUT, FORM_CONTENT_TYPE, HttpRequest, HttpResponse, MAX_TIMEOUT, fetch_timeout,
};
pub use params::OneOrMany;

pub(crate) use endpoint::{append_query, parse_absolute, parse_endpoint, parse_uri, query_names};
#[cfg(feature = "server")]
pub(crate) use http::is_tchar;
pub(crate) use http::{Form, error_for_failure, form_post, http_error, json_object, status_error};
pub(crate) use params::{check_non_empty, check_scope_token, check_vschar};

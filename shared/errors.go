package shared

// ErrorCode is a stable, machine-readable error identifier. Clients branch on
// the code, never on the message.
type ErrorCode string

// Error codes and the HTTP status each comes with.
const (
	// CodeBadRequest (400): the request is malformed; Message says what.
	CodeBadRequest ErrorCode = "bad_request"
	// CodeSignedOut (401): no session, or the provider no longer accepts the
	// session's token (expired or revoked). Sign in again.
	CodeSignedOut ErrorCode = "signed_out"
	// CodeFlowExpired (400): the sign-in attempt is unknown, used or too
	// old. Start signing in again.
	CodeFlowExpired ErrorCode = "flow_expired"
	// CodeAccessDenied (403): the student declined access at the provider.
	CodeAccessDenied ErrorCode = "access_denied"
	// CodeForbidden (403): the request came from an origin that may not
	// make it.
	CodeForbidden ErrorCode = "forbidden"
	// CodeNotFound (404): no such provider or route.
	CodeNotFound ErrorCode = "not_found"
	// CodeTooLarge (413): the request body is too large.
	CodeTooLarge ErrorCode = "too_large"
	// CodeUnsupportedMediaType (415): the body is not application/json.
	CodeUnsupportedMediaType ErrorCode = "unsupported_media_type"
	// CodeUnsupported (409): the student's university cannot do this, e.g.
	// grant the long-lived access a calendar subscription needs; Message
	// says why.
	CodeUnsupported ErrorCode = "unsupported"
	// CodeRateLimited (429): too many requests; retry later.
	CodeRateLimited ErrorCode = "rate_limited"
	// CodeUpstream (502): the university's system failed or answered
	// something unusable.
	CodeUpstream ErrorCode = "upstream_error"
	// CodeUpstreamTimeout (504): the university's system did not answer in
	// time.
	CodeUpstreamTimeout ErrorCode = "upstream_timeout"
	// CodeInternal (500): a bug in the backend.
	CodeInternal ErrorCode = "internal"
)

// Error is the error object of every non-2xx API response.
type Error struct {
	Code ErrorCode `json:"code"`
	// Message is a human-readable explanation in English. It never contains
	// tokens or secrets.
	Message string `json:"message"`
}

// CodeOf returns the code of the API error in err's chain, or "" when err
// carries none (a network failure, a canceled call).
func CodeOf(err error) ErrorCode {
	if e := ErrorOf(err); e != nil {
		return e.Code
	}
	return ""
}

// ErrorOf returns the API error in err's chain, or nil when err carries
// none. It finds what errors.As finds for a *Error target (through Unwrap
// methods and As methods alike) without errors.As's reflection, which
// app.wasm would carry for this one use.
func ErrorOf(err error) *Error {
	for err != nil {
		if e, ok := err.(*Error); ok {
			return e
		}
		if x, ok := err.(interface{ As(any) bool }); ok {
			var e *Error
			if x.As(&e) {
				return e
			}
		}
		switch x := err.(type) {
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		case interface{ Unwrap() []error }:
			for _, err := range x.Unwrap() {
				if e := ErrorOf(err); e != nil {
					return e
				}
			}
			return nil
		default:
			return nil
		}
	}
	return nil
}

// Error implements the error interface.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// ErrorResponse is the JSON envelope of every non-2xx API response:
// {"error":{"code":"signed_out","message":"..."}}.
type ErrorResponse struct {
	Error Error `json:"error"`
}

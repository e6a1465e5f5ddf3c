package i18n

import "github.com/campusweek/campusweek/shared"

// ErrorKey is the message that tells a student what an API error code
// means, in their words (the API's own message is English and meant for
// developers): ErrGeneric for codes without one of their own.
func ErrorKey(code shared.ErrorCode) Key {
	switch code {
	case shared.CodeSignedOut:
		return ErrSignedOut
	case shared.CodeUpstream, shared.CodeUpstreamTimeout:
		return ErrUpstream
	case shared.CodeAccessDenied:
		return ErrDenied
	case shared.CodeFlowExpired:
		return ErrFlowExpired
	case shared.CodeRateLimited:
		return ErrRateLimited
	case shared.CodeForbidden:
		return ErrForbidden
	case shared.CodeNotFound:
		return ErrNoProvider
	case shared.CodeUnsupported:
		return ErrUnsupported
	}
	return ErrGeneric
}

package ui

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
	"github.com/campusweek/campusweek/shared/i18n"
)

// isSignedOut reports whether err means the student has to sign in again.
func isSignedOut(err error) bool { return shared.CodeOf(err) == shared.CodeSignedOut }

// isUnreachable reports whether err means the backend could not be reached.
func isUnreachable(err error) bool { return errors.Is(err, client.ErrUnreachable) }

// errorMessage turns an error of the API client into words for students,
// in l, by its API error code (never the backend's English message; see
// errorDetail). It returns "" for nil and for cancelled requests (nothing
// to show).
func errorMessage(l i18n.Lang, err error) string {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return ""
	case isUnreachable(err):
		return l.T(i18n.ErrOffline)
	case errors.Is(err, context.DeadlineExceeded):
		return l.T(i18n.ErrSlow)
	case errors.Is(err, errBadAuthorizeURL):
		return l.T(i18n.ErrBadAuthorize)
	case errors.Is(err, errNotAFeed):
		return l.T(i18n.ErrNotAFeed)
	}
	return l.T(i18n.ErrorKey(shared.CodeOf(err)))
}

// errorDetail is the backend's own explanation of err, shown under the
// message as a detail where it says what the code alone cannot (what a
// university does not support, what went wrong with an approval), or "".
// The backend writes it in English.
func errorDetail(err error) string {
	if apiErr := shared.ErrorOf(err); apiErr != nil && (apiErr.Code == shared.CodeUnsupported || apiErr.Code == shared.CodeBadRequest) {
		return apiErr.Message
	}
	return ""
}

// signOutMessage is errorMessage for a failed sign-out, after the cached
// timetable was already removed from the device.
func signOutMessage(l i18n.Lang, err error) string {
	if isUnreachable(err) {
		return l.T(i18n.WeekSignOutOffline)
	}
	return errorMessage(l, err)
}

// pinErrorMessage is errorMessage for the PIN page, where a refused or
// malformed verifier means a mistyped PIN.
func pinErrorMessage(l i18n.Lang, err error) string {
	switch shared.CodeOf(err) {
	case shared.CodeAccessDenied, shared.CodeBadRequest:
		return l.T(i18n.ErrBadPIN)
	}
	return errorMessage(l, err)
}

// safeReturnTo returns s when it is a path on this origin the app may go to
// after signing in, and "/" otherwise: s must pass shared.CleanReturnTo,
// the rule the backend applies too, and must not lead back into signing
// in (the sign-in page, the callback and PIN pages).
func safeReturnTo(s string) string {
	clean, err := shared.CleanReturnTo(s)
	if err != nil {
		return routeWeek
	}
	u, err := url.Parse(clean)
	if err != nil || u.Path == routeSignIn || strings.HasPrefix(u.Path, prefixAuth) {
		return routeWeek
	}
	return clean
}

// isWebURL reports whether s is an absolute http(s) URL, the only kind of
// address the app sends the browser to for signing in.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// errBadAuthorizeURL means the backend answered an authorize URL that is not
// an http(s) URL; the app refuses to go there.
var errBadAuthorizeURL = errors.New("authorize URL is not an http(s) URL")

// feedErrorMessage is errorMessage for making a subscription, where a
// bad request means the approval did not fit (errorDetail says how).
func feedErrorMessage(l i18n.Lang, err error) string {
	if shared.CodeOf(err) == shared.CodeBadRequest {
		return l.T(i18n.ErrFeedApproval)
	}
	return errorMessage(l, err)
}

// isFeedURL reports whether s looks like a subscription address
// ({public_url} and shared.FeedPath, also as calendar apps show it with
// webcal://); the backend checks the rest.
func isFeedURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || !slices.Contains([]string{"https", "http", "webcal", "webcals"}, u.Scheme) {
		return false
	}
	_, ok := shared.FeedToken(u.Path)
	return ok
}

// errNotAFeed means the student pasted something that is no subscription
// address.
var errNotAFeed = errors.New("not a calendar subscription address")

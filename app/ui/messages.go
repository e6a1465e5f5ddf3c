package ui

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
)

// What students read when something goes wrong. Plain words, no codes.
const (
	msgSignedOut    = "Your session has expired. Please sign in again."
	msgUpstream     = "Your university's system isn't answering right now. Try again in a few minutes."
	msgOffline      = "You appear to be offline."
	msgSlow         = "CampusWeek is taking too long to answer. Check your connection and try again."
	msgDenied       = "You declined access at your university. Nothing was shared."
	msgFlowExpired  = "That sign-in link has expired or was already used. Please start again."
	msgRateLimited  = "Too many tries in a short time. Please wait a minute and try again."
	msgForbidden    = "CampusWeek couldn't accept that request. Reload the page and try again."
	msgNoProvider   = "CampusWeek doesn't know that university. Please choose yours from the list."
	msgGeneric      = "Something went wrong on our side. Please try again."
	msgBadPIN       = "That PIN wasn't accepted. Check it and try again, or start again."
	msgEmptyPIN     = "Please type the PIN your university showed you."
	msgNoProviders  = "No universities are set up yet. Please try again later."
	msgBadAuthorize = "Your university's sign-in page address looks wrong. Please try again later."

	msgSignedOutKeep      = "Your session has expired. Sign in again to update your timetable; until then you see the one saved on this device."
	msgNotUpdated         = "Your timetable couldn't be updated."
	msgNotSyncedOffline   = "Connect to the internet to see it. Once you are signed in and online, CampusWeek keeps last week and the next 16 weeks on this device."
	msgNotSyncedSignedOut = "Sign in again to see it."
	msgNotSynced          = "Try again in a moment to load it."
	msgSignOutOffline     = "Your timetable was removed from this device. You appear to be offline, so your session will be ended as soon as you're back online."
)

// errorCode returns the API error code of err, or "".
func errorCode(err error) shared.ErrorCode {
	var apiErr *shared.Error
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}

// isSignedOut reports whether err means the student has to sign in again.
func isSignedOut(err error) bool { return errorCode(err) == shared.CodeSignedOut }

// isUnreachable reports whether err means the backend could not be reached.
func isUnreachable(err error) bool { return errors.Is(err, client.ErrUnreachable) }

// errorMessage turns an error of the API client into words for students.
// It returns "" for nil and for cancelled requests (nothing to show).
func errorMessage(err error) string {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return ""
	case isUnreachable(err):
		return msgOffline
	case errors.Is(err, context.DeadlineExceeded):
		return msgSlow
	case errors.Is(err, errBadAuthorizeURL):
		return msgBadAuthorize
	case errors.Is(err, errNotAFeed):
		return msgNotAFeed
	}
	switch errorCode(err) {
	case shared.CodeSignedOut:
		return msgSignedOut
	case shared.CodeUpstream, shared.CodeUpstreamTimeout:
		return msgUpstream
	case shared.CodeAccessDenied:
		return msgDenied
	case shared.CodeFlowExpired:
		return msgFlowExpired
	case shared.CodeRateLimited:
		return msgRateLimited
	case shared.CodeForbidden:
		return msgForbidden
	case shared.CodeNotFound:
		return msgNoProvider
	case shared.CodeUnsupported:
		// The backend explains what the university cannot do, in words
		// meant for students.
		var apiErr *shared.Error
		if errors.As(err, &apiErr) && apiErr.Message != "" {
			return apiErr.Message
		}
	}
	return msgGeneric
}

// signOutMessage is errorMessage for a failed sign-out, after the cached
// timetable was already removed from the device.
func signOutMessage(err error) string {
	if isUnreachable(err) {
		return msgSignOutOffline
	}
	return errorMessage(err)
}

// pinErrorMessage is errorMessage for the PIN page, where a refused or
// malformed verifier means a mistyped PIN.
func pinErrorMessage(err error) string {
	switch errorCode(err) {
	case shared.CodeAccessDenied, shared.CodeBadRequest:
		return msgBadPIN
	}
	return errorMessage(err)
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

// feedErrorMessage is errorMessage for making a subscription, where the
// backend's own words say what went wrong with the approval.
func feedErrorMessage(err error) string {
	var apiErr *shared.Error
	if errors.As(err, &apiErr) && apiErr.Code == shared.CodeBadRequest && apiErr.Message != "" {
		return apiErr.Message
	}
	return errorMessage(err)
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

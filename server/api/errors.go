package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// apiError is an error with its HTTP status and client-facing code and
// message. Messages must never contain tokens or secrets.
type apiError struct {
	status int
	body   shared.Error
	cause  error // for the log only
}

func (e *apiError) Error() string {
	if e.cause != nil {
		return e.body.Error() + ": " + e.cause.Error()
	}
	return e.body.Error()
}

func (e *apiError) Unwrap() error { return e.cause }

// internalError reports a fault of the backend itself (500), never blamed
// on the university.
func internalError(cause error) *apiError {
	return &apiError{status: http.StatusInternalServerError, cause: cause,
		body: shared.Error{Code: shared.CodeInternal, Message: "Something went wrong on our side. Try again in a few minutes."}}
}

func newError(status int, code shared.ErrorCode, msg string) *apiError {
	return &apiError{status: status, body: shared.Error{Code: code, Message: msg}}
}

func badRequest(msg string) *apiError {
	return newError(http.StatusBadRequest, shared.CodeBadRequest, msg)
}

var (
	errSignedOut    = newError(http.StatusUnauthorized, shared.CodeSignedOut, "You are not signed in, or your session has expired. Sign in again.")
	errFlowExpired  = newError(http.StatusBadRequest, shared.CodeFlowExpired, "This sign-in attempt has expired or was already used. Start signing in again.")
	errNoFlow       = newError(http.StatusBadRequest, shared.CodeFlowExpired, "No sign-in is in progress in this browser. Start signing in again.")
	errAccessDenied = newError(http.StatusForbidden, shared.CodeAccessDenied, "Access was declined at the university. Nothing was shared.")
)

// providerError maps a provider's error to an API error.
func providerError(err error) *apiError {
	var up *provider.UpstreamError
	switch {
	case errors.Is(err, provider.ErrSignedOut):
		return errSignedOut
	case errors.Is(err, provider.ErrFlow):
		return errFlowExpired
	case errors.Is(err, provider.ErrDenied):
		return errAccessDenied
	case errors.Is(err, provider.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return newError(http.StatusGatewayTimeout, shared.CodeUpstreamTimeout, "The university's system did not answer in time. Try again in a few minutes.")
	case errors.As(err, &up):
		return newError(http.StatusBadGateway, shared.CodeUpstream, "The university's system failed to answer ("+up.Op+"). Try again in a few minutes.")
	default:
		return newError(http.StatusBadGateway, shared.CodeUpstream, "The university's system could not be reached. Try again in a few minutes.")
	}
}

// asAPIError is err as the API reports it.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return providerError(err)
}

// writeError writes err as the JSON error envelope and logs it.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	ae := asAPIError(err)
	level := slog.LevelInfo
	if ae.status >= 500 {
		level = slog.LevelWarn
	}
	s.log.Log(r.Context(), level, "request failed", "path", logPath(r), "status", ae.status, "code", ae.body.Code, "err", err)
	writeJSON(w, ae.status, shared.ErrorResponse{Error: ae.body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) handleUnknownAPI(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, newError(http.StatusNotFound, shared.CodeNotFound, "No such API endpoint: "+r.Method+" "+logPath(r)))
}

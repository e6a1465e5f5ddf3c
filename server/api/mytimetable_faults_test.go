package api_test

import (
	"net/http"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

// The MyTimetable counterpart of TestUpstreamFaults: whatever the
// installation does wrong, on its API or on its token endpoint while a
// session is refreshed, the student gets 502 or 504 with a clear message in
// bounded time, and stays signed in.
func TestMyTimetableFaults(t *testing.T) {
	const (
		api   = "/api/v0/timetable"
		token = "/oauth/token"
	)
	f := &faults{}
	e := newEnv(t, envOptions{mttFront: f.wrap, callTimeout: faultCallTimeout})
	e.mttSignIn()
	// The access token has expired: the request must refresh it.
	expire := e.mtt.ExpireAccessTokens
	runFaults(t, e, f, []faultCase{
		{api, "slow", -1, http.StatusGatewayTimeout, shared.CodeUpstreamTimeout, 1, 0, nil},
		{api, "503 html", 1, http.StatusOK, "", 2, 0, nil}, // one retry fixes it
		{api, "reset", 1, http.StatusOK, "", 2, 3, nil},
		{api, "503 html", -1, http.StatusBadGateway, shared.CodeUpstream, 2, 0, nil},
		{api, "reset", -1, http.StatusBadGateway, shared.CodeUpstream, 2, 4, nil},
		{api, "500 html", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, nil},
		{api, "200 html", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, nil},
		{api, "truncated", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, nil},
		{api, "huge", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, nil},
		{token, "slow", -1, http.StatusGatewayTimeout, shared.CodeUpstreamTimeout, 1, 0, expire},
		{token, "503 html", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, expire},
		{token, "500 html", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, expire},
		{token, "200 html", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, expire},
		{token, "truncated", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, expire},
		{token, "reset", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, expire},
		{token, "huge", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, expire},
	})
}

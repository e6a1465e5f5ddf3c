package usos

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzServeHTTP throws arbitrary requests at the sandbox: it must never
// panic, never answer 5xx except 503 when its tables are full, and always
// send well-formed JSON with a JSON content type. When sign is set the
// request is correctly signed with a live access token, so the fuzzer also
// reaches the methods' own parameter handling.
func FuzzServeHTTP(f *testing.F) {
	for _, s := range []struct {
		method, path, query, ctype, body, auth string
		sign                                   bool
	}{
		{"GET", "/services/tt/user", "start=2026-03-23&days=7&fields=type|start_time|lecturer_ids", "", "", "", true},
		{"POST", "/services/tt/user", "", "application/x-www-form-urlencoded; charset=utf-8", "days=3&fields=name[pl]", "", true},
		{"GET", "/services/users/users", "user_ids=12345|23456|%00&fields=titles", "", "", "", true},
		{"GET", "/services/users/user", "user_id=1&fields=a||b", "", "", "", true},
		{"POST", "/services/oauth/request_token", "scopes=studies", "", "", `OAuth oauth_callback="oob", oauth_consumer_key="x"`, false},
		{"POST", "/services/oauth/access_token", "", "", "", `OAuth oauth_token="", oauth_verifier=""`, false},
		{"GET", "/services/oauth/authorize", "oauth_token=abc", "", "", "", false},
		{"POST", "/services/oauth/authorize", "", "application/x-www-form-urlencoded", "oauth_token=a&csrf=b&decision=allow", "", false},
		{"GET", "/services/apisrv/installation", "", "", "", "", false},
		{"PUT", "/services/../x", "%zz", "multipart/form-data", "--", `OAuth ,=`, false},
		{"GET", "/", "a=1;b=2", "", "", "Basic x", false},
	} {
		f.Add(s.method, s.path, s.query, s.ctype, s.body, s.auth, s.sign)
	}
	u := fixedUSOS(f, "2026-03-25 12:00:00")
	token, secret := issueToken(f, u, "345678", "offline_access")
	f.Fuzz(func(t *testing.T, method, path, query, ctype, body, auth string, sign bool) {
		if method == "" {
			method = "GET"
		}
		r := &http.Request{
			Method:     method,
			URL:        &url.URL{Path: path, RawQuery: query},
			Host:       "usos.test",
			Header:     http.Header{},
			Body:       io.NopCloser(strings.NewReader(body)),
			Proto:      "HTTP/1.1",
			ProtoMajor: 1,
			ProtoMinor: 1,
		}
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		if sign {
			signRequest(u, r, token, secret)
		}
		w := httptest.NewRecorder()
		u.ServeHTTP(w, r)
		switch w.Code {
		case 200, 302, 400, 401, 403, 404, 405, 413, 503:
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct == "application/json" && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("invalid JSON: %s", w.Body)
		} else if ct == "" && w.Code != 302 {
			t.Fatalf("status %d without Content-Type", w.Code)
		}
	})
}

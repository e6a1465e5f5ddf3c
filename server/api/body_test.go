package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

// POST /api/auth/logout takes what it documents, a JSON object, and
// nothing else.
func TestLogoutBodyMustBeAnObject(t *testing.T) {
	e := newEnv(t, envOptions{})
	post := func(body string) response {
		req, err := http.NewRequest("POST", e.api.URL+"/api/auth/logout", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return response{resp.StatusCode, resp.Header, b}
	}
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{}`, http.StatusNoContent},
		{" {}\n", http.StatusNoContent},
		{`{"reason":"done"}`, http.StatusNoContent},
		{``, http.StatusBadRequest},
		{`null`, http.StatusBadRequest},
		{`[]`, http.StatusBadRequest},
		{`"{}"`, http.StatusBadRequest},
		{`1`, http.StatusBadRequest},
		{`{`, http.StatusBadRequest},
		{`{}{}`, http.StatusBadRequest},
		{`{} []`, http.StatusBadRequest},
		{`{"a":` + strings.Repeat(`"x`, 10_000) + `"}`, http.StatusRequestEntityTooLarge},
	} {
		e.signIn()
		r := post(tc.body)
		if r.status != tc.status {
			t.Errorf("body %.40q: %d %s, want %d", tc.body, r.status, r.body, tc.status)
			continue
		}
		if tc.status == http.StatusBadRequest && r.apiError().Code != shared.CodeBadRequest {
			t.Errorf("body %.40q: %s, want %s", tc.body, r.body, shared.CodeBadRequest)
		}
		// A refused sign-out leaves the student signed in.
		if signedIn := e.cookie("cw_session") != nil; signedIn != (tc.status != http.StatusNoContent) {
			t.Errorf("body %.40q: signed in afterwards: %v", tc.body, signedIn)
		}
	}
}

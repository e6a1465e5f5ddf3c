package api_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/seal"
)

// TestReadyCheck: Options.Ready takes part in /readyz (the notifications
// database, when there is one), and its error is not shown.
func TestReadyCheck(t *testing.T) {
	sealer, err := seal.New(bytes.Repeat([]byte{1}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	var down error
	srv, err := api.New(api.Options{
		PublicURL: &url.URL{Scheme: "http", Host: "127.0.0.1:8080"},
		Sealer:    sealer,
		Ready: func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				t.Error("Ready called without a deadline")
			}
			return down
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func() (int, string) {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/readyz", nil))
		return w.Code, w.Body.String()
	}
	if code, body := get(); code != http.StatusOK {
		t.Errorf("readyz with the database up: %d %q", code, body)
	}
	down = errors.New("store: ping: dial tcp db.internal:5432: connection refused")
	if code, body := get(); code != http.StatusServiceUnavailable || body != "not ready\n" {
		t.Errorf("readyz with the database down: %d %q, want 503 \"not ready\"", code, body)
	}
}

// Package testbackend runs the real CampusWeek API on loopback against a
// sandbox USOS installation, for tests of programs that use the API.
package testbackend

import (
	"bytes"
	"net"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/usos"
	usossandbox "github.com/campusweek/campusweek/server/sandbox/usos"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// ProviderID is the id of the sandbox university.
const ProviderID = "uw"

// Start serves the API with one university, ProviderID, backed by a sandbox
// USOS installation that grants scopes, and returns the API's base URL.
// Both stop when the test ends.
func Start(t testing.TB, scopes ...string) string {
	t.Helper()
	sb := httptest.NewServer(usossandbox.New(usossandbox.Config{Consumers: map[string]string{"k": "s"}}))
	t.Cleanup(sb.Close)
	base, err := config.ParseBaseURL(sb.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	// The public URL must be known before the server exists.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := seal.New(bytes.Repeat([]byte{4}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Options{
		PublicURL: &url.URL{Scheme: "http", Host: ln.Addr().String()},
		Providers: []provider.Provider{usos.New(config.Provider{ID: ProviderID, Kind: shared.KindUSOS, Name: "Sandbox University",
			BaseURL: base, ConsumerKey: "k", ConsumerSecret: "s", Scopes: scopes}, usos.Options{})},
		Sealer: sealer,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewUnstartedServer(srv)
	h.Listener.Close()
	h.Listener = ln
	h.Start()
	t.Cleanup(h.Close)
	return h.URL
}

package usos

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// FuzzCallbackParams feeds arbitrary callback parameters to Complete. A
// callback whose oauth_token is not the flow's own never reaches the
// installation; nothing panics.
func FuzzCallbackParams(f *testing.F) {
	// An installation that refuses connections: whatever gets as far as
	// the token exchange fails fast.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base, err := config.ParseBaseURL("http://" + addr + "/")
	if err != nil {
		f.Fatal(err)
	}
	p := New(config.Provider{ID: "uw", Kind: shared.KindUSOS, BaseURL: base, ConsumerKey: "k", ConsumerSecret: "s"}, Options{})
	flow := provider.Flow{Token: "req-token", Secret: "req-secret", Callback: "https://cw.example/auth/callback/uw"}
	f.Add("req-token", "verifier", "")
	f.Add("req-token", "", "access_denied")
	f.Add("other", "verifier", "")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, token, verifier, e string) {
		params := map[string]string{"oauth_token": token, "oauth_verifier": verifier, "error": e}
		_, err := p.Complete(context.Background(), flow, provider.CompleteInput{Params: params})
		if err == nil {
			t.Fatalf("signed in with %v against a dead installation", params)
		}
		if token != "req-token" && !errors.Is(err, provider.ErrFlow) {
			t.Fatalf("a foreign token gave %v, want a flow error", err)
		}
	})
}

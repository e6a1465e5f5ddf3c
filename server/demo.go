package main

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/sandbox"
	"github.com/campusweek/campusweek/shared"
)

// demo is the built-in sandbox wiring: a USOS installation served by this
// very process, and the provider configuration pointing at it.
type demo struct {
	prefix    string
	handler   http.Handler
	providers []config.Provider
}

func newDemo(cfg *config.Config, log *slog.Logger) (*demo, error) {
	const prefix = "/sandbox/usos"
	secret := rand.Text() // a fresh consumer secret every start
	if len(cfg.SessionKeys) == 0 {
		// Ephemeral keys: demo sessions do not survive a restart.
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		cfg.SessionKeys = [][]byte{key}
	}
	base, err := config.ParseBaseURL(cfg.PublicURL.String() + prefix + "/")
	if err != nil {
		return nil, fmt.Errorf("demo sandbox base URL: %w", err)
	}
	sb := sandbox.NewUSOS(sandbox.USOSConfig{
		Prefix:    prefix,
		Name:      "Sandbox University (USOS)",
		Consumers: map[string]string{"campusweek-demo": secret},
		Logger:    log.With("component", "sandbox-usos"),
	})
	return &demo{
		prefix:  prefix,
		handler: sb,
		providers: []config.Provider{{
			ID:             "demo-usos",
			Kind:           shared.KindUSOS,
			Name:           "Sandbox University (USOS)",
			BaseURL:        base,
			ConsumerKey:    "campusweek-demo",
			ConsumerSecret: secret,
			Scopes:         []string{"studies"},
		}},
	}, nil
}

// defaultPublicURL derives the browser-facing origin from the listen
// address, for local use. A wildcard address (a container listening on
// 0.0.0.0) is reached as loopback from the machine that runs it.
func defaultPublicURL(listen string) *url.URL {
	host, port, err := net.SplitHostPort(listen)
	if err == nil {
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			listen = net.JoinHostPort("127.0.0.1", port)
		}
	}
	return &url.URL{Scheme: "http", Host: listen}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/usos"
	"github.com/campusweek/campusweek/server/sandbox"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// TestPINSignInPrintsTheWeek runs the example against a real backend and
// the sandbox university, typing the PIN the consent page shows.
func TestPINSignInPrintsTheWeek(t *testing.T) {
	sb := httptest.NewServer(sandbox.NewUSOS(sandbox.USOSConfig{Consumers: map[string]string{"k": "s"}}))
	defer sb.Close()
	base, _ := config.ParseBaseURL(sb.URL + "/")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sealer, _ := seal.New(bytes.Repeat([]byte{5}, seal.KeySize))
	srv, err := api.New(api.Options{
		PublicURL: &url.URL{Scheme: "http", Host: ln.Addr().String()},
		Providers: []provider.Provider{usos.New(config.Provider{ID: "uw", Kind: shared.KindUSOS, Name: "Sandbox University",
			BaseURL: base, ConsumerKey: "k", ConsumerSecret: "s"}, usos.Options{})},
		Sealer: sealer,
	})
	if err != nil {
		t.Fatal(err)
	}
	backend := httptest.NewUnstartedServer(srv)
	backend.Listener.Close()
	backend.Listener = ln
	backend.Start()
	defer backend.Close()

	pinIn, pinOut := io.Pipe()
	outR, outW := io.Pipe()
	var out bytes.Buffer
	result := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		result <- run(ctx, backend.URL, "", pinIn, outW)
		outW.Close()
	}()

	// Play the student: open the address the CLI prints, allow, read the PIN.
	sc := bufio.NewScanner(outR)
	authURL := ""
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		if u := strings.TrimSpace(line); strings.HasPrefix(u, sb.URL) {
			authURL = u
			break
		}
	}
	if authURL == "" {
		t.Fatalf("no sign-in address printed:\n%s", out.String())
	}
	pin, err := sandbox.ApprovePIN(nil, authURL, "123456")
	if err != nil {
		t.Fatal(err)
	}
	go io.WriteString(pinOut, pin+"\n")
	rest, _ := io.ReadAll(outR)
	out.Write(rest)
	if err := <-result; err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, "Signed in as Anna Kowalska.") || !strings.Contains(text, "Week of ") {
		t.Fatalf("output:\n%s", text)
	}
	if !regexp.MustCompile(`\d\d:\d\d-\d\d:\d\d`).MatchString(text) {
		t.Errorf("no class printed:\n%s", text)
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/internal/testbackend"
	usossandbox "github.com/campusweek/campusweek/server/sandbox/usos"
	"github.com/campusweek/campusweek/shared"
)

// TestPINSignInPrintsTheWeek runs the example against a real backend and
// the sandbox university, typing the PIN the consent page shows.
func TestPINSignInPrintsTheWeek(t *testing.T) {
	url := testbackend.Start(t, "studies")

	pinIn, pinOut := io.Pipe()
	outR, outW := io.Pipe()
	var out bytes.Buffer
	result := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		result <- run(ctx, url, "", pinIn, outW)
		outW.Close()
	}()

	// Play the student: open the address the CLI prints, allow, read the PIN.
	sc := bufio.NewScanner(outR)
	authURL := ""
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		if u := strings.TrimSpace(line); strings.HasPrefix(u, "http://") {
			authURL = u
			break
		}
	}
	if authURL == "" {
		t.Fatalf("no sign-in address printed:\n%s", out.String())
	}
	pin, err := usossandbox.ApprovePIN(nil, authURL, "123456")
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

// pick chooses by capability, never by kind.
func TestPick(t *testing.T) {
	pin := shared.Capabilities{PIN: true}
	providers := []shared.Provider{
		{ID: "tud", Kind: shared.KindMyTimetable, Name: "TU Delft"},
		{ID: "new", Kind: "oauth3", Name: "A new system", Capabilities: pin},
		{ID: "uw", Kind: shared.KindUSOS, Name: "University of Warsaw", Capabilities: pin},
	}
	for _, tc := range []struct {
		providers []shared.Provider
		id, want  string // want "" for an error
	}{
		{providers, "", "new"},
		{providers, "uw", "uw"},
		{providers, "tud", ""},
		{providers, "nope", ""},
		{providers[:1], "", ""},
		{nil, "", ""},
	} {
		p, err := pick(tc.providers, tc.id)
		if got := p.ID; got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("pick(%d providers, %q) = %q, %v; want %q", len(tc.providers), tc.id, got, err, tc.want)
		}
	}
}

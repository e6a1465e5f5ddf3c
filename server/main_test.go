package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// On shutdown the server drains first, then finishes what is in flight and
// refuses what comes after, within a bound.
func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			time.Sleep(700 * time.Millisecond)
		}
		io.WriteString(w, "done")
	})
	var drained atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serve(ctx, slog.New(slog.DiscardHandler), ln, h, func() { drained.Store(true) }, 100*time.Millisecond)
	}()

	slow := make(chan string, 1)
	go func() {
		resp, err := http.Get(url + "/slow")
		if err != nil {
			slow <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		slow <- string(b)
	}()
	<-started
	begin := time.Now()
	cancel() // as SIGTERM does

	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Fatal("the server did not stop")
	}
	if !drained.Load() {
		t.Error("readiness was not failed before shutting down")
	}
	if got := <-slow; got != "done" {
		t.Errorf("the in-flight request got %q", got)
	}
	if d := time.Since(begin); d < 100*time.Millisecond || d > 5*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := c.Get(url + "/"); err == nil {
		resp.Body.Close()
		t.Error("a new request was served after shutdown")
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/seal"
)

var discard = slog.New(slog.DiscardHandler)

// defaultBudget is the request budget of a server with default options.
func defaultBudget(t *testing.T) time.Duration {
	t.Helper()
	sealer, err := seal.New(bytes.Repeat([]byte{1}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Options{PublicURL: &url.URL{Scheme: "http", Host: "127.0.0.1"}, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	if srv.RequestBudget() <= 0 {
		t.Fatalf("request budget %v", srv.RequestBudget())
	}
	return srv.RequestBudget()
}

// On shutdown the server drains first, then finishes what is in flight and
// refuses what comes after, within a bound.
func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
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
	t.Cleanup(cancel)
	const bound = 30 * time.Second
	go func() {
		served <- serve(ctx, discard, ln, newHTTPServer(h, discard, timeoutsFor(time.Second)), func() { drained.Store(true) }, 100*time.Millisecond, bound)
	}()

	slow := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slow <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		slow <- string(b)
	}()
	<-started
	cancel() // as SIGTERM does

	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(bound + 5*time.Second):
		t.Fatal("the server did not stop")
	}
	if !drained.Load() {
		t.Error("readiness was not failed before shutting down")
	}
	if got := <-slow; got != "done" {
		t.Errorf("the in-flight request got %q", got)
	}
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := c.Get(base + "/"); err == nil {
		resp.Body.Close()
		t.Error("a new request was served after shutdown")
	}
}

// A request outliving the shutdown bound does not hold the process: serve
// gives up on it and says so.
func TestShutdownIsBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() {
		served <- serve(ctx, discard, ln, newHTTPServer(h, discard, timeoutsFor(time.Second)), func() {}, 0, 100*time.Millisecond)
	}()
	go func() {
		if resp, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()
	select {
	case err := <-served:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("serve: %v, want the shutdown to give up", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown waited for a request beyond its bound")
	}
}

// The bounds are derived from the request budget: a timetable read that
// uses its whole budget is neither cut by the write timeout nor by a
// shutdown.
func TestTimeoutsExceedTheRequestBudget(t *testing.T) {
	for _, budget := range []time.Duration{defaultBudget(t), 2 * time.Second, 2 * time.Minute} {
		to := timeoutsFor(budget)
		if to.shutdown <= budget || to.write <= budget {
			t.Errorf("budget %v: shutdown %v, write %v", budget, to.shutdown, to.write)
		}
		if to.readHeader <= 0 || to.read <= 0 || to.idle <= 0 {
			t.Errorf("budget %v: unbounded reads: %+v", budget, to)
		}
	}
}

// Slow clients are disconnected within the timeouts: one that sends part
// of its headers and stalls (slowloris), one that trickles them a byte at
// a time, one that stalls in its body. Without the timeouts each would
// hold a connection and a goroutine for ever.
func TestSlowClientsAreDisconnected(t *testing.T) {
	bodyErr := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			bodyErr <- err
			panic(http.ErrAbortHandler) // hang up, as after any failed read
		}
		io.WriteString(w, "ok")
	})
	to := timeouts{readHeader: 200 * time.Millisecond, read: 400 * time.Millisecond, write: time.Second, idle: time.Second}
	hs := newHTTPServer(h, discard, to)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })

	for _, tc := range []struct {
		name string
		send func(c net.Conn) error
	}{
		{"stalled headers", func(c net.Conn) error {
			_, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: campusweek\r\nX-Slow: ")
			return err
		}},
		{"trickled headers", func(c net.Conn) error {
			for _, b := range []byte("GET / HTTP/1.1\r\nHost: campusweek\r\n" + strings.Repeat("X-Slow: 1\r\n", 100)) {
				if _, err := c.Write([]byte{b}); err != nil {
					return nil // cut off: what we wanted
				}
				time.Sleep(10 * time.Millisecond)
			}
			return errors.New("the server took the whole trickle")
		}},
		{"stalled body", func(c net.Conn) error {
			_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: campusweek\r\nContent-Length: 100\r\n\r\n{")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := tc.send(c); err != nil {
				t.Fatal(err)
			}
			// A safety net far above the timeouts, so that a missing
			// timeout fails the test instead of hanging it.
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			b, err := io.ReadAll(c)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the server kept the connection open")
			}
			if bytes.Contains(b, []byte("200 OK")) {
				t.Fatalf("the server answered %q", b)
			}
		})
	}
	// The stalled body was cut by the read timeout, not by the client.
	select {
	case err := <-bodyErr:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("reading the stalled body: %v, want the read deadline", err)
		}
	default:
		t.Error("the handler never saw the stalled body fail")
	}

	// Headers over the cap are refused, not buffered.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go io.WriteString(c, "GET / HTTP/1.1\r\nHost: campusweek\r\nX-Big: "+strings.Repeat("a", 2*maxHeaderBytes)+"\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("oversized headers: %v %v", resp, err)
	}
}

// The Kubernetes example gives a pod time to drain and finish its
// requests before it is killed.
func TestKubernetesGracePeriod(t *testing.T) {
	f, err := os.Open("../deploy/kubernetes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	for {
		var doc struct {
			Kind string
			Spec struct {
				Template struct {
					Spec struct {
						TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
						Containers                    []struct {
							Args []string
						}
					}
				}
			}
		}
		if err := dec.Decode(&doc); err == io.EOF {
			t.Fatal("no Deployment")
		} else if err != nil {
			t.Fatal(err)
		}
		if doc.Kind != "Deployment" {
			continue
		}
		pod := doc.Spec.Template.Spec
		drain := time.Duration(0)
		args := strings.Join(pod.Containers[0].Args, " ")
		if m := regexp.MustCompile(`-drain-delay[= ](\S+)`).FindStringSubmatch(args); m != nil {
			if drain, err = time.ParseDuration(m[1]); err != nil {
				t.Fatal(err)
			}
		}
		need := drain + timeoutsFor(defaultBudget(t)).shutdown
		if grace := time.Duration(pod.TerminationGracePeriodSeconds) * time.Second; grace <= need {
			t.Errorf("terminationGracePeriodSeconds %v, want more than drain delay %v + shutdown bound %v (%s s)",
				grace, drain, need-drain, strconv.Itoa(int(need.Seconds())))
		}
		return
	}
}

// -demo with -config would mount the sandboxes beside the configured
// universities, under the production keys: refused at start, before
// anything listens.
func TestDemoWithConfigRefused(t *testing.T) {
	path := t.TempDir() + "/config.yaml"
	doc := `public_url: https://tt.example.edu
session_keys: ["MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="]
providers:
  - {id: uw, kind: usos, name: UW, base_url: "https://usos.example.edu/", consumer_key: k, consumer_secret: s}
`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(discard, path, true, "127.0.0.1:0", t.TempDir(), 0)
	if !errors.Is(err, errDemoWithConfig) || !strings.Contains(err.Error(), "-demo cannot be combined with -config") {
		t.Fatalf("run with -config and -demo: %v", err)
	}
}

// With a configuration the server answers for the public URL's host and
// allowed_hosts only; demo mode without one answers for any.
func TestHosts(t *testing.T) {
	cfg := &config.Config{PublicURL: &url.URL{Scheme: "https", Host: "tt.example.edu"}, AllowedHosts: []string{"tt.internal:8443"}}
	if got := hosts(cfg, true); strings.Join(got, " ") != "tt.example.edu tt.internal:8443" {
		t.Errorf("configured: %q", got)
	}
	if got := hosts(&config.Config{PublicURL: &url.URL{Scheme: "http", Host: "127.0.0.1:8080"}}, false); got != nil {
		t.Errorf("demo mode: %q, want any host", got)
	}
}

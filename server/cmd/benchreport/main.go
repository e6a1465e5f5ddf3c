// Command benchreport prints CampusWeek's performance figures as ratios
// against a baseline measured in the same run, so that they hold on a noisy
// machine (make bench):
//
//   - app.wasm bytes raw, gzip and brotli, relative to a hello-world go-app
//     built with the same flags (the framework's floor);
//   - GET /api/timetable through the backend against the sandbox on
//     loopback, relative to calling the sandbox directly with a pre-signed
//     client (the backend's overhead);
//   - a 16-week term sync relative to one upstream round trip, with the
//     sandbox adding a fixed latency;
//   - navigation to the timetable painted, online and offline, relative to
//     the hello-world page's first paint (when Chromium is installed).
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/dghubble/oauth1"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/usos"
	"github.com/campusweek/campusweek/server/sandbox"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

func main() {
	webDir := flag.String("web", "web", "directory with the built app.wasm")
	duration := flag.Duration("duration", 3*time.Second, "how long each throughput run lasts")
	concurrency := flag.Int("c", 8, "concurrent clients in throughput runs")
	latency := flag.Duration("latency", 40*time.Millisecond, "latency the sandbox adds to every call in the term sync run")
	browser := flag.Bool("browser", true, "measure first paint in headless Chromium, if installed")
	flag.Parse()

	fail := func(what string, err error) {
		fmt.Fprintf(os.Stderr, "benchreport: %s: %v\n", what, err)
		os.Exit(1)
	}
	hello, err := buildHello()
	if err != nil {
		fail("building the hello-world app", err)
	}
	defer os.RemoveAll(filepath.Dir(hello))

	fmt.Println("== app.wasm size")
	if err := reportSizes(filepath.Join(*webDir, "app.wasm"), hello); err != nil {
		fail("sizes", err)
	}

	lab, err := newLab()
	if err != nil {
		fail("starting the backend and the sandbox", err)
	}
	defer lab.close()

	fmt.Println("\n== backend overhead, GET /api/timetable (one week) on loopback")
	if err := lab.reportOverhead(*duration, *concurrency); err != nil {
		fail("overhead", err)
	}

	fmt.Printf("\n== term sync, 16 weeks, sandbox latency %v per call\n", *latency)
	if err := lab.reportTermSync(*latency); err != nil {
		fail("term sync", err)
	}

	if *browser {
		fmt.Println("\n== navigation to painted, headless Chromium")
		if err := reportPaint(*webDir, hello); err != nil {
			fmt.Println("   skipped:", err)
		}
	}
}

// buildHello builds the hello-world app with the flags of `make wasm`.
func buildHello() (string, error) {
	dir, err := os.MkdirTemp("", "campusweek-hello-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "web", "app.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./server/cmd/benchreport/hello")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%v: %s", err, b)
	}
	return out, nil
}

func compressedSizes(path string) (raw, gz, br int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, err
	}
	var g, r bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&g, gzip.BestCompression)
	gw.Write(b)
	gw.Close()
	bw := brotli.NewWriterOptions(&r, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24})
	bw.Write(b)
	bw.Close()
	return len(b), g.Len(), r.Len(), nil
}

func reportSizes(app, hello string) error {
	ar, ag, ab, err := compressedSizes(app)
	if err != nil {
		return fmt.Errorf("%w (run make build first)", err)
	}
	hr, hg, hb, err := compressedSizes(hello)
	if err != nil {
		return err
	}
	fmt.Printf("   %-12s %10s %10s %10s\n", "", "raw", "gzip", "brotli")
	fmt.Printf("   %-12s %10d %10d %10d\n", "CampusWeek", ar, ag, ab)
	fmt.Printf("   %-12s %10d %10d %10d\n", "hello-world", hr, hg, hb)
	fmt.Printf("   brotli / raw: %.2f; CampusWeek brotli / hello-world brotli: %.2f\n", float64(ab)/float64(ar), float64(ab)/float64(hb))
	return nil
}

// lab is the backend and a sandbox USOS installation on loopback, with a
// student signed in both through the backend and directly.
type lab struct {
	delay   atomic.Int64 // added latency per sandbox call, ns
	sandbox *httptest.Server
	backend *httptest.Server
	browser *http.Client    // signed in to the backend
	direct  *http.Client    // pre-signed OAuth 1.0a client to the sandbox
	base    string          // sandbox base URL
	week    [2]shared.Date  // this week
	term    [2]shared.Date  // 16 weeks from this week
	fields  string          // what the backend asks of tt/user
	users   map[string]bool // lecturer ids of this week
}

const (
	consumerKey    = "bench"
	consumerSecret = "bench-secret"
)

func newLab() (*lab, error) {
	l := &lab{}
	sb := sandbox.NewUSOS(sandbox.USOSConfig{Consumers: map[string]string{consumerKey: consumerSecret}})
	l.sandbox = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := time.Duration(l.delay.Load()); d > 0 {
			time.Sleep(d)
		}
		sb.ServeHTTP(w, r)
	}))
	l.base = l.sandbox.URL + "/"
	base, err := config.ParseBaseURL(l.base)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	public := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	sealer, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		return nil, err
	}
	transport := &http.Transport{MaxIdleConnsPerHost: 256}
	p := usos.New(config.Provider{ID: "uni", Kind: shared.KindUSOS, Name: "Bench", BaseURL: base,
		ConsumerKey: consumerKey, ConsumerSecret: consumerSecret}, usos.Options{HTTPClient: &http.Client{Transport: transport}})
	srv, err := api.New(api.Options{PublicURL: public, Providers: []provider.Provider{p}, Sealer: sealer,
		Logger: slog.New(slog.DiscardHandler), AuthRateLimit: api.RateLimit{PerSecond: 1e6, Burst: 1e6},
		// One student reading in a loop: measure serving, not the limits.
		ReadRateLimit: api.RateLimit{PerSecond: 1e6, Burst: 1e6}, ClientReadRateLimit: api.RateLimit{PerSecond: 1e6, Burst: 1e6}})
	if err != nil {
		return nil, err
	}
	l.backend = httptest.NewUnstartedServer(srv)
	l.backend.Listener.Close()
	l.backend.Listener = ln
	l.backend.Start()

	monday := shared.DateOf(time.Now()).Monday()
	l.week = [2]shared.Date{monday, monday.AddDays(6)}
	l.term = [2]shared.Date{monday, monday.AddDays(16*7 - 1)}
	l.fields = "type|start_time|end_time|name|url|course_id|course_name|classtype_id|classtype_name|group_number|lecturer_ids|building_id|building_name|room_number|unit_id"
	if err := l.signInBackend(); err != nil {
		return nil, fmt.Errorf("signing in through the backend: %w", err)
	}
	if err := l.signInDirect(transport); err != nil {
		return nil, fmt.Errorf("signing in directly: %w", err)
	}
	return l, nil
}

func (l *lab) close() {
	l.backend.Close()
	l.sandbox.Close()
}

func (l *lab) post(path, body string) (*http.Response, error) {
	req, _ := http.NewRequest("POST", l.backend.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return l.browser.Do(req)
}

func (l *lab) signInBackend() error {
	jar, _ := cookiejar.New(nil)
	l.browser = &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	resp, err := l.post("/api/auth/uni/start", `{"mode":"pin"}`)
	if err != nil {
		return err
	}
	var start struct {
		AuthorizeURL string `json:"authorize_url"`
	}
	if err := decodeJSON(resp, &start); err != nil {
		return err
	}
	pin, err := sandbox.ApprovePIN(nil, start.AuthorizeURL, "123456")
	if err != nil {
		return err
	}
	resp, err = l.post("/api/auth/uni/complete", `{"pin":"`+pin+`"}`)
	if err != nil {
		return err
	}
	return decodeJSON(resp, &struct{}{})
}

func (l *lab) signInDirect(transport http.RoundTripper) error {
	cfg := oauth1.Config{
		ConsumerKey: consumerKey, ConsumerSecret: consumerSecret, CallbackURL: "oob",
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: l.base + "services/oauth/request_token",
			AuthorizeURL:    l.base + "services/oauth/authorize",
			AccessTokenURL:  l.base + "services/oauth/access_token",
		},
	}
	reqToken, reqSecret, err := cfg.RequestToken()
	if err != nil {
		return err
	}
	authURL, err := cfg.AuthorizationURL(reqToken)
	if err != nil {
		return err
	}
	pin, err := sandbox.ApprovePIN(nil, authURL.String(), "123456")
	if err != nil {
		return err
	}
	token, secret, err := cfg.AccessToken(reqToken, reqSecret, pin)
	if err != nil {
		return err
	}
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: transport})
	l.direct = cfg.Client(ctx, oauth1.NewToken(token, secret))
	return nil
}

func decodeJSON(resp *http.Response, v any) error {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	return json.Unmarshal(b, v)
}

// viaBackend reads this week through the backend, as the PWA does.
func (l *lab) viaBackend(from, to shared.Date) error {
	resp, err := l.browser.Get(l.backend.URL + "/api/timetable?from=" + from.String() + "&to=" + to.String())
	if err != nil {
		return err
	}
	var tt shared.Timetable
	if err := decodeJSON(resp, &tt); err != nil {
		return err
	}
	if len(tt.Events) == 0 && from == l.week[0] {
		return fmt.Errorf("no events this week")
	}
	return nil
}

// directWeek makes the same upstream calls as the backend for one week
// (tt/user, then users/users for lecturer names), pre-signed, and decodes
// them, so that the difference is the backend's own work and hop.
func (l *lab) directWeek() error {
	q := url.Values{"start": {l.week[0].String()}, "days": {"7"}, "fields": {l.fields}}
	var acts []struct {
		LecturerIDs []any `json:"lecturer_ids"`
	}
	if err := l.directGet("services/tt/user?"+q.Encode(), &acts); err != nil {
		return err
	}
	var ids []string
	for _, a := range acts {
		for _, id := range a.LecturerIDs {
			if s := fmt.Sprint(id); !slices.Contains(ids, s) {
				ids = append(ids, s)
			}
		}
	}
	if len(ids) > 0 {
		q := url.Values{"user_ids": {strings.Join(ids, "|")}, "fields": {"id|first_name|last_name|titles"}}
		var users map[string]any
		return l.directGet("services/users/users?"+q.Encode(), &users)
	}
	return nil
}

func (l *lab) directGet(path string, v any) error {
	resp, err := l.direct.Get(l.base + path)
	if err != nil {
		return err
	}
	return decodeJSON(resp, v)
}

type runStats struct {
	n          int
	throughput float64
	p50, p99   time.Duration
	errors     int
}

// hammer runs call from c goroutines for d and collects latencies.
func hammer(d time.Duration, c int, call func() error) runStats {
	var (
		mu    sync.Mutex
		lat   []time.Duration
		errs  atomic.Int64
		wg    sync.WaitGroup
		start = time.Now()
	)
	deadline := start.Add(d)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t := time.Now()
				if err := call(); err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	s := runStats{n: len(lat), errors: int(errs.Load()), throughput: float64(len(lat)) / elapsed.Seconds()}
	if len(lat) > 0 {
		s.p50 = lat[len(lat)/2]
		s.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return s
}

func (l *lab) reportOverhead(d time.Duration, c int) error {
	// Warm both paths (connections, caches) before measuring.
	for range 20 {
		if err := l.viaBackend(l.week[0], l.week[1]); err != nil {
			return err
		}
		if err := l.directWeek(); err != nil {
			return err
		}
	}
	direct := hammer(d, c, l.directWeek)
	backend := hammer(d, c, func() error { return l.viaBackend(l.week[0], l.week[1]) })
	for _, r := range []struct {
		name string
		s    runStats
	}{{"direct", direct}, {"backend", backend}} {
		fmt.Printf("   %-8s %8.0f req/s   p50 %-10v p99 %-10v errors %d\n", r.name, r.s.throughput, r.s.p50.Round(time.Microsecond), r.s.p99.Round(time.Microsecond), r.s.errors)
	}
	fmt.Printf("   backend / direct: throughput %.2f, p50 %.2f, p99 %.2f\n",
		backend.throughput/direct.throughput, ratio(backend.p50, direct.p50), ratio(backend.p99, direct.p99))
	if direct.errors+backend.errors > 0 {
		return fmt.Errorf("%d errors", direct.errors+backend.errors)
	}
	return nil
}

func (l *lab) reportTermSync(latency time.Duration) error {
	l.delay.Store(int64(latency))
	defer l.delay.Store(0)
	var trip, sync []time.Duration
	for range 5 {
		t := time.Now()
		var acts []any
		q := url.Values{"start": {l.week[0].String()}, "days": {"7"}, "fields": {l.fields}}
		if err := l.directGet("services/tt/user?"+q.Encode(), &acts); err != nil {
			return err
		}
		trip = append(trip, time.Since(t))
		t = time.Now()
		if err := l.viaBackend(l.term[0], l.term[1]); err != nil {
			return err
		}
		sync = append(sync, time.Since(t))
	}
	slices.Sort(trip)
	slices.Sort(sync)
	t, s := trip[len(trip)/2], sync[len(sync)/2]
	fmt.Printf("   one upstream round trip %v, 16-week sync %v (medians of 5)\n", t.Round(time.Millisecond), s.Round(time.Millisecond))
	fmt.Printf("   term sync / round trip: %.1f (16 weekly calls in a row would be about %.0f)\n", ratio(s, t), 16.0+1)
	return nil
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

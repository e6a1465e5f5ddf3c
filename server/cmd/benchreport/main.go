// Command benchreport prints CampusWeek's performance figures as ratios
// against a baseline measured in the same run, so that they hold on a noisy
// machine (make bench):
//
//   - app.wasm bytes raw, gzip and brotli, relative to a hello-world go-app
//     built with the same flags (the framework's floor);
//   - GET /api/timetable through the backend relative to calling the
//     sandbox directly with a pre-signed client (the backend's overhead),
//     on bare loopback and with the sandbox adding a fixed latency, the two
//     sides measured in alternating rounds;
//   - the PWA's term sync, with the app's schedule of requests, relative to
//     one upstream round trip, with the sandbox adding a fixed latency;
//   - navigation to the timetable painted by app.wasm from the cache,
//     online and offline, relative to the hello-world app rendered by its
//     own app.wasm (the framework's floor), both counted only once go-app's
//     loader no longer covers the page, the two sides alternating (when
//     Chromium is installed; any other failure to measure it fails the run);
//   - the first visit as Lighthouse measures it on a phone (mobile preset,
//     fresh profile), CampusWeek's signed-out / against the hello world,
//     3 runs each, medians: the run fails when CampusWeek's performance
//     score is under 0.95 or more than 0.03 under the hello world's, its
//     largest contentful paint over 1.2x, its total blocking time over
//     1.5x, or its accessibility, best-practices or SEO score under 1.
package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
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

	"golang.org/x/sync/errgroup"

	"github.com/andybalholm/brotli"
	"github.com/dghubble/oauth1"

	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/usos"
	usossandbox "github.com/campusweek/campusweek/server/sandbox/usos"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// settings are the knobs of one run.
type settings struct {
	goCmd  string        // the go command that builds the hello-world app and the server
	rounds int           // overhead rounds per side
	round  time.Duration // length of one side's overhead round on bare loopback
	// latencyRound is the same with the sandbox latency on: longer, since
	// each call then takes a few round trips and a p99 needs samples.
	latencyRound time.Duration
	concurrency  int           // concurrent clients in overhead rounds
	latency      time.Duration // latency the sandbox adds per call, where a run says so
	repeats      int           // term sync repetitions (median reported)
	reloads      int           // measured reloads per paint figure (median reported)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run() error {
	goDefault := os.Getenv("GO")
	if goDefault == "" {
		goDefault = "go"
	}
	var s settings
	webDir := flag.String("web", "web", "directory with the built app.wasm")
	flag.StringVar(&s.goCmd, "go", goDefault, "go command that builds the hello-world app and the server (default $GO, else go)")
	flag.IntVar(&s.rounds, "rounds", 6, "overhead rounds per side, alternating which side goes first")
	flag.DurationVar(&s.round, "round", 500*time.Millisecond, "length of one side's overhead round on bare loopback")
	flag.DurationVar(&s.latencyRound, "latency-round", 1500*time.Millisecond, "length of one side's overhead round with the sandbox latency on")
	flag.IntVar(&s.concurrency, "c", 8, "concurrent clients in overhead rounds")
	flag.DurationVar(&s.latency, "latency", 40*time.Millisecond, "latency the sandbox adds to every call in the latency runs")
	flag.IntVar(&s.repeats, "repeats", 5, "term sync repetitions (medians reported)")
	flag.IntVar(&s.reloads, "reloads", 15, "measured reloads per paint figure (medians reported)")
	browser := flag.Bool("browser", true, "measure paint in headless Chromium; skipped only when none is installed")
	only := flag.String("only", "", "run only one part: size, overhead, sync, paint or lighthouse")
	quick := flag.Bool("quick", false, "short run that checks the tool works (2 rounds of 100ms and 300ms, 3 repeats and reloads; about a minute and a half); not figures to quote")
	flag.Parse()
	if *quick {
		// Flags given explicitly win over -quick.
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name, value := range map[string]string{"rounds": "2", "round": "100ms", "latency-round": "300ms", "repeats": "3", "reloads": "3"} {
			if !set[name] {
				flag.Set(name, value)
			}
		}
	}
	if s.rounds < 1 || s.round <= 0 || s.latencyRound <= 0 || s.concurrency < 1 || s.repeats < 1 || s.reloads < 1 {
		return errors.New("-rounds, -round, -latency-round, -c, -repeats and -reloads must be positive")
	}
	if *only != "" && !slices.Contains([]string{"size", "overhead", "sync", "paint", "lighthouse"}, *only) {
		return fmt.Errorf("-only %q: want size, overhead, sync, paint or lighthouse", *only)
	}
	want := func(part string) bool { return *only == "" || *only == part }
	// heading prints a part's title, after a blank line unless it is the
	// first.
	printed := false
	heading := func(format string, args ...any) {
		if printed {
			fmt.Println()
		}
		printed = true
		fmt.Printf("== "+format+"\n", args...)
	}

	var hello string
	if want("size") || want("paint") || want("lighthouse") {
		var err error
		if hello, err = buildHello(s.goCmd); err != nil {
			return fmt.Errorf("building the hello-world app: %w", err)
		}
		defer os.RemoveAll(filepath.Dir(filepath.Dir(hello)))
	}

	if want("size") {
		heading("app.wasm size")
		if err := reportSizes(filepath.Join(*webDir, "app.wasm"), hello); err != nil {
			return fmt.Errorf("sizes: %w", err)
		}
	}

	if want("overhead") || want("sync") {
		if err := reportBackend(s, want, heading); err != nil {
			return err
		}
	}

	if *browser && want("paint") {
		heading("navigation to painted, headless Chromium")
		switch err := reportPaint(s, *webDir, hello); {
		case errors.Is(err, errNoBrowser):
			fmt.Println("   skipped:", err)
		case err != nil:
			return fmt.Errorf("paint: %w", err)
		}
	}

	if want("lighthouse") {
		heading("first visit, Lighthouse (npm lighthouse@%s, Debian chromium; installed when missing)", lighthouseVersion)
		if err := reportLighthouse(s, *webDir, hello); err != nil {
			return fmt.Errorf("lighthouse: %w", err)
		}
	}
	return nil
}

// reportBackend prints the parts measured against the sandbox on loopback
// that want asks for: the backend's overhead and the term sync.
func reportBackend(s settings, want func(string) bool, heading func(string, ...any)) error {
	lab, err := newLab()
	if err != nil {
		return fmt.Errorf("starting the backend and the sandbox: %w", err)
	}
	defer lab.close()

	if want("overhead") {
		heading("backend overhead, GET /api/timetable (one week), %d clients, the sides alternating in rounds", s.concurrency)
		fmt.Printf("   bare loopback, the sandbox answering in about a millisecond (an upper bound), %d rounds of %v a side:\n",
			s.rounds, s.round)
		if err := lab.reportOverhead(s, 0, s.round); err != nil {
			return fmt.Errorf("overhead: %w", err)
		}
		fmt.Printf("   sandbox latency %v per call, as a university some distance away, %d rounds of %v a side:\n",
			s.latency, s.rounds, s.latencyRound)
		if err := lab.reportOverhead(s, s.latency, s.latencyRound); err != nil {
			return fmt.Errorf("overhead with latency: %w", err)
		}
	}

	if want("sync") {
		heading("term sync, sandbox latency %v per call", s.latency)
		if err := lab.reportTermSync(s); err != nil {
			return fmt.Errorf("term sync: %w", err)
		}
	}
	return nil
}

// buildHello builds the hello-world app with the flags of `make wasm` into
// a temporary directory's web/app.wasm.
func buildHello(goCmd string) (string, error) {
	dir, err := os.MkdirTemp("", "campusweek-hello-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "web", "app.wasm")
	cmd := exec.Command(goCmd, "build", "-trimpath", "-ldflags=-s -w", "-gcflags=all=-l",
		"-o", out, "./server/cmd/benchreport/hello")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("%s build: %v: %s", goCmd, err, b)
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
	browser *http.Client   // signed in to the backend
	direct  *http.Client   // pre-signed OAuth 1.0a client to the sandbox
	base    string         // sandbox base URL
	week    [2]shared.Date // this week
	term    [2]shared.Date // 16 weeks from this week
	fields  string         // what the backend asks of tt/user
}

const (
	consumerKey    = "bench"
	consumerSecret = "bench-secret"
)

func newLab() (*lab, error) {
	l := &lab{}
	sb := usossandbox.New(usossandbox.Config{Consumers: map[string]string{consumerKey: consumerSecret}})
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
	pin, err := usossandbox.ApprovePIN(nil, start.AuthorizeURL, "123456")
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
	pin, err := usossandbox.ApprovePIN(nil, authURL.String(), "123456")
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
	firstErr   error
}

// hammer runs call from c goroutines for d and collects latencies.
func hammer(d time.Duration, c int, call func() error) runStats {
	var (
		mu    sync.Mutex
		lat   []time.Duration
		errs  atomic.Int64
		first error
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
					if errs.Add(1) == 1 {
						mu.Lock()
						first = err
						mu.Unlock()
					}
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
	s := runStats{n: len(lat), errors: int(errs.Load()), firstErr: first, throughput: float64(len(lat)) / elapsed.Seconds()}
	if len(lat) > 0 {
		s.p50 = lat[len(lat)/2]
		s.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return s
}

// reportOverhead measures this week read through the backend against the
// same upstream calls made directly, with latency added to every sandbox
// call. The two sides run in alternating short rounds (direct first in even
// rounds, backend first in odd ones), so that a slow stretch of a shared
// machine hits both, and the ratios are medians of the per-round ratios.
func (l *lab) reportOverhead(s settings, latency, round time.Duration) error {
	l.delay.Store(int64(latency))
	defer l.delay.Store(0)
	backend := func() error { return l.viaBackend(l.week[0], l.week[1]) }

	// Warm both paths (a connection per client, caches), unmeasured.
	hammer(round, s.concurrency, l.directWeek)
	hammer(round, s.concurrency, backend)

	var (
		direct, via    []runStats
		tput, p50, p99 []float64
		errs           int
		firstErr       error
	)
	for i := range s.rounds {
		var d, b runStats
		if i%2 == 0 {
			d = hammer(round, s.concurrency, l.directWeek)
			b = hammer(round, s.concurrency, backend)
		} else {
			b = hammer(round, s.concurrency, backend)
			d = hammer(round, s.concurrency, l.directWeek)
		}
		errs += d.errors + b.errors
		firstErr = cmp.Or(firstErr, d.firstErr, b.firstErr)
		if d.n == 0 || b.n == 0 {
			continue
		}
		direct, via = append(direct, d), append(via, b)
		tput = append(tput, b.throughput/d.throughput)
		p50 = append(p50, ratio(b.p50, d.p50))
		p99 = append(p99, ratio(b.p99, d.p99))
	}
	if errs > 0 {
		return fmt.Errorf("%d calls failed, the first: %w", errs, firstErr)
	}
	if len(tput) == 0 {
		return errors.New("no round completed a call on both sides: make the rounds longer")
	}
	for _, side := range []struct {
		name string
		rs   []runStats
	}{{"direct", direct}, {"backend", via}} {
		n, t, q50, q99 := 0, make([]float64, 0, len(side.rs)), []time.Duration{}, []time.Duration{}
		for _, r := range side.rs {
			n += r.n
			t = append(t, r.throughput)
			q50, q99 = append(q50, r.p50), append(q99, r.p99)
		}
		fmt.Printf("     %-8s %8.0f req/s   p50 %-9v p99 %-9v (medians of %d rounds; %d calls in all)\n", side.name,
			median(t), median(q50).Round(10*time.Microsecond), median(q99).Round(10*time.Microsecond), len(side.rs), n)
	}
	fmt.Printf("     backend / direct, medians of %d per-round ratios: throughput %.2f, p50 %.2f, p99 %.2f\n",
		len(tput), median(tput), median(p50), median(p99))
	fmt.Printf("     (per-round ranges: throughput %.2f-%.2f, p50 %.2f-%.2f, p99 %.2f-%.2f)\n",
		slices.Min(tput), slices.Max(tput), slices.Min(p50), slices.Max(p50), slices.Min(p99), slices.Max(p99))
	return nil
}

// syncWindow is the PWA's term sync window around today, one range per
// request, in the order the PWA fetches them (timetable.SyncSlices).
func syncWindow(today shared.Date) [][2]shared.Date {
	var out [][2]shared.Date
	for _, r := range timetable.SyncSlices(today) {
		out = append(out, [2]shared.Date{r.From, r.To})
	}
	return out
}

// appSync fetches the window through the backend as the PWA does: the first
// slice alone, then the others timetable.SyncParallel at a time.
func (l *lab) appSync(window [][2]shared.Date) error {
	if err := l.viaBackend(window[0][0], window[0][1]); err != nil {
		return err
	}
	var g errgroup.Group
	g.SetLimit(timetable.SyncParallel)
	for _, r := range window[1:] {
		g.Go(func() error { return l.viaBackend(r[0], r[1]) })
	}
	return g.Wait()
}

// reportTermSync times, with latency added to every sandbox call, one
// upstream round trip, the PWA's term sync (its schedule of requests) and
// one request for 16 weeks, interleaved, and reports both syncs in round
// trips.
func (l *lab) reportTermSync(s settings) error {
	l.delay.Store(int64(s.latency))
	defer l.delay.Store(0)
	window := syncWindow(shared.DateOf(time.Now()))
	weeks := (window[0][0].DaysUntil(window[len(window)-1][1]) + 1) / 7
	var trip, app, single []time.Duration
	for i := range s.repeats + 1 { // the first is a warm-up
		t := time.Now()
		var acts []any
		q := url.Values{"start": {l.week[0].String()}, "days": {"7"}, "fields": {l.fields}}
		if err := l.directGet("services/tt/user?"+q.Encode(), &acts); err != nil {
			return fmt.Errorf("round trip: %w", err)
		}
		dt := time.Since(t)
		t = time.Now()
		if err := l.appSync(window); err != nil {
			return fmt.Errorf("the app's sync: %w", err)
		}
		da := time.Since(t)
		t = time.Now()
		if err := l.viaBackend(l.term[0], l.term[1]); err != nil {
			return fmt.Errorf("16-week request: %w", err)
		}
		ds := time.Since(t)
		if i > 0 {
			trip, app, single = append(trip, dt), append(app, da), append(single, ds)
		}
	}
	t, a, one := median(trip), median(app), median(single)
	fmt.Printf("   one upstream round trip (tt/user, one week, direct) %v; medians of %d\n", t.Round(time.Millisecond), s.repeats)
	fmt.Printf("   the PWA's sync, %d weeks as %d requests, the first alone, then %d at a time: %v\n",
		weeks, len(window), timetable.SyncParallel, a.Round(time.Millisecond))
	fmt.Printf("   term sync / round trip: %.1f\n", ratio(a, t))
	fmt.Printf("   one 16-week request: %v, %.1f round trips\n", one.Round(time.Millisecond), ratio(one, t))
	fmt.Printf("   computed, not measured: one call per week in a row would be %d round trips, %v\n",
		weeks, (time.Duration(weeks) * t).Round(time.Millisecond))
	return nil
}

// median is the middle value of xs, or the mean of the two middle values.
func median[T float64 | time.Duration](xs []T) T {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

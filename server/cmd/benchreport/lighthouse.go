package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/campusweek/campusweek/server/cmd/benchreport/internal/hello"
)

// The first visit as Lighthouse measures it (mobile preset: simulated
// slow 4G, 4x CPU slowdown, a fresh profile each run, so no service
// worker): the hello-world app against CampusWeek's signed-out /, the two
// alternating, lighthouseRuns runs a side, medians compared.
const (
	// lighthouseVersion runs on Node 20 (Lighthouse 13 needs Node 22).
	lighthouseVersion = "12.2.3"
	lighthouseRuns    = 3
)

// Targets of the first visit: CampusWeek's medians against the hello
// world's.
const (
	minPerformance      = 0.95 // CampusWeek's performance score, at least
	maxPerformanceBelow = 0.03 // and at most this much under the hello world's
	maxLCPRatio         = 1.2  // largest contentful paint
	maxTBTRatio         = 1.5  // total blocking time
)

// lighthouseResult is what one run reports.
type lighthouseResult struct {
	performance, accessibility, bestPractices, seo float64 // scores, 0 to 1
	fcp, lcp, tbt                                  time.Duration
	cls                                            float64
	bytes                                          float64 // transferred
}

// reportLighthouse prints the first-visit figures and ratios, and fails
// when CampusWeek misses a target.
func reportLighthouse(s settings, webDir, helloWasm string) error {
	chrome, err := ensureChromium()
	if err != nil {
		return err
	}
	lh, err := ensureLighthouse()
	if err != nil {
		return err
	}
	// Both apps' app.wasm served with brotli, as CampusWeek's server does.
	if b, err := exec.Command(s.goCmd, "run", "./server/cmd/precompress", helloWasm).CombinedOutput(); err != nil {
		return fmt.Errorf("compressing the hello-world app.wasm: %v: %s", err, b)
	}
	helloURL, stopHello := serveHello(webDir, helloWasm)
	defer stopHello()
	bin, err := buildServer(s.goCmd)
	if err != nil {
		return fmt.Errorf("CampusWeek: %w", err)
	}
	defer os.Remove(bin)
	cwURL, stopCW, err := serveCampusWeek(bin, webDir)
	if err != nil {
		return fmt.Errorf("CampusWeek: %w", err)
	}
	defer stopCW()

	var helloRuns, cwRuns []lighthouseResult
	for i := range lighthouseRuns {
		// Alternate which side goes first, so that a slow stretch of a
		// shared machine hits both.
		sides := []struct {
			url string
			out *[]lighthouseResult
		}{{helloURL, &helloRuns}, {cwURL, &cwRuns}}
		if i%2 == 1 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, side := range sides {
			r, err := runLighthouse(lh, chrome, side.url)
			if err != nil {
				return err
			}
			*side.out = append(*side.out, r)
		}
	}
	h, c := medianResult(helloRuns), medianResult(cwRuns)

	sec := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	ms := func(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }
	fmt.Printf("   Lighthouse %s, mobile preset (simulated slow 4G, 4x CPU slowdown), first visit, medians of %d runs a side, alternating:\n",
		lighthouseVersion, lighthouseRuns)
	for _, side := range []struct {
		name string
		r    lighthouseResult
	}{{"hello world          ", h}, {"CampusWeek /, signed out", c}} {
		fmt.Printf("     %s performance %.2f, FCP %s, LCP %s, TBT %s, CLS %.3f, %.2f MB; accessibility %.2f, best practices %.2f, SEO %.2f\n",
			side.name, side.r.performance, sec(side.r.fcp), sec(side.r.lcp), ms(side.r.tbt), side.r.cls, side.r.bytes/1e6,
			side.r.accessibility, side.r.bestPractices, side.r.seo)
	}
	lcp, tbt := ratio(c.lcp, h.lcp), ratio(c.tbt, h.tbt)
	fmt.Printf("   CampusWeek / hello world: LCP %.2f (target <= %.1f), TBT %.2f (<= %.1f), performance %+.2f (>= -%.2f, and >= %.2f itself)\n",
		lcp, maxLCPRatio, tbt, maxTBTRatio, c.performance-h.performance, maxPerformanceBelow, minPerformance)

	var missed []string
	check := func(ok bool, what string) {
		if !ok {
			missed = append(missed, what)
		}
	}
	check(c.performance >= minPerformance, fmt.Sprintf("performance %.2f < %.2f", c.performance, minPerformance))
	check(c.performance >= h.performance-maxPerformanceBelow-1e-9, fmt.Sprintf("performance %.2f more than %.2f under the hello world's %.2f", c.performance, maxPerformanceBelow, h.performance))
	check(float64(c.lcp) <= maxLCPRatio*float64(h.lcp), fmt.Sprintf("LCP %.2fx the hello world's", lcp))
	check(float64(c.tbt) <= maxTBTRatio*float64(h.tbt), fmt.Sprintf("TBT %v, %.2fx the hello world's %v", c.tbt, tbt, h.tbt))
	check(c.accessibility == 1, fmt.Sprintf("accessibility %.2f", c.accessibility))
	check(c.bestPractices == 1, fmt.Sprintf("best practices %.2f", c.bestPractices))
	check(c.seo == 1, fmt.Sprintf("SEO %.2f", c.seo))
	if len(missed) > 0 {
		return fmt.Errorf("first visit: targets missed: %s", strings.Join(missed, "; "))
	}
	fmt.Println("   all first-visit targets met")
	return nil
}

// ensureChromium finds Debian's chromium, installing it with apt-get
// when it is missing and apt-get can.
func ensureChromium() (string, error) {
	if c := findChromium(); c != "" {
		return c, nil
	}
	if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
		return "", errNoBrowser
	}
	fmt.Println("   installing chromium (apt-get install chromium)")
	cmd := exec.Command("apt-get", "install", "-y", "--no-install-recommends", "chromium")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("apt-get install chromium: %w", err)
	}
	if c := findChromium(); c != "" {
		return c, nil
	}
	return "", errNoBrowser
}

// ensureLighthouse returns the lighthouse command of lighthouseVersion:
// one on PATH, or one installed with npm into the user's cache directory
// (installed there when missing).
func ensureLighthouse() (string, error) {
	if p, err := exec.LookPath("lighthouse"); err == nil {
		if v, err := exec.Command(p, "--version").Output(); err == nil && strings.TrimSpace(string(v)) == lighthouseVersion {
			return p, nil
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no directory to install Lighthouse in: %w", err)
	}
	dir := filepath.Join(cache, "campusweek-bench", "lighthouse-"+lighthouseVersion)
	bin := filepath.Join(dir, "node_modules", ".bin", "lighthouse")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", errors.New("measuring the first visit needs Node.js and npm for Lighthouse (apt-get install nodejs npm)")
	}
	fmt.Printf("   installing Lighthouse %s with npm into %s\n", lighthouseVersion, dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	cmd := exec.Command("npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "--save-exact", "lighthouse@"+lighthouseVersion)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm install lighthouse@%s: %w", lighthouseVersion, err)
	}
	return bin, nil
}

// runLighthouse runs Lighthouse once on url, in a Chromium of its own.
func runLighthouse(lh, chrome, url string) (lighthouseResult, error) {
	out, err := os.CreateTemp("", "campusweek-lighthouse-*.json")
	if err != nil {
		return lighthouseResult{}, err
	}
	out.Close()
	defer os.Remove(out.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, lh, url, "--quiet", "--output=json", "--output-path="+out.Name(),
		"--only-categories=performance,accessibility,best-practices,seo",
		"--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "+
			"--disable-background-networking --disable-component-update --disable-sync")
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
	if b, err := cmd.CombinedOutput(); err != nil {
		return lighthouseResult{}, fmt.Errorf("lighthouse %s: %v: %s", url, err, b)
	}
	b, err := os.ReadFile(out.Name())
	if err != nil {
		return lighthouseResult{}, err
	}
	return parseLighthouse(b)
}

// parseLighthouse reads a Lighthouse JSON report.
func parseLighthouse(b []byte) (lighthouseResult, error) {
	var rep struct {
		RuntimeError *struct{ Code, Message string } `json:"runtimeError"`
		Categories   map[string]struct {
			Score *float64 `json:"score"`
		} `json:"categories"`
		Audits map[string]struct {
			NumericValue *float64 `json:"numericValue"`
		} `json:"audits"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return lighthouseResult{}, fmt.Errorf("reading Lighthouse's report: %w", err)
	}
	if rep.RuntimeError != nil && rep.RuntimeError.Code != "" {
		return lighthouseResult{}, fmt.Errorf("lighthouse: %s: %s", rep.RuntimeError.Code, rep.RuntimeError.Message)
	}
	var missing []string
	score := func(id string) float64 {
		c, ok := rep.Categories[id]
		if !ok || c.Score == nil {
			missing = append(missing, id)
			return 0
		}
		return *c.Score
	}
	value := func(id string) float64 {
		a, ok := rep.Audits[id]
		if !ok || a.NumericValue == nil {
			missing = append(missing, id)
			return 0
		}
		return *a.NumericValue
	}
	msec := func(id string) time.Duration { return time.Duration(value(id) * float64(time.Millisecond)) }
	r := lighthouseResult{
		performance:   score("performance"),
		accessibility: score("accessibility"),
		bestPractices: score("best-practices"),
		seo:           score("seo"),
		fcp:           msec("first-contentful-paint"),
		lcp:           msec("largest-contentful-paint"),
		tbt:           msec("total-blocking-time"),
		cls:           value("cumulative-layout-shift"),
		bytes:         value("total-byte-weight"),
	}
	if len(missing) > 0 {
		return lighthouseResult{}, fmt.Errorf("the Lighthouse report has no %s", strings.Join(missing, ", "))
	}
	return r, nil
}

// medianResult is the median of each figure over runs.
func medianResult(runs []lighthouseResult) lighthouseResult {
	f := func(get func(lighthouseResult) float64) float64 {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = get(r)
		}
		return median(xs)
	}
	d := func(get func(lighthouseResult) time.Duration) time.Duration {
		xs := make([]time.Duration, len(runs))
		for i, r := range runs {
			xs[i] = get(r)
		}
		return median(xs)
	}
	return lighthouseResult{
		performance:   f(func(r lighthouseResult) float64 { return r.performance }),
		accessibility: f(func(r lighthouseResult) float64 { return r.accessibility }),
		bestPractices: f(func(r lighthouseResult) float64 { return r.bestPractices }),
		seo:           f(func(r lighthouseResult) float64 { return r.seo }),
		fcp:           d(func(r lighthouseResult) time.Duration { return r.fcp }),
		lcp:           d(func(r lighthouseResult) time.Duration { return r.lcp }),
		tbt:           d(func(r lighthouseResult) time.Duration { return r.tbt }),
		cls:           f(func(r lighthouseResult) float64 { return r.cls }),
		bytes:         f(func(r lighthouseResult) float64 { return r.bytes }),
	}
}

// serveHello serves the hello-world app as startHello does, its app.wasm
// with brotli when the browser accepts it.
func serveHello(webDir, helloWasm string) (string, func()) {
	root := filepath.Dir(filepath.Dir(helloWasm))
	for _, name := range helloIcons {
		if b, err := os.ReadFile(filepath.Join(webDir, "icons", name)); err == nil {
			os.MkdirAll(filepath.Join(root, "web", "icons"), 0o755)
			os.WriteFile(filepath.Join(root, "web", "icons", name), b, 0o644)
		}
	}
	hello.Route()
	st, _ := os.Stat(helloWasm)
	var size string
	if st != nil {
		size = fmt.Sprint(st.Size())
	}
	h := &app.Handler{
		Name:               "Hello",
		Description:        "Hello world.",
		Icon:               app.Icon{Default: "/web/icons/icon-192.png", Large: "/web/icons/icon-512.png", SVG: "/web/icons/icon.svg"},
		CacheableResources: []string{"/web/icons/icon.svg"},
		Resources:          brotliWebDir{webDirAt{root}},
		Version:            "bench",
		WasmContentLength:  size,
	}
	srv := httptest.NewServer(h)
	var once sync.Once
	return srv.URL + "/", func() { once.Do(srv.Close) }
}

// brotliWebDir serves a file's .br copy, when there is one and the
// browser accepts brotli.
type brotliWebDir struct{ webDirAt }

func (d brotliWebDir) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := filepath.Join(d.root, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
	if strings.Contains(r.Header.Get("Accept-Encoding"), "br") && strings.HasSuffix(name, ".wasm") {
		if f, err := os.Open(name + ".br"); err == nil {
			defer f.Close()
			w.Header().Set("Content-Encoding", "br")
			w.Header().Set("Content-Type", "application/wasm")
			w.Header().Set("Vary", "Accept-Encoding")
			st, _ := f.Stat()
			http.ServeContent(w, r, "", st.ModTime(), f)
			return
		}
	}
	d.webDirAt.ServeHTTP(w, r)
}

// serveCampusWeek runs the server binary in demo mode on a free port and
// returns the URL of its /.
func serveCampusWeek(bin, webDir string) (string, func(), error) {
	web, err := filepath.Abs(webDir)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-listen", addr, "-web", web)
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		})
	}
	url := "http://" + addr + "/"
	for i := 0; ; i++ {
		if resp, err := http.Get(url + "api/providers"); err == nil {
			resp.Body.Close()
			return url, stop, nil
		}
		if i > 100 {
			stop()
			return "", nil, errors.New("the server did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

package api_test

import (
	"bufio"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/metrics"
)

// BenchmarkLoad is the load test (make bench): many signed-in students
// reading their week at once through the backend, against the sandbox on
// loopback. It reports throughput, errors (which must be zero; rate-limited
// answers are counted apart) and the process's peak resident memory.
func BenchmarkLoad(b *testing.B) {
	const students = 200
	e := newEnv(b, envOptions{
		metrics:   metrics.New(),
		rateLimit: api.RateLimit{PerSecond: 1e6, Burst: 1e6}, // all from 127.0.0.1
		// Each student reads far more than a real one: the load test
		// measures serving, not the limiter.
		readRateLimit:       unlimited,
		clientReadRateLimit: unlimited,
		// A production server logs to stdout; keeping the logs in memory
		// would be measured as the server's memory and time.
		logger: slog.New(slog.DiscardHandler),
	})
	// One keep-alive connection per student, as each browser keeps its
	// own; Go's default pool keeps 2 idle connections per host.
	transport := &http.Transport{MaxIdleConns: students, MaxIdleConnsPerHost: students}
	defer transport.CloseIdleConnections()
	clients := make([]*http.Client, students)
	for i := range clients {
		e.client = newBrowser(b)
		e.client.Transport = transport
		e.signIn()
		clients[i] = e.client
	}
	var next, errs, limited atomic.Int64
	b.SetParallelism(max(1, students/runtime.GOMAXPROCS(0))) // one goroutine per student
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		c := clients[next.Add(1)%students]
		for pb.Next() {
			resp, err := c.Get(e.api.URL + "/api/timetable")
			if err != nil {
				errs.Add(1)
				continue
			}
			// A connection goes back to the pool only once its body is
			// read to the end; closing it unread opens a new one next time.
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch {
			case err != nil:
				errs.Add(1)
			case resp.StatusCode == http.StatusTooManyRequests:
				limited.Add(1)
			case resp.StatusCode != http.StatusOK:
				errs.Add(1)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(errs.Load()), "errors")
	b.ReportMetric(float64(limited.Load()), "rate-limited")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
	}
	if n := limited.Load(); n > 0 {
		b.Errorf("%d of %d requests were rate limited (429): the load test must not measure the limiter", n, b.N)
	}
	if errs.Load() > 0 {
		b.Fatalf("%d of %d requests failed", errs.Load(), b.N)
	}
}

// unlimited is a rate limit that never refuses.
var unlimited = api.RateLimit{PerSecond: math.Inf(1), Burst: 1}

// peakRSS reads the process's peak resident set size (Linux), in bytes.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

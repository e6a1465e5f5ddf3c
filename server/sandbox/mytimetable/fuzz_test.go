package mytimetable

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/sandboxtest"
)

// FuzzMyTimetableToken throws arbitrary bodies and Authorization headers at
// the token endpoint. It must never panic, answer only the statuses RFC
// 6749 allows (or 413 for a huge body), always with JSON that names an
// error or carries a token, and never with a cacheable reply. A valid code
// is offered to the fuzzer through the seed corpus ("CODE" is replaced).
func FuzzMyTimetableToken(f *testing.F) {
	for _, s := range []struct{ ctype, body, auth string }{
		{"application/x-www-form-urlencoded", "grant_type=authorization_code&code=CODE&redirect_uri=" + url.QueryEscape(mttCallback) + "&client_id=campusweek&client_secret=" + url.QueryEscape(mttClientSecret), ""},
		{"application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=x&client_id=campusweek&client_secret=" + url.QueryEscape(mttClientSecret), ""},
		{"application/x-www-form-urlencoded; charset=utf-8", "grant_type=authorization_code&code=CODE", "Basic Y2FtcHVzd2VlazpzM2NyM3QlMkIlMkYlM0QlMjYlMjU="},
		{"application/x-www-form-urlencoded", "grant_type=%zz&&&=&code", "Basic !!!"},
		{"application/json", `{"grant_type":"authorization_code"}`, "Bearer x"},
		{"", "", ""},
	} {
		f.Add(s.ctype, s.body, s.auth)
	}
	clock := sandboxtest.NewClock(time.Now())
	m := New(Config{
		Clients: map[string]Client{mttClientID: {Secret: mttClientSecret, RedirectURIs: []string{mttCallback}}},
		Now:     clock.Now,
	})
	var mu sync.Mutex
	f.Fuzz(func(t *testing.T, ctype, body, auth string) {
		if strings.Contains(body, "CODE") {
			mu.Lock()
			c, err := m.store.addCode(clock.Now(), mttConsent{client: mttClientID, givenURI: mttCallback, scopes: []string{"profile_read"}}, "123456")
			mu.Unlock()
			if err == nil {
				body = strings.ReplaceAll(body, "CODE", c)
			}
		}
		req := httptest.NewRequest("POST", "/oauth/token", strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		m.ServeHTTP(w, req)
		switch w.Code {
		case 200, 400, 401, 413, 503:
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		if w.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("Cache-Control %q", w.Header().Get("Cache-Control"))
		}
		var reply struct {
			Error       string `json:"error"`
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &reply); err != nil || (reply.Error == "") == (reply.AccessToken == "") {
			t.Fatalf("reply %d %s", w.Code, w.Body)
		}
		if w.Code == 200 && reply.AccessToken == "" || w.Code != 200 && reply.Error == "" {
			t.Fatalf("reply %d %s", w.Code, w.Body)
		}
	})
}

// FuzzMyTimetableDates checks parseMTTDate: no panics, epoch milliseconds
// and RFC 3339 read exactly, and errors that say something.
func FuzzMyTimetableDates(f *testing.F) {
	for _, s := range []string{"1791324000000", "2026-10-05T00:00:00+02:00", "2026-10-05T00:00:00Z",
		"2026-10-05T00:00:00.123456789-11:30", "2026-10-05", "today", "tomorrow", "2026-10-05T00:00:00 02:00",
		"2026-10-05T00:00:00", "9999999999999999", "", "-1", "2026-13-45", "0"} {
		f.Add(s)
	}
	now := amsterdamTime(2026, time.October, 14, 12, 0)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseMTTDate(s, now)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if ms, perr := strconv.ParseInt(s, 10, 64); perr == nil && !strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "+") {
			if got.UnixMilli() != ms {
				t.Fatalf("%q read as %d ms", s, got.UnixMilli())
			}
		}
		if want, perr := time.Parse(time.RFC3339Nano, s); perr == nil && !got.Equal(want) {
			t.Fatalf("%q read as %s, want %s", s, got, want)
		}
	})
}

// TestMyTimetableConcurrentSignIns runs sign-ins, calls and the test hooks
// at once; with -race it checks the store's locking.
func TestMyTimetableConcurrentSignIns(t *testing.T) {
	e := newMTTEnv(t, "", time.Now())
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 8 {
		wg.Go(func() {
			cfg := e.oauth("user_read", "profile_read")
			loc := e.consentNoFatal(cfg.AuthCodeURL("s" + strconv.Itoa(i)))
			if loc == nil {
				errs <- "consent failed"
				return
			}
			tok, err := cfg.Exchange(e.ctx(), loc.Query().Get("code"))
			if err != nil {
				errs <- err.Error()
				return
			}
			req, _ := http.NewRequest("GET", e.base+"/api/v0/timetable?startDate=today&endDate=tomorrow", nil)
			req.Header.Set("Accept", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				errs <- err.Error()
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 && resp.StatusCode != 401 { // 401: a hook expired it meanwhile
				errs <- "timetable status " + resp.Status
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			e.m.ExpireAccessTokens()
			e.m.RevokeRefreshTokens()
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

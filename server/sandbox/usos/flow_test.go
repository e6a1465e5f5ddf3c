package usos

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dghubble/oauth1"
)

// firstTeachingMonday finds a Monday of the semester around now on which
// the student has classes, so that tests do not depend on today's date
// (today may be in the Christmas break).
func firstTeachingMonday(t *testing.T, student string, now time.Time) time.Time {
	t.Helper()
	sem := semesterAround(now)
	for d := sem.start; d.Before(sem.end); d = d.AddDate(0, 0, 7) {
		if len(timetable(student, now, d, 7)) > 0 {
			return d
		}
	}
	t.Fatal("no teaching week in the semester")
	return time.Time{}
}

func TestOAuthDance(t *testing.T) {
	for _, prefix := range []string{"", "/sandbox/usos"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			e := newEnv(t, prefix)
			cfg := e.config("http://client.example/callback?keep=1", "studies")
			rt, rs, err := cfg.RequestToken()
			if err != nil {
				t.Fatalf("RequestToken: %v", err)
			}

			// The consent page names the institution, the application and
			// the scopes, and preselects the first student.
			authURL, _ := cfg.AuthorizationURL(rt)
			p := e.Get(authURL.String())
			for _, want := range []string{
				"Sandbox University", testKey, "your timetable", "your studies",
				`<select name="student"`, `<option value="123456" selected>`,
				`<button name="decision" value="allow" id="allow">Allow</button>`,
				`<button name="decision" value="deny" id="deny">Deny</button>`,
				`action="` + prefix + `/services/oauth/authorize"`,
			} {
				if !strings.Contains(p.Body, want) {
					t.Errorf("consent page lacks %q", want)
				}
			}
			if strings.Contains(p.Body, "<script") {
				t.Error("consent page has a script")
			}
			if p.Header.Get("X-Frame-Options") != "DENY" {
				t.Error("consent page may be framed")
			}

			reply := e.consent(cfg, rt, "allow", "234567")
			if reply.Status != http.StatusFound {
				t.Fatalf("consent: status %d: %s", reply.Status, reply.Body)
			}
			loc, _ := url.Parse(reply.Header.Get("Location"))
			q := loc.Query()
			if loc.Host != "client.example" || loc.Path != "/callback" || q.Get("keep") != "1" || q.Get("oauth_token") != rt {
				t.Errorf("callback redirect = %s", loc)
			}
			verifier := q.Get("oauth_verifier")
			if !regexp.MustCompile(`^[A-Za-z0-9_-]{20,}$`).MatchString(verifier) {
				t.Errorf("verifier %q is not >= 20 url-safe characters", verifier)
			}

			at, as, err := cfg.AccessToken(rt, rs, verifier)
			if err != nil {
				t.Fatalf("AccessToken: %v", err)
			}
			tok := oauth1.NewToken(at, as)

			monday := firstTeachingMonday(t, "234567", e.clock.Now())
			tt := e.call(cfg, tok, "tt/user", url.Values{
				"start":  {monday.Format(time.DateOnly)},
				"days":   {"7"},
				"fields": {"type|start_time|end_time|name|course_id|group_number|lecturer_ids|building_name|room_number"},
			})
			if tt.Status != http.StatusOK {
				t.Fatalf("tt/user: %d %s", tt.Status, tt.Body)
			}
			var acts []map[string]any
			if err := json.Unmarshal([]byte(tt.Body), &acts); err != nil || len(acts) == 0 {
				t.Fatalf("tt/user: %v, %s", err, tt.Body)
			}
			for _, a := range acts {
				if _, ok := a["start_time"].(string); !ok {
					t.Errorf("activity without start_time: %v", a)
				}
				if _, ok := a["url"]; ok {
					t.Errorf("activity has a field that was not asked for: %v", a)
				}
			}

			user := e.call(cfg, tok, "users/user", url.Values{"fields": {"id|first_name|middle_names|last_name"}})
			if want := `{"id":"234567","first_name":"Jan","middle_names":"Paweł","last_name":"Nowak"}`; user.Status != 200 || user.Body != want {
				t.Errorf("users/user = %d %s, want %s", user.Status, user.Body, want)
			}

			// POST with a form body works as well, and the body is signed.
			ctx := context.WithValue(context.Background(), oauth1.HTTPClient, e.srv.Client())
			resp, err := cfg.Client(ctx, tok).PostForm(e.base+"/services/users/user", url.Values{"fields": {"id|titles"}, "user_id": {"23456"}})
			if err != nil {
				t.Fatal(err)
			}
			var lecturer struct {
				ID     string
				Titles struct{ Before, After *string }
			}
			json.NewDecoder(resp.Body).Decode(&lecturer)
			resp.Body.Close()
			if resp.StatusCode != 200 || lecturer.ID != "23456" || lecturer.Titles.Before == nil || *lecturer.Titles.Before != "dr hab." {
				t.Errorf("POST users/user = %d %+v", resp.StatusCode, lecturer)
			}
		})
	}
}

func TestPINFlow(t *testing.T) {
	e := newEnv(t, "")
	cfg := e.config("oob", "studies|offline_access")
	rt, rs, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	p := e.consent(cfg, rt, "allow", "")
	if p.Status != http.StatusOK {
		t.Fatalf("oob consent: %d %s", p.Status, p.Body)
	}
	pin := verifierFrom(t, p)
	if len(pin) != 8 {
		t.Errorf("PIN %q is not 8 digits", pin)
	}
	at, as, err := cfg.AccessToken(rt, rs, pin)
	if err != nil {
		t.Fatal(err)
	}
	user := e.call(cfg, oauth1.NewToken(at, as), "users/user", nil)
	if want := `{"id":"123456","first_name":"Anna","last_name":"Kowalska"}`; user.Body != want {
		t.Errorf("users/user = %s, want %s", user.Body, want)
	}
}

func TestDeny(t *testing.T) {
	e := newEnv(t, "")
	t.Run("callback", func(t *testing.T) {
		cfg := e.config("https://client.example/cb", "")
		rt, rs, err := cfg.RequestToken()
		if err != nil {
			t.Fatal(err)
		}
		p := e.consent(cfg, rt, "deny", "")
		loc, _ := url.Parse(p.Header.Get("Location"))
		if p.Status != http.StatusFound || loc.Query().Get("error") != "access_denied" ||
			loc.Query().Get("oauth_token") != rt || loc.Query().Has("oauth_verifier") {
			t.Fatalf("deny: %d %s", p.Status, loc)
		}
		_, _, err = cfg.AccessToken(rt, rs, "anything")
		wantClientError(t, err, "401", "invalid_token")
	})
	t.Run("oob", func(t *testing.T) {
		cfg := e.config("oob", "")
		rt, _, err := cfg.RequestToken()
		if err != nil {
			t.Fatal(err)
		}
		p := e.consent(cfg, rt, "deny", "")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "You declined") {
			t.Fatalf("oob deny: %d %s", p.Status, p.Body)
		}
	})
}

func TestConsentFormChecks(t *testing.T) {
	e := newEnv(t, "")
	cfg := e.config("oob", "")
	rt, _, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	action := e.base + "/services/oauth/authorize"
	p := e.PostForm(action, url.Values{"oauth_token": {rt}, "csrf": {"forged"}, "decision": {"allow"}, "student": {"123456"}})
	if p.Status != http.StatusForbidden {
		t.Errorf("forged csrf: status %d", p.Status)
	}
	p = e.PostForm(action, url.Values{"oauth_token": {rt}, "csrf": {e.u.csrfFor(rt)}, "decision": {"allow"}, "student": {"12345"}})
	if p.Status != http.StatusBadRequest {
		t.Errorf("lecturer as student: status %d", p.Status)
	}
	p = e.Get(action + "?oauth_token=nope")
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Header.Get("Content-Type"), "text/html") {
		t.Errorf("unknown token page: status %d", p.Status)
	}
	// Answered once, it cannot be answered again.
	e.consent(cfg, rt, "allow", "")
	if p := e.Get(action + "?oauth_token=" + rt); p.Status != http.StatusBadRequest {
		t.Errorf("second visit: status %d", p.Status)
	}
}

func TestBadSignature(t *testing.T) {
	e := newEnv(t, "")
	cfg := e.config("oob", "")
	cfg.ConsumerSecret = "wrong"
	_, _, err := cfg.RequestToken()
	wantClientError(t, err, "401", "invalid_signature")

	cfg, tok := e.dance("", "")
	bad := oauth1.NewToken(tok.Token, "wrong-secret")
	wantError(t, e.call(cfg, bad, "users/user", nil), 401, "invalid_signature")

	cfg.ConsumerKey = "nobody"
	wantError(t, e.call(cfg, tok, "users/user", nil), 401, "invalid_consumer")

	// A token belongs to the consumer it was issued to.
	other := e.config("oob", "")
	other.ConsumerKey, other.ConsumerSecret = "other-app", "other-secret"
	wantError(t, e.call(other, tok, "users/user", nil), 401, "invalid_token")
}

// recorder remembers the last request's Authorization header.
type recorder struct {
	base http.RoundTripper
	auth string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.auth = req.Header.Get("Authorization")
	return r.base.RoundTrip(req)
}

type fixedNoncer string

func (n fixedNoncer) Nonce() string { return string(n) }

func TestReplayedNonce(t *testing.T) {
	e := newEnv(t, "")
	cfg, tok := e.dance("", "")
	cfg.Noncer = fixedNoncer("Zm9v+YmFy/cmVwbGF5=") // base64 like dghubble's
	rec := &recorder{base: e.srv.Client().Transport}
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: rec})
	target := e.base + "/services/users/user?fields=id"
	resp, err := cfg.Client(ctx, tok).Get(target)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("first call: %d", resp.StatusCode)
	}
	// The very same signed request again.
	req, _ := http.NewRequest("GET", target, nil)
	req.Header.Set("Authorization", rec.auth)
	wantError(t, e.Do(req), 401, "nonce_used")
}

func TestTimestampRefused(t *testing.T) {
	e := newEnv(t, "")
	cfg, tok := e.dance("offline_access", "")
	e.clock.Add(6 * time.Minute) // the client's clock is now 6 minutes slow
	wantError(t, e.call(cfg, tok, "users/user", nil), 401, "timestamp_refused")
	e.clock.Add(-12 * time.Minute)
	wantError(t, e.call(cfg, tok, "users/user", nil), 401, "timestamp_refused")
}

func TestExpiredRequestToken(t *testing.T) {
	e := newEnv(t, "")
	cfg := e.config("oob", "")
	rt, rs, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	pin := verifierFrom(t, e.consent(cfg, rt, "allow", ""))
	e.clock.Add(requestTokenTTL + time.Second)
	_, _, err = cfg.AccessToken(rt, rs, pin)
	wantClientError(t, err, "401", "invalid_token")

	// An expired token's consent page is an error page.
	_, _, err = cfg.RequestToken()
	if err == nil {
		// The client's timestamp is 30 minutes off now; the sandbox says so.
		t.Fatal("request token with a stale timestamp was accepted")
	}
	e.clock.Add(-(requestTokenTTL + time.Second))
	rt, _, err = cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(requestTokenTTL)
	if p := e.Get(e.base + "/services/oauth/authorize?oauth_token=" + rt); p.Status != http.StatusBadRequest {
		t.Errorf("expired token consent page: %d", p.Status)
	}
}

func TestWrongVerifierBurnsToken(t *testing.T) {
	e := newEnv(t, "")
	cfg := e.config("oob", "")
	rt, rs, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	pin := verifierFrom(t, e.consent(cfg, rt, "allow", ""))
	wrong := "00000000"
	if pin == wrong {
		wrong = "11111111"
	}
	_, _, err = cfg.AccessToken(rt, rs, wrong)
	wantClientError(t, err, "401", "invalid_verifier")
	_, _, err = cfg.AccessToken(rt, rs, pin)
	wantClientError(t, err, "401", "invalid_token")
}

func TestRequestTokenSingleUse(t *testing.T) {
	e := newEnv(t, "")
	cfg := e.config("https://client.example/cb", "")
	rt, rs, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	// Exchanging before the student answered fails but does not burn it.
	_, _, err = cfg.AccessToken(rt, rs, "early")
	wantClientError(t, err, "401", "invalid_token")
	verifier := verifierFrom(t, e.consent(cfg, rt, "allow", ""))
	if _, _, err := cfg.AccessToken(rt, rs, verifier); err != nil {
		t.Fatal(err)
	}
	_, _, err = cfg.AccessToken(rt, rs, verifier)
	wantClientError(t, err, "401", "invalid_token")
}

func TestAccessTokenLifetime(t *testing.T) {
	e := newEnv(t, "")
	cfg, short := e.dance("studies", "")
	_, long := e.dance("studies|offline_access", "")
	e.clock.Add(accessTokenTTL + time.Second)
	body, _ := os.ReadFile("testdata/error_401.json")
	if p := e.call(cfg, short, "users/user", nil); p.Status != 401 || p.Body != string(body) {
		t.Errorf("2-hour token after 2 hours: %d %s", p.Status, p.Body)
	}
	// The offline token is still valid: what fails now is only the
	// client's timestamp, which is 2 hours behind the moved clock.
	wantError(t, e.call(cfg, long, "users/user", nil), 401, "timestamp_refused")
}

func TestExpireAccessTokens(t *testing.T) {
	e := newEnv(t, "")
	cfg, tok := e.dance("offline_access", "")
	if p := e.call(cfg, tok, "users/user", nil); p.Status != 200 {
		t.Fatalf("before: %d %s", p.Status, p.Body)
	}
	e.u.ExpireAccessTokens()
	body, _ := os.ReadFile("testdata/error_401.json")
	p := e.call(cfg, tok, "users/user", nil)
	if p.Status != 401 || p.Body != string(body) {
		t.Errorf("after ExpireAccessTokens: %d %s, want %s", p.Status, p.Body, body)
	}
	if !strings.HasPrefix(p.Header.Get("WWW-Authenticate"), "OAuth") {
		t.Error("401 without WWW-Authenticate: OAuth")
	}
	// New tokens still work.
	cfg, tok = e.dance("", "")
	if p := e.call(cfg, tok, "users/user", nil); p.Status != 200 {
		t.Errorf("new token: %d %s", p.Status, p.Body)
	}
}

func TestRevoke(t *testing.T) {
	e := newEnv(t, "")
	cfg, tok := e.dance("", "")
	p := e.call(cfg, tok, "oauth/revoke_token", nil)
	if p.Status != 200 || p.Body != `{"success":true}` {
		t.Fatalf("revoke: %d %s", p.Status, p.Body)
	}
	wantError(t, e.call(cfg, tok, "users/user", nil), 401, "invalid_token")
}

func TestParamErrors(t *testing.T) {
	e := newEnv(t, "")
	cfg, tok := e.dance("", "")

	want, _ := os.ReadFile("testdata/error_days.json")
	for _, days := range []string{"8", "0", "-1", "x", "07", ""} {
		p := e.call(cfg, tok, "tt/user", url.Values{"days": {days}})
		if p.Status != 400 || p.Body != string(want) {
			t.Errorf("days=%q: %d %s, want 400 %s", days, p.Status, p.Body, want)
		}
	}
	p := e.call(cfg, tok, "tt/user", url.Values{"fields": {"start_time|colour"}})
	wantError(t, p, 400, "field_not_found")
	if !strings.Contains(p.Body, `"field_name": "colour"`) {
		t.Errorf("field_not_found without field_name: %s", p.Body)
	}
	wantError(t, e.call(cfg, tok, "users/user", url.Values{"fields": {"id|shoe_size"}}), 400, "field_not_found")
	wantError(t, e.call(cfg, tok, "tt/user", url.Values{"start": {"2026-02-30"}}), 400, "param_invalid")
	wantError(t, e.call(cfg, tok, "users/users", nil), 400, "param_missing")
	wantError(t, e.call(cfg, tok, "users/users", url.Values{"user_ids": {strings.Repeat("1|", 100) + "1"}}), 400, "param_invalid")
	wantError(t, e.call(cfg, tok, "tt/user", url.Values{"format": {"xml"}}), 400, "param_invalid")
	wantError(t, e.call(cfg, tok, "tt/users", nil), 404, "method_not_found")

	_, _, err := e.config("oob", "studies|flying").RequestToken()
	wantClientError(t, err, "400", "param_invalid")
	_, _, err = e.config("ftp://client.example/", "").RequestToken()
	wantClientError(t, err, "400", "param_invalid")
	_, _, err = e.config("", "").RequestToken() // dghubble sends oauth_callback=""
	wantClientError(t, err, "400", "param_invalid")
}

func TestUnsignedAndMalformed(t *testing.T) {
	e := newEnv(t, "")
	wantError(t, e.Get(e.base+"/services/tt/user"), 401, "unauthorized")
	wantError(t, e.Get(e.base+"/services/nope/nope"), 404, "method_not_found")
	wantError(t, e.Get(e.base+"/other"), 404, "not_found")

	req, _ := http.NewRequest("GET", e.base+"/services/users/user", nil)
	req.Header.Set("Authorization", `OAuth oauth_consumer_key="`+testKey+`", oauth_nonce=unquoted`)
	wantError(t, e.Do(req), 400, "param_invalid")

	req, _ = http.NewRequest("GET", e.base+"/services/users/user?oauth_consumer_key=x", nil)
	req.Header.Set("Authorization", `OAuth oauth_consumer_key="`+testKey+`"`)
	wantError(t, e.Do(req), 400, "param_invalid") // given twice

	req, _ = http.NewRequest("GET", e.base+"/services/users/user", nil)
	req.Header.Set("Authorization", `OAuth oauth_consumer_key="`+testKey+`", oauth_signature_method="PLAINTEXT", oauth_timestamp="1", oauth_nonce="n", oauth_signature="x"`)
	wantError(t, e.Do(req), 400, "param_invalid")

	req, _ = http.NewRequest("DELETE", e.base+"/services/users/user", nil)
	if p := e.Do(req); p.Status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", p.Status)
	}
}

func TestInstallation(t *testing.T) {
	e := newEnv(t, "/sandbox/usos")
	p := e.Get(e.base + "/services/apisrv/installation")
	var got struct {
		BaseURL         string `json:"base_url"`
		Version         string
		InstitutionName map[string]string `json:"institution_name"`
		ContactEmails   []string          `json:"contact_emails"`
	}
	if err := json.Unmarshal([]byte(p.Body), &got); err != nil || p.Status != 200 {
		t.Fatalf("%d %s", p.Status, p.Body)
	}
	if got.BaseURL != e.srv.URL+"/sandbox/usos/" || got.Version != "7.1.1.0-1" ||
		got.InstitutionName["en"] != "Sandbox University" || len(got.ContactEmails) == 0 {
		t.Errorf("installation = %+v", got)
	}
}

func TestUsersUsers(t *testing.T) {
	e := newEnv(t, "")
	cfg, tok := e.dance("", "")
	p := e.call(cfg, tok, "users/users", url.Values{"user_ids": {"12345|23456|999"}, "fields": {"id|first_name|last_name|titles"}})
	want := `{"12345":{"id":"12345","first_name":"Krzysztof","last_name":"Zieliński","titles":{"before":"prof. dr hab.","after":null}},` +
		`"23456":{"id":"23456","first_name":"Małgorzata","last_name":"Lewandowska","titles":{"before":"dr hab.","after":"prof. ucz."}},` +
		`"999":null}`
	if p.Status != 200 || p.Body != want {
		t.Errorf("users/users =\n%s\nwant\n%s", p.Body, want)
	}
	// Without the email scope the address is withheld.
	if p := e.call(cfg, tok, "users/user", url.Values{"fields": {"email"}}); p.Body != `{"email":null}` {
		t.Errorf("email without scope: %s", p.Body)
	}
	cfg, tok = e.dance("email", "")
	if p := e.call(cfg, tok, "users/user", url.Values{"fields": {"email"}}); !strings.Contains(p.Body, "@") {
		t.Errorf("email with scope: %s", p.Body)
	}
}

func TestApprovePIN(t *testing.T) {
	srv := httptest.NewServer(New(Config{Consumers: map[string]string{"k": "s"}}))
	defer srv.Close()
	cfg := oauth1.Config{ConsumerKey: "k", ConsumerSecret: "s", CallbackURL: "oob", Endpoint: oauth1.Endpoint{
		RequestTokenURL: srv.URL + "/services/oauth/request_token",
		AuthorizeURL:    srv.URL + "/services/oauth/authorize",
		AccessTokenURL:  srv.URL + "/services/oauth/access_token",
	}}
	tok, secret, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	u, _ := cfg.AuthorizationURL(tok)
	pin, err := ApprovePIN(nil, u.String(), "123456")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cfg.AccessToken(tok, secret, pin); err != nil {
		t.Fatalf("the PIN does not work: %v", err)
	}
	if _, err := ApprovePIN(nil, srv.URL+"/services/oauth/authorize?oauth_token=nope", "123456"); err == nil {
		t.Error("approved an unknown request token")
	}
}

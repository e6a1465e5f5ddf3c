package mytimetable

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// newPKCEEnv is a sandbox installation that enforces PKCE.
func newPKCEEnv(t *testing.T) *mttEnv {
	e := newMTTEnv(t, "", time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	e.m.pkce = true // as Config.RequirePKCE does
	return e
}

// An installation that enforces PKCE refuses an authorize request without
// an S256 code_challenge, and exchanges a code only with the verifier of
// its challenge: a code taken from one sign-in cannot be redeemed in
// another (code injection), nor without the verifier.
func TestPKCE(t *testing.T) {
	e := newPKCEEnv(t)
	cfg := e.oauth("user_read", "profile_read")

	// Authorize requests that do not do PKCE (S256) are sent back with
	// invalid_request, before the student is asked anything.
	verifier := oauth2.GenerateVerifier()
	for name, opts := range map[string][]oauth2.AuthCodeOption{
		"no challenge":     nil,
		"plain method":     {oauth2.SetAuthURLParam("code_challenge", verifier), oauth2.SetAuthURLParam("code_challenge_method", "plain")},
		"no method":        {oauth2.SetAuthURLParam("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))},
		"method alone":     {oauth2.SetAuthURLParam("code_challenge_method", "S256")},
		"short challenge":  {oauth2.SetAuthURLParam("code_challenge", "abc"), oauth2.SetAuthURLParam("code_challenge_method", "S256")},
		"padded challenge": {oauth2.SetAuthURLParam("code_challenge", oauth2.S256ChallengeFromVerifier(verifier)+"="), oauth2.SetAuthURLParam("code_challenge_method", "S256")},
	} {
		loc := e.redirected(e.Get(cfg.AuthCodeURL("st", opts...)))
		if q := loc.Query(); q.Get("error") != "invalid_request" || q.Get("state") != "st" || q.Get("code") != "" {
			t.Errorf("%s: redirected to %s, want error=invalid_request", name, loc)
		}
	}

	// code runs a sign-in's browser half with verifier's challenge.
	code := func(verifier string) string {
		return e.code(cfg, "st", oauth2.S256ChallengeOption(verifier))
	}
	other := oauth2.GenerateVerifier()
	for name, opts := range map[string][]oauth2.AuthCodeOption{
		"no verifier":                  nil,
		"another sign-in's verifier":   {oauth2.VerifierOption(other)},
		"the challenge as verifier":    {oauth2.VerifierOption(oauth2.S256ChallengeFromVerifier(verifier))},
		"a verifier too short":         {oauth2.VerifierOption(verifier[:42])},
		"the verifier with extra text": {oauth2.VerifierOption(verifier + "x")},
	} {
		c := code(verifier)
		_, err := cfg.Exchange(e.ctx(), c, opts...)
		if retrieveCode(err) != "invalid_grant" {
			t.Errorf("%s: %v, want invalid_grant", name, err)
		}
		// The failed attempt spent the code: not even the right verifier
		// redeems it now.
		if _, err := cfg.Exchange(e.ctx(), c, oauth2.VerifierOption(verifier)); retrieveCode(err) != "invalid_grant" {
			t.Errorf("%s, then the right verifier: %v, want invalid_grant", name, err)
		}
	}
	tok, err := cfg.Exchange(e.ctx(), code(verifier), oauth2.VerifierOption(verifier))
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("the right verifier: %v", err)
	}
	if p := e.call(tok.AccessToken, "user", nil); p.Status != http.StatusOK {
		t.Errorf("the token of a PKCE sign-in: %d %s", p.Status, p.Body)
	}
}

// Without enforcement, PKCE is optional, but a code issued with a
// challenge still needs its verifier, and a verifier needs a challenge.
func TestPKCEOptional(t *testing.T) {
	e := newMTTEnv(t, "", time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	cfg := e.oauth("profile_read")
	if _, err := cfg.Exchange(e.ctx(), e.code(cfg, "st")); err != nil {
		t.Fatalf("a sign-in without PKCE: %v", err)
	}
	v := oauth2.GenerateVerifier()
	if _, err := cfg.Exchange(e.ctx(), e.code(cfg, "st", oauth2.S256ChallengeOption(v))); retrieveCode(err) != "invalid_grant" {
		t.Errorf("a challenged code without its verifier: %v, want invalid_grant", err)
	}
	if _, err := cfg.Exchange(e.ctx(), e.code(cfg, "st"), oauth2.VerifierOption(v)); retrieveCode(err) != "invalid_grant" {
		t.Errorf("a verifier for a code without a challenge: %v, want invalid_grant", err)
	}
	if _, err := cfg.Exchange(e.ctx(), e.code(cfg, "st", oauth2.S256ChallengeOption(v)), oauth2.VerifierOption(v)); err != nil {
		t.Errorf("a sign-in with PKCE: %v", err)
	}
	if u := cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(v)); strings.Contains(u, url.QueryEscape(v)) || strings.Contains(u, v) {
		t.Error("the authorize URL carries the verifier")
	}
}

package mytimetable

import (
	"crypto/subtle"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// Lifetimes and bounds of the MyTimetable sandbox. When a table is full
// after pruning, new entries are refused (503) rather than evicting live
// ones.
const (
	pruneEvery    = time.Minute         // how often expired entries are dropped
	mttConsentTTL = 10 * time.Minute    // an unanswered consent page
	mttCodeTTL    = 5 * time.Minute     // an unused authorization code
	mttSpentTTL   = time.Hour           // how long a used code is remembered, to catch replays
	mttRefreshTTL = 30 * 24 * time.Hour // Spring Security's default
	mttMaxEntries = 10_000              // per table
)

var (
	errStoreFull       = errors.New("table full")
	errUnknownToken    = errors.New("unknown token or code")
	errTokenExpiredNow = errors.New("token or code expired")
	errCodeReplayed    = errors.New("authorization code used twice")
	errGrantMismatch   = errors.New("grant issued to another client or redirect URI")
	errScopeWidened    = errors.New("refresh asks for scopes the grant does not have")
	errPKCE            = errors.New("code_verifier does not match the code_challenge")
)

// mttConsent is an authorize request waiting for the student's decision.
// Keeping it server-side means the form cannot tamper with the redirect
// URI, scopes or state; the page carries only its random id.
type mttConsent struct {
	client      string
	redirectURI string // where to send the browser (the registered one if none was given)
	givenURI    string // the redirect_uri parameter as given, "" if absent
	scopes      []string
	state       string
	hasState    bool
	challenge   string // the PKCE code_challenge (S256), "" without PKCE
	expires     time.Time
}

// mttCode is an authorization code. After use it is kept (spent) until
// forget, so that a replay can be recognised and its tokens revoked.
type mttCode struct {
	client    string
	givenURI  string
	user      string
	scopes    []string
	challenge string // PKCE, from the consent
	expires   time.Time
	spent     bool
	grant     string // set on a successful exchange
	forget    time.Time
}

// mttToken is an access or refresh token. grant ties together the tokens
// that descend from one authorization code, so they can be revoked as one.
type mttToken struct {
	grant   string
	client  string
	user    string
	scopes  []string
	expires time.Time
}

// mttStore holds the installation's state behind one mutex. Methods return
// copies so that callers never touch shared state unlocked.
type mttStore struct {
	mu        sync.Mutex
	consents  map[string]*mttConsent
	codes     map[string]*mttCode
	access    map[string]*mttToken
	refresh   map[string]*mttToken
	lastPrune time.Time
}

func newMTTStore() *mttStore {
	return &mttStore{
		consents: map[string]*mttConsent{},
		codes:    map[string]*mttCode{},
		access:   map[string]*mttToken{},
		refresh:  map[string]*mttToken{},
	}
}

// pruneLocked drops what can no longer be used. It costs a pass over every
// table, so it runs at most once a minute, or once a second while a table
// is full (otherwise a full table would make every request pay for a pass
// that frees nothing).
func (s *mttStore) pruneLocked(now time.Time, full bool) {
	since := now.Sub(s.lastPrune)
	if since >= 0 && (since < time.Second || since < pruneEvery && !full) {
		return
	}
	s.lastPrune = now
	for k, c := range s.consents {
		if !now.Before(c.expires) {
			delete(s.consents, k)
		}
	}
	for k, c := range s.codes {
		if !c.spent && !now.Before(c.expires) || c.spent && !now.Before(c.forget) {
			delete(s.codes, k)
		}
	}
	for _, table := range []map[string]*mttToken{s.access, s.refresh} {
		for k, t := range table {
			if !now.Before(t.expires) {
				delete(table, k)
			}
		}
	}
}

// room prunes if needed and reports whether the table whose size is given
// has space for one more entry.
func (s *mttStore) room(now time.Time, size func() int) bool {
	s.pruneLocked(now, size() >= mttMaxEntries)
	return size() < mttMaxEntries
}

// addConsent stores a pending authorize request under a new random id.
func (s *mttStore) addConsent(now time.Time, c mttConsent) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.room(now, func() int { return len(s.consents) }) {
		return "", errStoreFull
	}
	id := web.RandomString(32)
	c.expires = now.Add(mttConsentTTL)
	s.consents[id] = &c
	return id, nil
}

// takeConsent removes and returns a live pending request: a consent page
// can be answered only once.
func (s *mttStore) takeConsent(now time.Time, id string) (mttConsent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.consents[id]
	if !ok {
		return mttConsent{}, errUnknownToken
	}
	delete(s.consents, id)
	if !now.Before(c.expires) {
		return mttConsent{}, errTokenExpiredNow
	}
	return *c, nil
}

// addCode issues an authorization code for an allowed consent.
func (s *mttStore) addCode(now time.Time, c mttConsent, user string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.room(now, func() int { return len(s.codes) }) {
		return "", errStoreFull
	}
	code := web.RandomString(32)
	s.codes[code] = &mttCode{client: c.client, givenURI: c.givenURI, user: user, scopes: c.scopes,
		challenge: c.challenge, expires: now.Add(mttCodeTTL), forget: now.Add(mttSpentTTL)}
	return code, nil
}

// issued is what a successful grant returns.
type issued struct {
	access, refresh string // refresh "" when none was issued
	token           mttToken
}

// redeem exchanges a code for tokens (RFC 6749 4.1.3), with verifier the
// PKCE code_verifier ("" when none was sent). Any attempt spends the code;
// a second attempt after a successful one revokes what the first got (RFC
// 6749 4.1.2) and reports errCodeReplayed.
func (s *mttStore) redeem(now time.Time, code, client, givenURI, verifier string, accessTTL time.Duration, withRefresh bool) (issued, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	switch {
	case !ok:
		return issued{}, errUnknownToken
	case c.spent:
		if c.grant != "" {
			s.revokeGrantLocked(c.grant)
			c.grant = ""
		}
		return issued{}, errCodeReplayed
	case !now.Before(c.expires):
		delete(s.codes, code)
		return issued{}, errTokenExpiredNow
	}
	if subtle.ConstantTimeCompare([]byte(c.client), []byte(client)) != 1 || c.givenURI != givenURI {
		c.spent = true
		return issued{}, errGrantMismatch
	}
	if !pkceVerified(c.challenge, verifier) {
		c.spent = true
		return issued{}, errPKCE
	}
	// A full table is the sandbox's problem, not the client's: the code
	// stays usable for a retry.
	if !s.room(now, func() int { return max(len(s.access), len(s.refresh)) }) {
		return issued{}, errStoreFull
	}
	c.spent, c.grant = true, web.RandomString(16)
	t := mttToken{grant: c.grant, client: c.client, user: c.user, scopes: c.scopes}
	return s.issueLocked(now, t, accessTTL, withRefresh), nil
}

// issueLocked stores a new access token (and refresh token) for t.
func (s *mttStore) issueLocked(now time.Time, t mttToken, accessTTL time.Duration, withRefresh bool) issued {
	out := issued{access: web.RandomString(40), token: t}
	a := t
	a.expires = now.Add(accessTTL)
	s.access[out.access] = &a
	out.token.expires = a.expires
	if withRefresh {
		out.refresh = web.RandomString(40)
		r := t
		r.expires = now.Add(mttRefreshTTL)
		s.refresh[out.refresh] = &r
	}
	return out
}

// useRefresh issues a new access token for a refresh token (RFC 6749 6).
// The refresh token stays valid (Spring's reuseRefreshToken default) and
// the grant's earlier access tokens are revoked. scopes, when not nil, must
// be a subset of the original ones.
func (s *mttStore) useRefresh(now time.Time, refresh, client string, scopes []string, accessTTL time.Duration) (issued, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refresh[refresh]
	if !ok {
		return issued{}, errUnknownToken
	}
	if !now.Before(r.expires) {
		delete(s.refresh, refresh)
		return issued{}, errTokenExpiredNow
	}
	if subtle.ConstantTimeCompare([]byte(r.client), []byte(client)) != 1 {
		return issued{}, errGrantMismatch
	}
	for _, sc := range scopes {
		if !slices.Contains(r.scopes, sc) {
			return issued{}, errScopeWidened
		}
	}
	if !s.room(now, func() int { return len(s.access) }) {
		return issued{}, errStoreFull
	}
	for k, a := range s.access {
		if a.grant == r.grant {
			delete(s.access, k)
		}
	}
	t := *r
	if scopes != nil {
		t.scopes = scopes
	}
	out := s.issueLocked(now, t, accessTTL, false)
	out.refresh = refresh
	return out, nil
}

// accessToken returns a copy of a live access token.
func (s *mttStore) accessToken(now time.Time, token string) (mttToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.access[token]
	if !ok {
		return mttToken{}, errUnknownToken
	}
	if !now.Before(t.expires) {
		delete(s.access, token)
		return mttToken{}, errTokenExpiredNow
	}
	return *t, nil
}

// revokeGrantLocked deletes every token descending from one code.
func (s *mttStore) revokeGrantLocked(grant string) {
	for _, table := range []map[string]*mttToken{s.access, s.refresh} {
		for k, t := range table {
			if t.grant == grant {
				delete(table, k)
			}
		}
	}
}

func (s *mttStore) expireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.access)
}

func (s *mttStore) revokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.refresh)
}

package usos

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"math/big"
	"strconv"
	"sync"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// Lifetimes and bounds. The lifetimes are those of real installations, as
// the public USOS API documentation
// (https://usosapps.uw.edu.pl/developers/api/) states them: about 30
// minutes for a request token, 2 hours for an access token unless
// offline_access was granted. The bounds keep a sandbox that is reachable
// in demo mode from growing without limit. When a table is full after
// pruning, new tokens are refused (503) instead of evicting live ones.
const (
	requestTokenTTL = 30 * time.Minute
	accessTokenTTL  = 2 * time.Hour
	timestampWindow = 5 * time.Minute
	pruneEvery      = time.Minute

	maxRequestTokens = 10_000
	maxAccessTokens  = 10_000
	maxNonces        = 200_000
)

var (
	errStoreFull       = errors.New("token table full")
	errUnknownToken    = errors.New("unknown token")
	errNotAuthorized   = errors.New("request token not authorized yet")
	errWrongVerifier   = errors.New("wrong verifier")
	errAlreadyDecided  = errors.New("request token already answered")
	errTokenExpiredNow = errors.New("token expired")
)

// requestToken is a temporary credential (RFC 5849 2.1).
type requestToken struct {
	secret   string
	consumer string
	callback string // "oob" or an absolute URL
	scopes   []string
	expires  time.Time
	// Set when the student allows access on the consent page.
	authorized bool
	userID     string
	verifier   string
}

// accessToken is a token credential (RFC 5849 2.3).
type accessToken struct {
	secret   string
	consumer string
	userID   string
	scopes   []string
	expires  time.Time // zero: never (offline_access)
}

func (t *accessToken) expired(now time.Time) bool {
	return !t.expires.IsZero() && !now.Before(t.expires)
}

// nonceKey identifies a used nonce. RFC 5849 3.3 makes a nonce unique per
// consumer, token and timestamp; the key is a hash of the four so that
// every entry has the same small size whatever the caller sent.
type nonceKey [sha256.Size]byte

func makeNonceKey(consumer, token string, timestamp int64, nonce string) nonceKey {
	h := sha256.New()
	for _, s := range []string{consumer, token, strconv.FormatInt(timestamp, 10), nonce} {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	var k nonceKey
	h.Sum(k[:0])
	return k
}

// store holds every token and used nonce, in memory, behind one mutex.
// Methods return copies so that callers never touch shared state unlocked.
type store struct {
	mu        sync.Mutex
	request   map[string]*requestToken
	access    map[string]*accessToken
	nonces    map[nonceKey]time.Time // when the nonce may be forgotten
	lastPrune time.Time
}

func newStore() *store {
	return &store{
		request: map[string]*requestToken{},
		access:  map[string]*accessToken{},
		nonces:  map[nonceKey]time.Time{},
	}
}

// pruneLocked drops what can no longer be used: expired tokens and nonces
// whose timestamp has left the acceptance window. It costs a pass over
// every table, so it runs at most once a minute, or once a second while a
// table is full (otherwise a full table would make every request pay for a
// pass that frees nothing).
func (s *store) pruneLocked(now time.Time, full bool) {
	since := now.Sub(s.lastPrune)
	if since >= 0 && (since < time.Second || since < pruneEvery && !full) {
		return
	}
	s.lastPrune = now
	for k, t := range s.request {
		if !now.Before(t.expires) {
			delete(s.request, k)
		}
	}
	for k, t := range s.access {
		if t.expired(now) {
			delete(s.access, k)
		}
	}
	for k, until := range s.nonces {
		if !now.Before(until) {
			delete(s.nonces, k)
		}
	}
}

// addRequestToken stores t under a new random token and returns it with
// t.secret filled in.
func (s *store) addRequestToken(now time.Time, t requestToken) (token string, secret string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(now, len(s.request) >= maxRequestTokens)
	if len(s.request) >= maxRequestTokens {
		return "", "", errStoreFull
	}
	token, secret = web.RandomString(20), web.RandomString(40)
	t.secret = secret
	t.expires = now.Add(requestTokenTTL)
	s.request[token] = &t
	return token, secret, nil
}

// requestToken returns a copy of a live request token. An expired one is
// deleted and reported as errTokenExpiredNow.
func (s *store) requestToken(now time.Time, token string) (requestToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.request[token]
	if !ok {
		return requestToken{}, errUnknownToken
	}
	if !now.Before(t.expires) {
		delete(s.request, token)
		return requestToken{}, errTokenExpiredNow
	}
	return *t, nil
}

// authorize records the student's consent and returns the new verifier:
// an 8-digit PIN for oob (it is typed by hand), a 24-character random
// string otherwise.
func (s *store) authorize(now time.Time, token, userID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.request[token]
	if !ok || !now.Before(t.expires) {
		return "", errUnknownToken
	}
	if t.authorized {
		return "", errAlreadyDecided
	}
	t.authorized, t.userID = true, userID
	if t.callback == "oob" {
		t.verifier = randomPIN()
	} else {
		t.verifier = web.RandomString(24)
	}
	return t.verifier, nil
}

// deny forgets a request token the student declined: it can never be
// exchanged.
func (s *store) deny(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.request, token)
}

// exchange trades an authorized request token and its verifier for an
// access token (RFC 5849 2.3). The caller has already checked the
// signature, so only the legitimate client can get here.
//
// Single use: the request token is deleted after a successful exchange AND
// after a wrong verifier. Burning it on a wrong verifier stops online
// guessing of the 8-digit PIN; the client must restart the flow. A token
// the student has not answered yet is kept (errNotAuthorized), because
// that is a timing mistake, not an attack.
func (s *store) exchange(now time.Time, token, verifier string) (string, accessToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.request[token]
	if !ok {
		return "", accessToken{}, errUnknownToken
	}
	if !now.Before(t.expires) {
		delete(s.request, token)
		return "", accessToken{}, errTokenExpiredNow
	}
	if !t.authorized {
		return "", accessToken{}, errNotAuthorized
	}
	delete(s.request, token)
	if subtle.ConstantTimeCompare([]byte(t.verifier), []byte(verifier)) != 1 {
		return "", accessToken{}, errWrongVerifier
	}
	s.pruneLocked(now, len(s.access) >= maxAccessTokens)
	if len(s.access) >= maxAccessTokens {
		return "", accessToken{}, errStoreFull
	}
	a := accessToken{
		secret:   web.RandomString(40),
		consumer: t.consumer,
		userID:   t.userID,
		scopes:   t.scopes,
	}
	if !hasScope(t.scopes, "offline_access") {
		a.expires = now.Add(accessTokenTTL)
	}
	tok := web.RandomString(20)
	s.access[tok] = &a
	return tok, a, nil
}

// accessToken returns a copy of an access token. Expired tokens are
// deleted and reported as errTokenExpiredNow.
func (s *store) accessToken(now time.Time, token string) (accessToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.access[token]
	if !ok {
		return accessToken{}, errUnknownToken
	}
	if t.expired(now) {
		delete(s.access, token)
		return accessToken{}, errTokenExpiredNow
	}
	return *t, nil
}

// revoke deletes an access token.
func (s *store) revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.access, token)
}

// expireAccessTokens forgets every access token issued so far.
func (s *store) expireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.access)
}

// useNonce records a nonce and reports whether it was fresh. It is kept
// until its timestamp leaves the acceptance window: after that the
// timestamp check alone refuses a replay.
func (s *store) useNonce(now time.Time, k nonceKey, timestamp int64) (fresh bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, used := s.nonces[k]; used {
		return false, nil
	}
	s.pruneLocked(now, len(s.nonces) >= maxNonces)
	if len(s.nonces) >= maxNonces {
		return false, errStoreFull
	}
	s.nonces[k] = time.Unix(timestamp, 0).Add(timestampWindow + time.Second)
	return true, nil
}

// randomPIN returns a uniformly random 8-digit verifier for the oob flow.
func randomPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(100_000_000))
	s := n.String()
	for len(s) < 8 {
		s = "0" + s
	}
	return s
}

func hasScope(scopes []string, s string) bool {
	for _, x := range scopes {
		if x == s {
			return true
		}
	}
	return false
}

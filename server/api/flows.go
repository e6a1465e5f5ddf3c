package api

import (
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// Sign-ins in progress. A browser may have several at once (two tabs, or
// a sign-in beside a calendar approval): the flow cookie holds the latest
// few, each with its own expiry, and a completion finds the one its
// callback belongs to. Each flow reaches the university at most once:
// the server remembers, for their lifetime, the flows that did.

const (
	// flowTTL matches the lifetime of a USOS request token.
	flowTTL = 30 * time.Minute
	// maxFlows bounds the sign-ins in progress one browser keeps.
	maxFlows = 4
	// maxFlowCookieLen bounds the flow cookie's value, well under the
	// 4096 bytes browsers keep of a cookie's name and value: when the
	// flows do not fit (long return_to paths), the oldest are dropped.
	maxFlowCookieLen = 3500
)

// flowJar is what the flow cookie holds: this browser's sign-ins in
// progress, oldest first.
type flowJar struct {
	Flows []flowState `json:"fs"`
}

// expiry is when f ends.
func (f flowState) expiry() time.Time { return time.Unix(f.Expires, 0) }

// readFlows opens the flow cookie and returns its flows that have not
// expired, oldest first. Any failure means the student must start again.
func (s *Server) readFlows(r *http.Request) ([]flowState, *apiError) {
	c, err := r.Cookie(s.cookies.flow)
	if err != nil || c.Value == "" {
		return nil, errNoFlow
	}
	var raw json.RawMessage
	expiry, err := s.sealer().OpenExpiry(s.cookies.flow, c.Value, &raw)
	if err != nil {
		return nil, errFlowExpired
	}
	var jar flowJar
	if err := json.Unmarshal(raw, &jar); err != nil || jar.Flows == nil {
		// A cookie of one flow, as servers before several flows per
		// browser wrote it: that flow ends with the cookie.
		var f flowState
		if err := json.Unmarshal(raw, &f); err != nil || f.Provider == "" {
			return nil, errFlowExpired
		}
		f.Expires = expiry.Unix()
		jar.Flows = []flowState{f}
	}
	now := s.now()
	return slices.DeleteFunc(jar.Flows, func(f flowState) bool { return !now.Before(f.expiry()) }), nil
}

// writeFlows sets the flow cookie to the latest maxFlows of flows that
// have neither expired nor been spent, or clears it when none is left. So
// that the cookie fits in maxFlowCookieLen, older flows give up their
// return_to first (they finish on the home page), then, should that not
// be enough, the oldest flows go; the latest is always kept whole.
func (s *Server) writeFlows(w http.ResponseWriter, flows []flowState) error {
	now := s.now()
	flows = slices.DeleteFunc(slices.Clone(flows), func(f flowState) bool {
		return !now.Before(f.expiry()) || s.spent.has(f.key(), now)
	})
	flows = flows[max(0, len(flows)-maxFlows):]
	if len(flows) == 0 {
		s.clearCookie(w, s.cookies.flow)
		return nil
	}
	expiry := slices.MaxFunc(flows, func(a, b flowState) int { return cmp.Compare(a.Expires, b.Expires) }).expiry()
	for {
		v, err := s.sealer().Seal(s.cookies.flow, flowJar{Flows: flows}, expiry)
		if err != nil {
			return internalError(fmt.Errorf("sealing the flow cookie: %w", err))
		}
		if len(v) <= maxFlowCookieLen || len(flows) == 1 {
			s.setCookie(w, s.cookies.flow, v, expiry)
			return nil
		}
		older := flows[:len(flows)-1]
		if i := slices.IndexFunc(older, func(f flowState) bool { return f.ReturnTo != "/" }); i >= 0 {
			older[i].ReturnTo = "/"
		} else {
			flows = flows[1:]
		}
	}
}

// key names f in the memory of spent flows: a hash of the university and
// the flow's token (the OAuth 1.0a request token, or the OAuth 2 state),
// which are the flow's own.
func (f flowState) key() string { return identityKey("flow", f.Provider, f.Flow.Token) }

// flowParams are the callback parameters that name a flow: the request
// token of OAuth 1.0a (RFC 5849 section 6.2.3) and the state of OAuth 2
// (RFC 6749 section 4.1.2).
var flowParams = []string{"oauth_token", "state"}

// findFlow returns the index in flows (oldest first) of the unspent flow
// at university id that a completion belongs to, or -1. A callback names
// its flow by its token or state. Without one (PIN mode, where the student
// types a code instead) it is the latest PIN flow at that university.
func (s *Server) findFlow(flows []flowState, id string, params map[string]string) int {
	now := s.now()
	var tokens [][]byte
	for _, name := range flowParams {
		if v := params[name]; v != "" {
			tokens = append(tokens, []byte(v))
		}
	}
	for i, f := range slices.Backward(flows) {
		if f.Provider != id || s.spent.has(f.key(), now) {
			continue
		}
		if len(tokens) == 0 {
			if f.Mode == shared.ModePIN {
				return i
			}
			continue
		}
		for _, t := range tokens {
			if subtle.ConstantTimeCompare(t, []byte(f.Flow.Token)) == 1 {
				return i
			}
		}
	}
	return -1
}

// spentFlows remembers, by their keys, the flows that went to the
// university, until they expire, so that each flow gets one attempt there
// however often its cookie is replayed. Only a completion charged to its
// university's sign-in limit adds one, so a table sized for what those
// limits let through in a flow's lifetime forgets none early; past that,
// the oldest are forgotten first.
type spentFlows struct {
	mu    sync.Mutex
	max   int
	until map[string]time.Time
	order []string // keys, oldest first
}

func newSpentFlows(max int) *spentFlows {
	return &spentFlows{max: max, until: map[string]time.Time{}}
}

// spentFlowsSize is how many flows universities, each limited to rl, can
// spend in a flow's lifetime, within sane bounds.
func spentFlowsSize(rl RateLimit, universities int) int {
	if rl.PerSecond <= 0 || rl.Burst <= 0 {
		rl = DefaultUniversitySignInRateLimit
	}
	per := min(float64(rl.Burst)+rl.PerSecond*flowTTL.Seconds(), 1<<20)
	return int(min(math.Max(per, 1)*float64(max(1, universities)), 1<<22))
}

// has reports whether key was spent and has not expired.
func (sp *spentFlows) has(key string, now time.Time) bool {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	until, ok := sp.until[key]
	return ok && now.Before(until)
}

// spend marks key spent until expiry, and reports whether it was not
// spent already: of concurrent attempts with one flow, one wins.
func (sp *spentFlows) spend(key string, expiry, now time.Time) bool {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if until, ok := sp.until[key]; ok && now.Before(until) {
		return false
	}
	sp.forget(now)
	if _, ok := sp.until[key]; !ok {
		sp.order = append(sp.order, key)
	}
	sp.until[key] = expiry
	return true
}

// forget drops the expired flows at the front of the table and, while it
// is full, the oldest ones.
func (sp *spentFlows) forget(now time.Time) {
	n := 0
	for ; n < len(sp.order); n++ {
		k := sp.order[n]
		if now.Before(sp.until[k]) && len(sp.until) < sp.max {
			break
		}
		delete(sp.until, k)
	}
	sp.order = sp.order[n:]
	if cap(sp.order) > 2*len(sp.order)+1024 {
		sp.order = slices.Clone(sp.order)
	}
}

// spendFlow is the last step before a completion calls the university: it
// charges the university's sign-in limit, then marks the flow spent.
func (s *Server) spendFlow(w http.ResponseWriter, p provider.Provider, f flowState) error {
	if err := s.chargeUniversity(w, p, "complete"); err != nil {
		return err
	}
	if !s.spent.spend(f.key(), f.expiry(), s.now()) {
		return errFlowExpired // another request with this flow got there first
	}
	return nil
}

package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// startFlow does to a browser's flow cookie what a start does: it adds f
// to the flows the request carries and returns the new cookie.
func startFlow(t *testing.T, s *Server, cookie *http.Cookie, f flowState) *http.Cookie {
	t.Helper()
	r := httptest.NewRequest("POST", "/api/auth/x/start", nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	flows, _ := s.readFlows(r)
	f.Expires = s.now().Add(flowTTL).Unix()
	rec := httptest.NewRecorder()
	if err := s.writeFlows(rec, append(flows, f)); err != nil {
		t.Fatal(err)
	}
	cs := rec.Result().Cookies()
	if len(cs) != 1 || cs[0].Name != s.cookies.flow {
		t.Fatalf("cookies %v", cs)
	}
	return cs[0]
}

func flowsOf(t *testing.T, s *Server, cookie *http.Cookie) []flowState {
	t.Helper()
	r := httptest.NewRequest("POST", "/api/auth/x/complete", nil)
	r.AddCookie(cookie)
	flows, err := s.readFlows(r)
	if err != nil {
		t.Fatal(err)
	}
	return flows
}

// The flow cookie stays well under the 4096 bytes browsers keep, whatever
// is started: the worst case is the longest return_to in every flow, with
// long tokens and feed owners, USOS and MyTimetable flows mixed. It keeps
// the latest 4 flows; when their return_to paths are too long for all to
// fit, older flows return to the home page, the latest where it asked.
func TestFlowCookieSize(t *testing.T) {
	s := newTestServer(t, "https://timetable.students.example-university.edu")
	callback := func(id string) string { return s.publicOrigin() + shared.CallbackPath(id) }
	usos := func(i int, returnTo string) flowState {
		return flowState{Provider: "university-of-somewhere-usos", Mode: shared.ModeRedirect, ReturnTo: returnTo,
			Purpose: shared.PurposeFeed, Owner: "1234567890",
			Flow: provider.Flow{Token: fmt.Sprintf("%020d", i), Secret: strings.Repeat("s", 40), Callback: callback("university-of-somewhere-usos")}}
	}
	mtt := func(i int, returnTo string) flowState {
		return flowState{Provider: "hogeschool-somewhere-mytimetable", Mode: shared.ModeRedirect, ReturnTo: returnTo,
			Purpose: shared.PurposeFeed, Owner: "student-1234567890@hogeschool.example.nl",
			Flow: provider.Flow{Token: fmt.Sprintf("%043d", i), Callback: callback("hogeschool-somewhere-mytimetable")}}
	}
	long := "/?" + strings.Repeat("w", shared.MaxReturnToLen-2)
	for _, tc := range []struct {
		name     string
		returnTo string
		kept     int // how many older flows keep their return_to
	}{
		{"short return_to", "/?week=2026-11-23", maxFlows - 1},
		{"longest return_to", long, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cookie *http.Cookie
			largest := 0
			for i := range 8 {
				f := usos(i, tc.returnTo)
				if i%2 == 1 {
					f = mtt(i, tc.returnTo)
				}
				cookie = startFlow(t, s, cookie, f)
				largest = max(largest, len(cookie.Name)+1+len(cookie.Value))
				flows := flowsOf(t, s, cookie)
				if len(flows) != min(i+1, maxFlows) {
					t.Fatalf("after start %d: %d flows kept", i, len(flows))
				}
				if latest := flows[len(flows)-1]; latest.Flow.Token != f.Flow.Token || latest.ReturnTo != tc.returnTo {
					t.Fatalf("after start %d the latest flow is not kept whole", i)
				}
				kept := 0
				for _, f := range flows[:len(flows)-1] {
					switch f.ReturnTo {
					case tc.returnTo:
						kept++
					case "/":
					default:
						t.Fatalf("return_to %q", f.ReturnTo)
					}
				}
				if kept < min(i, tc.kept) {
					t.Fatalf("after start %d: %d older flows keep their return_to, want %d", i, kept, min(i, tc.kept))
				}
			}
			t.Logf("largest flow cookie: %d bytes", largest)
			if largest > maxFlowCookieLen+len(cookie.Name)+1 || largest > 3600 {
				t.Fatalf("the flow cookie reaches %d bytes", largest)
			}
		})
	}
}

// Each flow has its own expiry: an old one ends while newer ones stay.
func TestFlowsExpireOneByOne(t *testing.T) {
	s := newTestServer(t, "http://127.0.0.1:8080")
	now := time.Now()
	s.opts.Now = func() time.Time { return now }
	cookie := startFlow(t, s, nil, flowState{Provider: "uw", Flow: provider.Flow{Token: "old"}})
	now = now.Add(20 * time.Minute)
	cookie = startFlow(t, s, cookie, flowState{Provider: "uw", Flow: provider.Flow{Token: "new"}})
	if flows := flowsOf(t, s, cookie); len(flows) != 2 {
		t.Fatalf("%d flows", len(flows))
	}
	now = now.Add(15 * time.Minute)
	if flows := flowsOf(t, s, cookie); len(flows) != 1 || flows[0].Flow.Token != "new" {
		t.Fatalf("35 minutes after the first start: %+v", flows)
	}
}

// A flow cookie written before a browser could hold several flows still
// completes.
func TestOneFlowCookieOfBefore(t *testing.T) {
	s := newTestServer(t, "http://127.0.0.1:8080")
	expiry := s.now().Add(flowTTL)
	v, err := s.sealer().Seal(s.cookies.flow, flowState{Provider: "uw", Mode: shared.ModePIN, Flow: provider.Flow{Token: "t"}}, expiry)
	if err != nil {
		t.Fatal(err)
	}
	flows := flowsOf(t, s, &http.Cookie{Name: s.cookies.flow, Value: v})
	if len(flows) != 1 || flows[0].Flow.Token != "t" || flows[0].Expires != expiry.Unix() {
		t.Fatalf("%+v", flows)
	}
	if i := s.findFlow(flows, "uw", nil); i != 0 {
		t.Fatalf("the PIN flow not found: %d", i)
	}
}

func TestSpentFlows(t *testing.T) {
	now := time.Now()
	sp := newSpentFlows(3)
	if !sp.spend("a", now.Add(time.Minute), now) || sp.spend("a", now.Add(time.Minute), now) {
		t.Fatal("a flow spent twice")
	}
	if !sp.has("a", now) || sp.has("b", now) {
		t.Fatal("has")
	}
	// Forgotten at its expiry.
	later := now.Add(time.Minute)
	if sp.has("a", later) || !sp.spend("a", later.Add(time.Minute), later) {
		t.Fatal("an expired flow is still remembered")
	}
	// Bounded: past its size, the oldest is forgotten first.
	for _, k := range []string{"b", "c", "d"} {
		if !sp.spend(k, later.Add(time.Minute), later) {
			t.Fatalf("spend %s", k)
		}
	}
	if len(sp.until) > 3 || sp.has("a", later) || !sp.has("b", later) || !sp.has("d", later) {
		t.Fatalf("table %v", sp.until)
	}
}

func TestSpentFlowsSize(t *testing.T) {
	for _, tc := range []struct {
		rl           RateLimit
		universities int
		want         int
	}{
		{RateLimit{}, 1, 300 + 20*1800},
		{RateLimit{PerSecond: 1, Burst: 10}, 3, 3 * (10 + 1800)},
		{RateLimit{PerSecond: 1e9, Burst: 10}, 2, 2 << 20},
		{RateLimit{PerSecond: 1e9, Burst: 10}, 100, 1 << 22},
	} {
		if got := spentFlowsSize(tc.rl, tc.universities); got != tc.want {
			t.Errorf("spentFlowsSize(%+v, %d) = %d, want %d", tc.rl, tc.universities, got, tc.want)
		}
	}
}

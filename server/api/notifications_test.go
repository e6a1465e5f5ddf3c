package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/notify/push"
	"github.com/campusweek/campusweek/server/notify/push/pushtest"
	"github.com/campusweek/campusweek/server/notify/store"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
	apiclient "github.com/campusweek/campusweek/shared/client"
)

// notifyFake is a university whose accesses never expire and can be
// revoked; each approval's token is "access-N", and it remembers which
// tokens were revoked.
type notifyFake struct {
	mu      sync.Mutex
	n       int
	user    string // the student who approves
	revoked []string
}

func (f *notifyFake) Info() shared.Provider {
	return shared.Provider{ID: "fake", Kind: shared.KindUSOS, Name: "Fake University",
		Capabilities: shared.Capabilities{LongLivedAccess: true, Revoke: true}}
}

func (f *notifyFake) Start(context.Context, string) (string, provider.Flow, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return "https://fake.example/authorize", provider.Flow{Token: fmt.Sprintf("flow-%d", f.n)}, nil
}

func (f *notifyFake) Complete(_ context.Context, flow provider.Flow, _ provider.CompleteInput) (provider.Credentials, error) {
	return provider.Credentials{Token: "access-" + strings.TrimPrefix(flow.Token, "flow-")}, nil
}

func (f *notifyFake) User(context.Context, *provider.Credentials) (shared.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return shared.User{ID: f.user, Name: "Student " + f.user}, nil
}

func (f *notifyFake) Timetable(context.Context, *provider.Credentials, shared.Date, shared.Date) ([]shared.Event, error) {
	return nil, nil
}

func (f *notifyFake) ShortLivedReason() string { return "Fake University grants no long-lived access." }

func (f *notifyFake) Revoke(_ context.Context, creds *provider.Credentials) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.revoked = append(f.revoked, creds.Token)
	return nil
}

func (f *notifyFake) revokedTokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.revoked)
}

// notifyEnv is a server with notifications and a browser (a cookie jar)
// signed in as student 1 at the fake university.
type notifyEnv struct {
	t      *testing.T
	s      *Server
	srv    *httptest.Server
	client *http.Client
	fake   *notifyFake
	store  store.Store
	push   *pushtest.Service
	keys   push.Keys
}

func newNotifyEnv(t *testing.T, configured bool) *notifyEnv {
	t.Helper()
	sealer, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	e := &notifyEnv{t: t, fake: &notifyFake{user: "1"}}
	e.keys, err = push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	e.push = pushtest.New(t, e.keys.Public)
	opts := Options{PublicURL: &url.URL{Scheme: "http", Host: "127.0.0.1"}, Sealer: sealer, Providers: []provider.Provider{e.fake}}
	if configured {
		e.store, err = store.Open(context.Background(), store.Options{Dir: filepath.Join(t.TempDir(), "data"), Sealer: sealer})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.store.Close() })
		opts.Notifications = &Notifications{Store: e.store, VAPIDPublicKey: e.keys.Public}
	}
	e.s, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.s)
	t.Cleanup(e.srv.Close)
	jar, _ := cookiejar.New(nil)
	e.client = &http.Client{Jar: jar}
	e.signIn("1", provider.Credentials{Token: "session-token"})
	return e
}

// signIn puts a session cookie of student id into the browser.
func (e *notifyEnv) signIn(id string, creds provider.Credentials) {
	rec := httptest.NewRecorder()
	if _, err := e.s.writeSession(rec, sessionState{Provider: "fake", User: shared.User{ID: id}, Creds: creds}); err != nil {
		e.t.Fatal(err)
	}
	u, _ := url.Parse(e.srv.URL)
	e.client.Jar.SetCookies(u, rec.Result().Cookies())
}

// do sends a request with a JSON body (nil for none) and decodes a JSON
// answer into out (if not nil); it returns the status and error code.
func (e *notifyEnv) do(method, path string, body any, out any) (int, shared.ErrorCode) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		var er shared.ErrorResponse
		json.Unmarshal(b, &er)
		return resp.StatusCode, er.Error.Code
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode, ""
}

func (e *notifyEnv) status() shared.Notifications {
	e.t.Helper()
	var n shared.Notifications
	if code, ec := e.do("GET", shared.NotificationsPath, nil, &n); code != 200 {
		e.t.Fatalf("GET %s: %d %s", shared.NotificationsPath, code, ec)
	}
	return n
}

// approve starts and completes an approval with purpose notifications.
func (e *notifyEnv) approve() (int, shared.ErrorCode) {
	e.t.Helper()
	if code, ec := e.do("POST", "/api/auth/fake/start", shared.StartRequest{Purpose: shared.PurposeNotifications}, nil); code != 200 {
		return code, ec
	}
	e.fake.mu.Lock()
	token := fmt.Sprintf("flow-%d", e.fake.n)
	e.fake.mu.Unlock()
	var resp shared.CompleteResponse
	code, ec := e.do("POST", "/api/auth/fake/complete", shared.CompleteRequest{Params: map[string]string{"state": token}}, &resp)
	if code == 200 && (!resp.Session.SignedIn || resp.Session.User.ID != "1") {
		e.t.Errorf("completing the approval changed the session: %+v", resp.Session)
	}
	return code, ec
}

func subscription(d *pushtest.Device) shared.PushSubscription {
	return shared.PushSubscription{Endpoint: d.Endpoint(), Keys: shared.PushSubscriptionKeys{P256DH: d.P256DH(), Auth: d.Auth()}}
}

func (e *notifyEnv) only() *store.Subscription {
	e.t.Helper()
	subs, err := e.store.Lease(context.Background(), e.s.now().Add(time.Hour), 10, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(subs) != 1 {
		e.t.Fatalf("%d subscriptions stored, want 1", len(subs))
	}
	// Leased for no time; Get gives the same without the lease.
	sub, err := e.store.Get(context.Background(), subs[0].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return sub
}

func accessToken(t *testing.T, sub *store.Subscription) string {
	t.Helper()
	var c provider.Credentials
	if err := json.Unmarshal(sub.Access, &c); err != nil {
		t.Fatal(err)
	}
	return c.Token
}

func TestNotificationsLifecycle(t *testing.T) {
	e := newNotifyEnv(t, true)
	n := e.status()
	if !n.Available || n.VAPIDPublicKey != e.keys.Public || n.Subscribed || n.Approved {
		t.Fatalf("before anything: %+v", n)
	}
	device := e.push.Subscribe()
	req := shared.NotificationsRequest{Subscription: subscription(device), Language: "pl", RemindersMinutes: 15}

	// Not approved in this browser yet.
	if code, ec := e.do("POST", shared.NotificationsPath, req, nil); code != http.StatusBadRequest || ec != shared.CodeFlowExpired {
		t.Errorf("POST before approving: %d %s, want 400 flow_expired", code, ec)
	}
	if code, ec := e.approve(); code != 200 {
		t.Fatalf("approving: %d %s", code, ec)
	}
	if n := e.status(); !n.Approved || n.Subscribed {
		t.Errorf("after approving: %+v, want approved", n)
	}
	for name, bad := range map[string]shared.NotificationsRequest{
		"an http endpoint":   {Subscription: shared.PushSubscription{Endpoint: "http://push.example/x", Keys: req.Subscription.Keys}},
		"no keys":            {Subscription: shared.PushSubscription{Endpoint: device.Endpoint()}},
		"negative reminders": {Subscription: req.Subscription, RemindersMinutes: -5},
		"reminders too far":  {Subscription: req.Subscription, RemindersMinutes: shared.MaxRemindersMinutes + 1},
	} {
		if code, ec := e.do("POST", shared.NotificationsPath, bad, nil); code != http.StatusBadRequest || ec != shared.CodeBadRequest {
			t.Errorf("%s: %d %s, want 400", name, code, ec)
		}
	}
	var got shared.Notifications
	if code, ec := e.do("POST", shared.NotificationsPath, req, &got); code != 200 {
		t.Fatalf("POST: %d %s", code, ec)
	}
	if !got.Subscribed || got.RemindersMinutes != 15 {
		t.Errorf("POST answered %+v", got)
	}
	sub := e.only()
	if sub.Owner != "fake:1" || sub.Provider != "fake" || sub.Language != "pl" || sub.RemindersMinutes != 15 ||
		sub.Push.Endpoint != device.Endpoint() || accessToken(t, sub) != "access-1" {
		t.Errorf("stored %+v (access %s)", sub, accessToken(t, sub))
	}
	if n := e.status(); !n.Subscribed || n.Approved || n.RemindersMinutes != 15 {
		t.Errorf("after subscribing: %+v", n)
	}

	// Changing the settings keeps the subscription and its access.
	req.RemindersMinutes = 0
	if code, ec := e.do("POST", shared.NotificationsPath, req, nil); code != 200 {
		t.Fatalf("changing settings: %d %s", code, ec)
	}
	if again := e.only(); again.ID != sub.ID || again.RemindersMinutes != 0 || accessToken(t, again) != "access-1" {
		t.Errorf("after changing settings: %+v", again)
	}
	if r := e.fake.revokedTokens(); len(r) != 0 {
		t.Errorf("revoked %v while changing settings", r)
	}

	// A new approval replaces the access, and the old one is revoked.
	if code, ec := e.approve(); code != 200 {
		t.Fatalf("approving again: %d %s", code, ec)
	}
	if code, ec := e.do("POST", shared.NotificationsPath, req, nil); code != 200 {
		t.Fatalf("POST after approving again: %d %s", code, ec)
	}
	if again := e.only(); again.ID != sub.ID || accessToken(t, again) != "access-2" {
		t.Errorf("after a new approval: id %s access %s, want %s access-2", again.ID, accessToken(t, again), sub.ID)
	}
	if r := e.fake.revokedTokens(); !slices.Equal(r, []string{"access-1"}) {
		t.Errorf("revoked %v, want the replaced access-1", r)
	}

	// Turning off deletes the row and revokes its access.
	var off shared.Notifications
	if code, ec := e.do("DELETE", shared.NotificationsPath, struct{}{}, &off); code != 200 || off.Subscribed || !off.Available {
		t.Fatalf("DELETE: %d %s %+v", code, ec, off)
	}
	if n, _ := e.store.Count(context.Background()); n != 0 {
		t.Errorf("%d subscriptions left after turning off", n)
	}
	if r := e.fake.revokedTokens(); !slices.Equal(r, []string{"access-1", "access-2"}) {
		t.Errorf("revoked %v, want access-1 and access-2", r)
	}
	if n := e.status(); n.Subscribed {
		t.Errorf("after turning off: %+v", n)
	}
	if code, _ := e.do("DELETE", shared.NotificationsPath, struct{}{}, nil); code != 200 {
		t.Errorf("DELETE again: %d, want 200", code)
	}
}

func TestNotificationsApprovalChecks(t *testing.T) {
	e := newNotifyEnv(t, true)
	// Approved at the university as someone else: refused, and that
	// access is revoked at once.
	e.fake.user = "2"
	if code, ec := e.approve(); code != http.StatusBadRequest || ec != shared.CodeBadRequest {
		t.Errorf("approving as another student: %d %s, want 400", code, ec)
	}
	if r := e.fake.revokedTokens(); !slices.Equal(r, []string{"access-1"}) {
		t.Errorf("revoked %v, want the stray access-1", r)
	}
	if n := e.status(); n.Approved {
		t.Error("another student's approval is waiting")
	}
	e.fake.user = "1"

	// An approval left unused ends when notifications are turned off.
	if code, ec := e.approve(); code != 200 {
		t.Fatalf("approving: %d %s", code, ec)
	}
	if code, _ := e.do("DELETE", shared.NotificationsPath, struct{}{}, nil); code != 200 {
		t.Fatal(code)
	}
	if r := e.fake.revokedTokens(); !slices.Equal(r, []string{"access-1", "access-2"}) {
		t.Errorf("revoked %v, want the unused access-2 too", r)
	}

	// Another student signing in on this browser neither sees nor uses
	// the first one's subscription.
	if code, ec := e.approve(); code != 200 {
		t.Fatalf("approving: %d %s", code, ec)
	}
	device := e.push.Subscribe()
	if code, ec := e.do("POST", shared.NotificationsPath, shared.NotificationsRequest{Subscription: subscription(device)}, nil); code != 200 {
		t.Fatalf("POST: %d %s", code, ec)
	}
	e.signIn("3", provider.Credentials{Token: "other"})
	if n := e.status(); n.Subscribed || n.Approved {
		t.Errorf("student 3 sees student 1's notifications: %+v", n)
	}
	if code, ec := e.do("POST", shared.NotificationsPath, shared.NotificationsRequest{Subscription: subscription(device)}, nil); code != http.StatusBadRequest || ec != shared.CodeFlowExpired {
		t.Errorf("student 3 changing student 1's subscription: %d %s, want 400 flow_expired", code, ec)
	}
	if sub := e.only(); sub.Owner != "fake:1" {
		t.Errorf("owner %s, want fake:1", sub.Owner)
	}
}

func TestNotificationsUnavailable(t *testing.T) {
	e := newNotifyEnv(t, false)
	if n := e.status(); n.Available || n.Reason == "" || n.VAPIDPublicKey != "" {
		t.Errorf("without notifications configured: %+v", n)
	}
	if code, ec := e.approve(); code != http.StatusConflict || ec != shared.CodeUnsupported {
		t.Errorf("approving: %d %s, want 409 unsupported", code, ec)
	}

	// A session without long-lived access.
	e = newNotifyEnv(t, true)
	e.signIn("1", provider.Credentials{Token: "t", Expiry: e.s.now().Add(time.Hour)})
	if n := e.status(); n.Available || !strings.Contains(n.Reason, "no long-lived access") {
		t.Errorf("a short-lived session: %+v", n)
	}
	if code, ec := e.approve(); code != http.StatusConflict || ec != shared.CodeUnsupported {
		t.Errorf("approving with a short-lived session: %d %s, want 409 unsupported", code, ec)
	}
	if len(e.fake.revokedTokens()) != 0 || e.fake.n != 0 {
		t.Error("the university was asked before refusing")
	}
}

// TestNotificationsClient: shared/client's methods speak this API.
func TestNotificationsClient(t *testing.T) {
	e := newNotifyEnv(t, true)
	c := apiclient.NewWithHTTPClient(e.srv.URL, e.client)
	ctx := context.Background()
	if n, err := c.Notifications(ctx); err != nil || !n.Available || n.Subscribed {
		t.Fatalf("Notifications = %+v, %v", n, err)
	}
	if _, err := c.SubscribeNotifications(ctx, shared.NotificationsRequest{Subscription: subscription(e.push.Subscribe())}); err == nil {
		t.Error("SubscribeNotifications before approving: no error")
	}
	if code, ec := e.approve(); code != 200 {
		t.Fatalf("approving: %d %s", code, ec)
	}
	if n, err := c.SubscribeNotifications(ctx, shared.NotificationsRequest{Subscription: subscription(e.push.Subscribe()), RemindersMinutes: 10}); err != nil || !n.Subscribed || n.RemindersMinutes != 10 {
		t.Fatalf("SubscribeNotifications = %+v, %v", n, err)
	}
	if n, err := c.UnsubscribeNotifications(ctx); err != nil || n.Subscribed {
		t.Fatalf("UnsubscribeNotifications = %+v, %v", n, err)
	}
	if n, _ := e.store.Count(ctx); n != 0 {
		t.Errorf("%d subscriptions left", n)
	}
}

package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/notify/poll"
	"github.com/campusweek/campusweek/server/notify/push/pushtest"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
)

// sandboxStudent is the student every sandbox consent picks by default.
const sandboxStudent = "123456"

// turnOnNotifications approves notifications at provider id, subscribes
// a new device at the push service and sends its subscription in lang.
func (e *env) turnOnNotifications(id string, lang i18n.Lang) *pushtest.Device {
	e.t.Helper()
	r := e.post("/api/auth/"+id+"/start", shared.StartRequest{Purpose: shared.PurposeNotifications, ReturnTo: "/"})
	if r.status != http.StatusOK {
		e.t.Fatalf("start notifications: %d %s", r.status, r.body)
	}
	authURL := decode[shared.StartResponse](e.t, r).AuthorizeURL
	var params map[string]string
	if id == "mtt" {
		params = e.mttConsent(authURL, "allow")
	} else {
		params = e.callbackParams(authURL, "allow")
	}
	if r := e.post("/api/auth/"+id+"/complete", shared.CompleteRequest{Params: params}); r.status != http.StatusOK {
		e.t.Fatalf("complete notifications: %d %s", r.status, r.body)
	}
	d := e.pushSvc.Subscribe()
	r = e.post(shared.NotificationsPath, shared.NotificationsRequest{
		Subscription: shared.PushSubscription{Endpoint: d.Endpoint(), Keys: shared.PushSubscriptionKeys{P256DH: d.P256DH(), Auth: d.Auth()}},
		Language:     lang.String(),
	})
	if r.status != http.StatusOK || !decode[shared.Notifications](e.t, r).Subscribed {
		e.t.Fatalf("POST %s: %d %s", shared.NotificationsPath, r.status, r.body)
	}
	return d
}

// runChecks moves the clock on by d and runs the checks then due.
func (e *env) runChecks(d time.Duration) {
	e.t.Helper()
	e.clock.Advance(d)
	if _, err := e.poller.RunOnce(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) subscriptions() int {
	e.t.Helper()
	n, err := e.notes.Count(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func payloads(t *testing.T, d *pushtest.Device) []poll.Payload {
	t.Helper()
	var out []poll.Payload
	for _, m := range d.Messages() {
		var p poll.Payload
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatalf("payload %s: %v", m.Payload, err)
		}
		out = append(out, p)
	}
	return out
}

// classEditor changes a student's classes at a sandbox university.
type classEditor interface {
	MoveClass(student string, at, to time.Time) error
	ChangeRoom(student string, at time.Time, room string) error
	CancelClass(student string, at time.Time) error
	AnswerEmptyOnce(student string)
}

// A student turns notifications on; a class moves, another changes room
// and a third is cancelled at the university; the next check sends one
// push message, decrypted as the phone would, naming the three in the
// subscription's language and opening the first changed day. Nothing is
// sent when nothing changed, an empty answer cancels nothing, turning
// notifications off deletes the row and revokes the access, and access
// revoked at the university ends the subscription. Both systems, over
// real HTTP.
func TestNotificationsOfSandboxChanges(t *testing.T) {
	for _, sys := range []struct {
		provider  string
		lang      i18n.Lang
		signIn    func(*env)
		revokeAll func(*env)
	}{
		{provider: "uni", lang: i18n.Polish, signIn: func(e *env) { e.signIn() },
			revokeAll: func(e *env) { e.sandbox.ExpireAccessTokens() }},
		{provider: "mtt", lang: i18n.Dutch, signIn: func(e *env) { e.mttSignIn() },
			revokeAll: func(e *env) { e.mtt.ExpireAccessTokens(); e.mtt.RevokeRefreshTokens() }},
	} {
		t.Run(sys.provider, func(t *testing.T) {
			e := newEnv(t, envOptions{notifications: true, scopes: []string{"studies", "offline_access"}, mttScopes: []string{"user_read", "profile_read"}})
			var edit classEditor = e.mtt
			if sys.provider == "uni" {
				edit = e.sandbox
			}
			sys.signIn(e)

			// Three classes at different times, from the day after
			// tomorrow on, within the watched two weeks.
			today := shared.DateOf(e.clock.Now())
			r := e.do(e.client, "GET", "/api/timetable?from="+today.AddDays(2).String()+"&to="+today.AddDays(12).String(), nil,
				map[string]string{"Accept-Language": sys.lang.String()})
			if r.status != http.StatusOK {
				t.Fatalf("timetable: %d %s", r.status, r.body)
			}
			var classes []shared.Event
			for _, ev := range decode[shared.Timetable](t, r).Events {
				if ev.Category == shared.CategoryClass && !ev.AllDay && ev.Room != "" &&
					(len(classes) == 0 || !ev.Start.Equal(classes[len(classes)-1].Start)) && len(classes) < 3 {
					classes = append(classes, ev)
				}
			}
			if len(classes) < 3 {
				t.Fatalf("only %d classes in the coming days", len(classes))
			}
			moved, room, cancelled := classes[0], classes[1], classes[2]

			device := e.turnOnNotifications(sys.provider, sys.lang)
			e.runChecks(0) // the first check takes the snapshot
			e.runChecks(31 * time.Minute)
			if m := device.Messages(); len(m) != 0 {
				t.Fatalf("nothing changed, yet %d messages", len(m))
			}

			if err := edit.MoveClass(sandboxStudent, moved.Start, moved.Start.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := edit.ChangeRoom(sandboxStudent, room.Start, "9.99"); err != nil {
				t.Fatal(err)
			}
			if err := edit.CancelClass(sandboxStudent, cancelled.Start); err != nil {
				t.Fatal(err)
			}
			e.runChecks(31 * time.Minute)
			msgs := payloads(t, device)
			if len(msgs) != 1 {
				t.Fatalf("%d messages after three changes, want one\n%s", len(msgs), e.logs)
			}
			m := msgs[0]
			lang := sys.lang
			now := e.clock.Now()
			wantLines := []string{
				lang.F(i18n.NotifyMoved, moved.Title, poll.When(lang, now, moved.Start), i18n.Clock(moved.Start.Add(time.Hour))),
				lang.F(i18n.NotifyCancelled, cancelled.Title, poll.When(lang, now, cancelled.Start)),
			}
			for _, l := range wantLines {
				if !strings.Contains(m.Body, l) {
					t.Errorf("the message does not say %q:\n%s", l, m.Body)
				}
			}
			roomWord := map[i18n.Lang]string{i18n.Polish: "zmiana sali: ", i18n.Dutch: "andere zaal: "}[lang]
			if !strings.Contains(m.Body, roomWord+room.Room+" → ") || !strings.Contains(m.Body, "9.99") {
				t.Errorf("the message does not tell the room change of %s:\n%s", room.Title, m.Body)
			}
			first := shared.DateOf(moved.Start)
			if m.Title != lang.N(i18n.ChangesSummary, 3) || m.Date != first || m.URL != poll.DayURL(first) || m.Lang != lang.String() {
				t.Errorf("message %+v", m)
			}

			// The university answers an empty list once: nothing is
			// cancelled, and nothing is new when the classes come back.
			edit.AnswerEmptyOnce(sandboxStudent)
			e.runChecks(31 * time.Minute)
			e.runChecks(31 * time.Minute)
			if m := payloads(t, device); len(m) != 1 {
				t.Errorf("an empty answer sent %+v", m[1:])
			}

			// Turning notifications off deletes the row and revokes its
			// access where the university can.
			if e.subscriptions() != 1 {
				t.Fatalf("%d subscriptions", e.subscriptions())
			}
			if r := e.do(e.client, "DELETE", shared.NotificationsPath, struct{}{}, nil); r.status != http.StatusOK {
				t.Fatalf("DELETE: %d %s", r.status, r.body)
			}
			if n := e.subscriptions(); n != 0 {
				t.Errorf("%d subscriptions after turning off", n)
			}
			if sys.provider == "uni" && !strings.Contains(e.logs.String(), "usos sandbox: access token revoked") {
				t.Error("turning notifications off did not revoke the access at USOS")
			}

			// Access revoked at the university ends the subscription.
			device = e.turnOnNotifications(sys.provider, sys.lang)
			e.runChecks(0)
			if e.subscriptions() != 1 {
				t.Fatal("no subscription")
			}
			sys.revokeAll(e)
			e.runChecks(31 * time.Minute)
			if n := e.subscriptions(); n != 0 {
				t.Errorf("%d subscriptions after the university revoked the access", n)
			}
			if m := device.Messages(); len(m) != 0 {
				t.Errorf("%d messages to the ended subscription", len(m))
			}
		})
	}
}

package notify

import (
	"testing"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
)

func TestDecide(t *testing.T) {
	long := shared.Capabilities{LongLivedAccess: true}
	avail := &shared.Notifications{Available: true, VAPIDPublicKey: "BK"}
	push := Browser{Push: true, Permission: "default"}
	for _, tc := range []struct {
		name    string
		status  *shared.Notifications
		caps    shared.Capabilities
		browser Browser
		want    View
	}{
		{"not loaded", nil, long, push, View{State: Hidden}},
		{"off", avail, long, push, View{State: Off, Enabled: true, Note: i18n.English.T(i18n.NotifyApproveNote)}},
		{"granted before", avail, long, Browser{Push: true, Permission: "granted"}, View{State: Off, Enabled: true, Note: i18n.English.T(i18n.NotifyApproveNote)}},
		{"on", &shared.Notifications{Available: true, Subscribed: true}, long, push, View{State: On, Checked: true, Enabled: true, Note: i18n.English.T(i18n.NotifyOnNote)}},
		// Subscribed but blocked or no longer available: can still be
		// turned off.
		{"on, since blocked", &shared.Notifications{Subscribed: true}, long, Browser{Push: true, Permission: "denied"}, View{State: On, Checked: true, Enabled: true, Note: i18n.English.T(i18n.NotifyOnNote)}},
		{"university cannot", &shared.Notifications{Reason: "Its USOS grants no offline_access."}, shared.Capabilities{}, push,
			View{State: Unavailable, Note: "Its USOS grants no offline_access."}},
		{"capabilities say no before the server", avail, shared.Capabilities{}, push, View{State: Unavailable, Note: i18n.English.T(i18n.ErrUnsupported)}},
		{"deployment cannot", &shared.Notifications{Reason: "not turned on"}, long, push, View{State: Unavailable, Note: "not turned on"}},
		{"no push in this browser", avail, long, Browser{}, View{State: NoSupport, Note: i18n.English.T(i18n.NotifyNoSupport)}},
		{"blocked", avail, long, Browser{Push: true, Permission: "denied"}, View{State: Blocked, Note: i18n.English.T(i18n.NotifyBlocked)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Decide(i18n.English, tc.status, tc.caps, tc.browser); got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	if v := Decide(i18n.Polish, avail, long, Browser{}); v.Note != "Ta przeglądarka nie może odbierać powiadomień." {
		t.Errorf("Polish: %q", v.Note)
	}
}

func TestSubscription(t *testing.T) {
	good := `{"endpoint":"https://push.example/abc","expirationTime":null,"keys":{"p256dh":"BNc","auth":"tBH"}}`
	s, err := Subscription(good)
	if err != nil || s.Endpoint != "https://push.example/abc" || s.Keys.P256DH != "BNc" || s.Keys.Auth != "tBH" {
		t.Errorf("%+v, %v", s, err)
	}
	for _, bad := range []string{
		``, `null`, `{"endpoint":"http://push.example/abc","keys":{"p256dh":"a","auth":"b"}}`,
		`{"endpoint":"https://push.example/abc","keys":{"p256dh":"a"}}`, `{"endpoint":"https://push.example/abc"}`,
	} {
		if _, err := Subscription(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if r := Request(s, i18n.Dutch); r.Language != "nl" || r.Subscription != s {
		t.Errorf("%+v", r)
	}
}

func TestReminders(t *testing.T) {
	for _, tc := range []struct {
		lang    i18n.Lang
		minutes int
		want    string
	}{
		{i18n.English, 0, "No reminders"},
		{i18n.English, 15, "15 min before"},
		{i18n.Polish, 30, "30 min przed"},
		{i18n.Dutch, 10, "10 min van tevoren"},
		{i18n.Dutch, -5, "Geen herinneringen"},
	} {
		if got := ReminderLabel(tc.lang, tc.minutes); got != tc.want {
			t.Errorf("ReminderLabel(%v, %d) = %q, want %q", tc.lang, tc.minutes, got, tc.want)
		}
	}
	sub := shared.PushSubscription{Endpoint: "https://push.example/a"}
	for minutes, want := range map[int]int{15: 15, 0: 0, -1: 0, shared.MaxRemindersMinutes + 1: shared.MaxRemindersMinutes} {
		if r := WithReminders(sub, i18n.Polish, minutes); r.RemindersMinutes != want || r.Language != "pl" || r.Subscription != sub {
			t.Errorf("WithReminders(%d) = %+v", minutes, r)
		}
	}
	if ReminderChoices[0] != 0 {
		t.Error("the first choice is not none")
	}
}

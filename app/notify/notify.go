// Package notify is the PWA's side of change notifications in plain Go:
// what the "Notify me about changes" setting shows and allows, given the
// server's answer, the university's capabilities and what the browser
// supports, and the push subscription the browser made. The components
// in package ui only wire it to the browser.
package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
)

// FlowKey is the sessionStorage key that tells the callback page an
// approval at the university is for notifications (its value is the
// provider id), so that its completion is not taken for a sign-in.
const FlowKey = "campusweek/notify-flow"

// Browser is what the browser offers.
type Browser struct {
	// Push says whether it has service workers, the Push API and
	// notifications.
	Push bool
	// Permission is Notification.permission: "granted", "denied" or
	// "default".
	Permission string
}

// State is what the setting shows.
type State uint8

// States of the setting.
const (
	// Hidden: nothing known yet (loading, offline, signed out).
	Hidden State = iota
	// Unavailable: the deployment or the university cannot; Note says why.
	Unavailable
	// NoSupport: this browser cannot receive notifications.
	NoSupport
	// Blocked: the student blocked notifications for the site.
	Blocked
	// Off: they can be turned on.
	Off
	// On: this browser receives them.
	On
)

// View is the setting as shown.
type View struct {
	State State
	// Checked is the switch's position; Enabled whether it can be moved.
	Checked, Enabled bool
	// Note explains the state to the student, in their language; empty
	// when there is nothing to say.
	Note string
}

// Decide returns the setting for status (the server's answer; nil before
// it came), the university's capabilities and the browser, in lang.
// Where the university cannot grant long-lived access the setting says
// so before anything is asked (the server would answer 409 unsupported).
func Decide(lang i18n.Lang, status *shared.Notifications, caps shared.Capabilities, b Browser) View {
	switch {
	case status == nil:
		return View{State: Hidden}
	case status.Subscribed:
		// Whatever else changed, the student can always turn them off.
		return View{State: On, Checked: true, Enabled: true, Note: lang.T(i18n.NotifyOnNote)}
	case !caps.LongLivedAccess || !status.Available:
		note := status.Reason
		if note == "" {
			note = lang.T(i18n.ErrUnsupported)
		}
		return View{State: Unavailable, Note: note}
	case !b.Push:
		return View{State: NoSupport, Note: lang.T(i18n.NotifyNoSupport)}
	case b.Permission == "denied":
		return View{State: Blocked, Note: lang.T(i18n.NotifyBlocked)}
	}
	return View{State: Off, Enabled: true, Note: lang.T(i18n.NotifyApproveNote)}
}

// Subscription reads a push subscription as PushSubscription.toJSON()
// gives it (JSON.stringify of the subscription) and checks it has what
// the server needs.
func Subscription(jsonText string) (shared.PushSubscription, error) {
	var s shared.PushSubscription
	if err := json.Unmarshal([]byte(jsonText), &s); err != nil {
		return s, fmt.Errorf("notify: the push subscription is not JSON: %w", err)
	}
	switch {
	case !strings.HasPrefix(s.Endpoint, "https://"):
		return s, errors.New("notify: the push subscription has no https endpoint")
	case s.Keys.P256DH == "" || s.Keys.Auth == "":
		return s, errors.New("notify: the push subscription has no keys")
	}
	return s, nil
}

// Request is the POST body that turns notifications on with sub, in
// lang.
func Request(sub shared.PushSubscription, lang i18n.Lang) shared.NotificationsRequest {
	return shared.NotificationsRequest{Subscription: sub, Language: lang.String()}
}

// ReminderChoices are the reminder settings offered, in minutes before
// each class; 0 means none.
var ReminderChoices = []int{0, 10, 15, 30, 60}

// ReminderLabel names the reminder setting of minutes in lang: "No
// reminders", "15 min before".
func ReminderLabel(lang i18n.Lang, minutes int) string {
	if minutes <= 0 {
		return lang.T(i18n.NotifyRemindersOff)
	}
	return lang.F(i18n.NotifyRemindersBefore, strconv.Itoa(minutes))
}

// WithReminders is the POST body that changes the reminders of this
// browser's subscription sub to minutes, in lang.
func WithReminders(sub shared.PushSubscription, lang i18n.Lang, minutes int) shared.NotificationsRequest {
	r := Request(sub, lang)
	r.RemindersMinutes = max(0, min(minutes, shared.MaxRemindersMinutes))
	return r
}

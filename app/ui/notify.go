package ui

import (
	"context"
	"errors"
	"strconv"

	"github.com/campusweek/campusweek/app/notify"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// notifySetting is "Notify me about changes" (off by default). Turning it
// on asks the browser for notification permission, subscribes with the
// Push API under the server's VAPID key, and sends the student to the
// university to approve the notifications' own long-lived access
// (shared.PurposeNotifications); the callback page then sends the push
// subscription. Turning it off deletes it on the server. What it shows
// is package notify's decision.
type notifySetting struct {
	app.Compo

	// Props, as calendarPanel's.
	Provider  string
	Offline   bool
	SignedOut bool
	Lang      i18n.Lang

	status  *shared.Notifications
	caps    shared.Capabilities
	loading bool
	busy    bool
	err     error
	note    string // a note of the last action, overriding the view's

	owner
}

func (c *notifySetting) OnMount(ctx app.Context) {
	c.own(ctx)
	c.load(ctx)
}

// stateNotifyOn is the go-app state (a bool, in memory only) saying
// whether this browser receives notifications, for the sign-out button's
// "also stop notifications".
const stateNotifyOn = "campusweek/notify-on"

// finish ends a change of the setting with the server's answer st, or
// its error.
func (c *notifySetting) finish(ctx app.Context, st shared.Notifications, err error) {
	c.dispatch(ctx, func(ctx app.Context) {
		c.busy = false
		if err != nil {
			c.err = err
			return
		}
		c.setStatus(ctx, &st)
	})
}

// setStatus shows st and tells the week whether notifications are on.
func (c *notifySetting) setStatus(ctx app.Context, st *shared.Notifications) {
	c.status = st
	ctx.SetState(stateNotifyOn, st != nil && st.Subscribed)
}

// OnUpdate loads the setting once the week knows the university and is
// online.
func (c *notifySetting) OnUpdate(ctx app.Context) {
	if c.status == nil {
		c.load(ctx)
	}
}

// load asks the server and the university's capabilities.
func (c *notifySetting) load(ctx app.Context) {
	if !app.IsClient || c.loading || c.Provider == "" || c.Offline || c.SignedOut {
		return
	}
	c.loading = true
	id := c.Provider
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		st, err := api().Notifications(cctx)
		var caps shared.Capabilities
		if err == nil {
			var ps []shared.Provider
			if ps, err = api().Providers(cctx); err == nil {
				for _, p := range ps {
					if p.ID == id {
						caps = p.Capabilities
					}
				}
			}
		}
		c.dispatch(ctx, func(ctx app.Context) {
			c.loading = false
			if err != nil {
				return // asked again at the next update
			}
			c.caps = caps
			c.setStatus(ctx, &st)
		})
	})
}

func (c *notifySetting) view() notify.View {
	if c.Offline || c.SignedOut {
		return notify.View{State: notify.Hidden}
	}
	return notify.Decide(c.Lang, c.status, c.caps, browserPush())
}

// browserPush is what this browser offers.
func browserPush() notify.Browser {
	w := app.Window()
	nav := w.Get("navigator")
	n := w.Get("Notification")
	b := notify.Browser{Push: nav.Get("serviceWorker").Truthy() && w.Get("PushManager").Truthy() && n.Truthy()}
	if n.Truthy() {
		b.Permission = n.Get("permission").String()
	}
	return b
}

func (c *notifySetting) toggle(ctx app.Context, e app.Event) {
	if c.busy || c.status == nil {
		return
	}
	if c.status.Subscribed {
		c.turnOff(ctx)
	} else {
		c.turnOn(ctx)
	}
}

// errNotGranted is the student declining the browser's permission prompt.
var errNotGranted = errors.New("notification permission not granted")

// turnOn asks permission, subscribes and sends the student to approve.
func (c *notifySetting) turnOn(ctx app.Context) {
	c.busy, c.err, c.note = true, nil, ""
	id, key, approved := c.Provider, c.status.VAPIDPublicKey, c.status.Approved
	returnTo := safeReturnTo(ctx.Page().URL().RequestURI())
	lang := c.Lang
	ctx.Async(func() {
		err := func() error {
			perm, err := awaitJS(app.Window().Get("Notification").Call("requestPermission"))
			if err != nil {
				return err
			}
			if perm.String() != "granted" {
				return errNotGranted
			}
			if _, err := pushSubscribe(key); err != nil {
				return err
			}
			cctx, cancel := callCtx(ctx)
			defer cancel()
			if approved {
				// An approval already waits for this browser.
				return sendPushSubscription(cctx, lang)
			}
			resp, err := api().Start(cctx, id, shared.StartRequest{Mode: shared.ModeRedirect, Purpose: shared.PurposeNotifications, ReturnTo: returnTo})
			if err == nil && !isWebURL(resp.AuthorizeURL) {
				err = errBadAuthorizeURL
			}
			if err != nil {
				return err
			}
			c.dispatch(ctx, func(ctx app.Context) {
				ctx.SessionStorage().Set(notify.FlowKey, id)
				// The latest approval asked for is the one coming back.
				ctx.SessionStorage().Del(feedFlowKey)
				goToExternal(resp.AuthorizeURL) // stay busy: the page is being left
			})
			return nil
		}()
		if err == nil && !approved {
			return
		}
		c.dispatch(ctx, func(ctx app.Context) {
			c.busy = false
			switch {
			case errors.Is(err, errNotGranted):
				c.note = c.Lang.T(i18n.NotifyBlocked)
			case err != nil && shared.CodeOf(err) == "" && !isUnreachable(err):
				// Not the API's: the browser's push subscription (or
				// the page it was sent to) failed.
				c.note = c.Lang.T(i18n.NotifyFailed)
			case err != nil:
				c.err = err
			default:
				st := *c.status
				st.Subscribed = true
				c.setStatus(ctx, &st)
			}
		})
	})
}

// turnOff deletes the subscription on the server (which revokes its
// access) and ends the browser's push subscription.
func (c *notifySetting) turnOff(ctx app.Context) {
	c.busy, c.err, c.note = true, nil, ""
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		st, err := api().UnsubscribeNotifications(cctx)
		if err == nil {
			pushUnsubscribe()
		}
		c.finish(ctx, st, err)
	})
}

func (c *notifySetting) Render() app.UI {
	v := c.view()
	if v.State == notify.Hidden {
		return el("div", attrs{"id", "notify-setting", "hidden", "true"})
	}
	l := c.Lang
	note := v.Note
	if c.busy && v.State != notify.On {
		note = l.T(i18n.NotifyTurningOn)
	} else if c.note != "" {
		note = c.note
	}
	body := []app.UI{
		el("label", attrs{"for", "notify-toggle"},
			on(void("input", attrs{"id", "notify-toggle", "type", "checkbox", "role", "switch", "aria-describedby", "notify-note",
				"checked", strconv.FormatBool(v.Checked), "disabled", strconv.FormatBool(!v.Enabled || c.busy)}),
				"change", c.toggle),
			app.Text(" "+l.T(i18n.NotifySetting)),
		),
		text("p", attrs{"id", "notify-note", "class", "hint", "role", "status"}, note),
	}
	if v.State == notify.On {
		body = append(body, c.renderReminders())
	}
	if c.err != nil {
		body = append(body, errBox(l, c.err))
	}
	return el("div", attrs{"id", "notify-setting", "class", "notify-setting"}, body...)
}

// renderReminders is the choice of a reminder before each class.
func (c *notifySetting) renderReminders() app.UI {
	l := c.Lang
	current := c.status.RemindersMinutes
	options := make([]app.UI, len(notify.ReminderChoices))
	for i, m := range notify.ReminderChoices {
		options[i] = text("option", attrs{"value", strconv.Itoa(m), "selected", strconv.FormatBool(m == current)}, notify.ReminderLabel(l, m))
	}
	return el("p", attrs{"class", "notify-reminders"},
		text("label", attrs{"for", "notify-reminders"}, l.T(i18n.NotifyRemindersLabel)+" "),
		on(el("select", attrs{"id", "notify-reminders", "disabled", strconv.FormatBool(c.busy)}, options...), "change", c.setReminders),
	)
}

// setReminders sends the reminder chosen, with this browser's push
// subscription (POST /api/notifications changes a subscription's
// settings).
func (c *notifySetting) setReminders(ctx app.Context, e app.Event) {
	minutes, err := strconv.Atoi(ctx.JSSrc().Get("value").String())
	if err != nil || c.busy || c.status == nil {
		return
	}
	c.busy, c.err, c.note = true, nil, ""
	lang := c.Lang
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		var st shared.Notifications
		text, err := pushSubscriptionJSON()
		var sub shared.PushSubscription
		if err == nil {
			sub, err = notify.Subscription(text)
		}
		if err == nil {
			st, err = api().SubscribeNotifications(cctx, notify.WithReminders(sub, lang, minutes))
		}
		c.finish(ctx, st, err)
	})
}

// sendPushSubscription sends this browser's push subscription, after an
// approval, to POST /api/notifications.
func sendPushSubscription(ctx context.Context, lang i18n.Lang) error {
	text, err := pushSubscriptionJSON()
	if err != nil {
		return err
	}
	sub, err := notify.Subscription(text)
	if err != nil {
		return err
	}
	_, err = api().SubscribeNotifications(ctx, notify.Request(sub, lang))
	return err
}

// awaitJS waits for the JavaScript promise p: its value, or an error
// with the reason it was rejected. Call it off the UI goroutine.
func awaitJS(p app.Value) (app.Value, error) {
	type result struct {
		v   app.Value
		err error
	}
	ch := make(chan result, 1)
	then := app.FuncOf(func(this app.Value, args []app.Value) any {
		var v app.Value = app.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	catch := app.FuncOf(func(this app.Value, args []app.Value) any {
		msg := "rejected"
		if len(args) > 0 {
			msg = args[0].Call("toString").String()
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}

// pushManager is the service worker registration's PushManager, once the
// worker is active.
func pushManager() (app.Value, error) {
	reg, err := awaitJS(app.Window().Get("navigator").Get("serviceWorker").Get("ready"))
	if err != nil {
		return nil, err
	}
	return reg.Get("pushManager"), nil
}

// pushSubscribe subscribes this browser with the server's VAPID public
// key (base64url), or returns its subscription made with that key.
func pushSubscribe(key string) (app.Value, error) {
	pm, err := pushManager()
	if err != nil {
		return nil, err
	}
	return awaitJS(pm.Call("subscribe", map[string]any{"userVisibleOnly": true, "applicationServerKey": key}))
}

// pushSubscriptionJSON is this browser's push subscription as
// PushSubscription.toJSON() gives it.
func pushSubscriptionJSON() (string, error) {
	pm, err := pushManager()
	if err != nil {
		return "", err
	}
	sub, err := awaitJS(pm.Call("getSubscription"))
	if err != nil {
		return "", err
	}
	if !sub.Truthy() {
		return "", errors.New("this browser has no push subscription")
	}
	return app.Window().Get("JSON").Call("stringify", sub).String(), nil
}

// pushUnsubscribe ends this browser's push subscription, if it has one.
func pushUnsubscribe() {
	pm, err := pushManager()
	if err != nil {
		return
	}
	if sub, err := awaitJS(pm.Call("getSubscription")); err == nil && sub.Truthy() {
		awaitJS(sub.Call("unsubscribe"))
	}
}

package ui

import (
	"strings"

	"github.com/campusweek/campusweek/app/notify"
	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// authCallback is /auth/callback/{id}, where the provider sends the browser
// back after the student allowed (or declined) access. The query string
// holds the OAuth verifier or code: it is read once in the browser, removed
// from the address bar at once, posted to the backend and never rendered
// (OnNav also runs while the server prerenders the page, with the same
// query string, so nothing of it may reach the HTML).
type authCallback struct {
	app.Compo

	started bool
	feed    bool // the authorization is for a calendar subscription
	notify  bool // the authorization is for change notifications
	err     error
	lang    i18n.Lang // the language shown
	// made is a subscription address made while the session had ended:
	// shown here, since the week page would not.
	made *shared.Feed
}

// OnInit takes the page's language for the first render (see initLang).
func (c *authCallback) OnInit() { initLang(&c.lang) }

func (c *authCallback) OnMount(ctx app.Context) {
	followLang(ctx, &c.lang, func() { c.setTitle(ctx) })
}

func (c *authCallback) setTitle(ctx app.Context) {
	ctx.Page().SetTitle(c.lang.T(i18n.CallbackTitle) + " · " + appName)
}

func (c *authCallback) OnNav(ctx app.Context) {
	c.lang = pageLang(ctx)
	c.setTitle(ctx)
	if code := ctx.Page().URL().Query().Get(failedParam); code != "" {
		// The server completed (or tried to) before the app ran, and says
		// only how it failed; the app shows the same page.
		c.started, c.err = true, &shared.Error{Code: shared.ErrorCode(code)}
		return
	}
	if !app.IsClient || c.started {
		return
	}
	c.started = true

	u := *ctx.Page().URL()
	providerID := strings.TrimPrefix(u.Path, prefixCallback)
	params := callbackParams(u.Query())
	var flowFor string
	if ctx.SessionStorage().Get(feedFlowKey, &flowFor) == nil && flowFor == providerID {
		c.feed = true
	}
	ctx.SessionStorage().Del(feedFlowKey)
	// A missing key leaves the variable as it was: a fresh one each.
	var notifyFor string
	if ctx.SessionStorage().Get(notify.FlowKey, &notifyFor) == nil && notifyFor == providerID {
		c.notify = !c.feed
	}
	ctx.SessionStorage().Del(notify.FlowKey)

	if u.RawQuery != "" || u.Fragment != "" {
		clean := u
		clean.RawQuery, clean.ForceQuery, clean.Fragment, clean.RawFragment = "", false, "", ""
		ctx.Page().ReplaceURL(&clean)
	}

	if len(params) == 0 {
		// A reload, or Back to this page: the parameters are gone.
		c.err = &shared.Error{Code: shared.CodeFlowExpired}
		return
	}
	declined := params["error"] == "access_denied"

	req := shared.CompleteRequest{Params: params}
	if c.feed {
		// The subscription leaves out the classes hidden on this device.
		for _, h := range timetable.StoredHidden(deviceStorage{}) {
			req.Hide = append(req.Hide, h.String())
		}
	}
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		resp, err := api().Complete(cctx, providerID, req)
		if err == nil && c.notify {
			// The approval of notifications: this browser's push
			// subscription completes it. The session is unchanged.
			err = sendPushSubscription(cctx, c.lang)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				if declined && shared.CodeOf(err) != shared.CodeFlowExpired {
					// Whatever else went wrong, the student said no.
					err = &shared.Error{Code: shared.CodeAccessDenied}
				}
				c.err = err
				return
			}
			if resp.Feed != nil && !resp.Session.SignedIn {
				c.made = resp.Feed
				return
			}
			switch {
			case resp.Feed != nil:
				// Shown by the week's calendar panel, kept in memory only.
				ctx.SetState(stateNewFeed, *resp.Feed)
			case c.notify:
				// Not a sign-in: the week's setting shows them on.
			default:
				signedIn(ctx, resp.Session)
			}
			ctx.Navigate(safeReturnTo(resp.ReturnTo))
		})
	})
}

// failedParam is the one parameter the server leaves on the callback page
// when its own completion failed: the error's code, never a secret.
const failedParam = "failed"

// signedIn records the account of a new session on this device (see
// timetable.RecordSignIn) before the week shows anything, and drops any
// subscription address still waiting to be shown: it was another
// student's, or this one's from a session now replaced.
func signedIn(ctx app.Context, s shared.Session) {
	if err := timetable.RecordSignIn(deviceStorage{}, s); err != nil {
		// Storage full or disabled: the app works online only.
		app.Log("campusweek:", err)
	}
	ctx.DelState(stateNewFeed)
}

// callbackParams keeps the first value of every query parameter.
func callbackParams(q map[string][]string) map[string]string {
	params := make(map[string]string, len(q))
	for k, vs := range q {
		if len(vs) > 0 {
			params[k] = vs[0]
		}
	}
	return params
}

func (c *authCallback) Render() app.UI {
	return el("div", attrs{"class", "page page-callback"},
		simpleHeader(c.lang),
		el("main", attrs{"class", "content"},
			el("section", attrs{"class", "card"}, c.renderBody()),
		),
	)
}

func (c *authCallback) renderBody() app.UI {
	l := c.lang
	if c.made != nil {
		return el("div", attrs{"class", "callback-feed calendar-panel"},
			text("h1", nil, l.T(i18n.CallbackFeedTitle)),
			feedField(l, c.made),
			text("p", attrs{"id", "feed-note", "class", "hint"}, c.made.Note),
			text("p", attrs{"class", "hint"}, l.T(i18n.CallbackFeedSignedOut)),
			text("a", attrs{"class", "button button-primary", "id", "back-to-signin", "href", routeSignIn}, l.T(i18n.SignInButton)),
		)
	}
	class, title := "callback-failed", i18n.CallbackFailed
	var body app.UI
	switch {
	case c.err == nil:
		class, title = "callback-working", i18n.CallbackSigningIn
		if c.feed {
			title = i18n.CallbackMakingFeed
		}
		body = loading(l.T(i18n.CallbackChecking))
	case c.feed:
		title = i18n.CallbackNoFeed
		body = errorBoxDetail(l, feedErrorMessage(l, c.err), errorDetail(c.err),
			text("a", attrs{"class", "button button-primary", "id", "back-to-week", "href", routeWeek}, l.T(i18n.CallbackBackToWeek)),
		)
	default:
		body = errBox(l, c.err,
			text("a", attrs{"class", "button button-primary", "id", "back-to-signin", "href", routeSignIn}, l.T(i18n.CallbackBackToSignIn)),
		)
	}
	if c.err != nil && shared.CodeOf(c.err) == shared.CodeAccessDenied {
		title = i18n.CallbackNoAccess
	}
	return el("div", attrs{"class", class}, text("h1", nil, l.T(title)), body)
}

// Package poll checks the change-notification subscriptions: it leases
// the subscriptions that are due from the store, reads each student's
// coming classes with their stored access through the same provider code
// as interactive reads, compares them with the stored snapshot
// (package change, with its empty-answer guard) and sends one push
// message per check that found changes, in the subscription's language.
//
// Several pollers may share one PostgreSQL store: a lease hands each due
// subscription to one of them only. With SQLite, run one.
package poll

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/notify/push"
	"github.com/campusweek/campusweek/server/notify/store"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/upstream"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
	"github.com/campusweek/campusweek/shared/i18n"
)

// Sender sends push messages; *push.Sender is one.
type Sender interface {
	Send(ctx context.Context, sub push.Subscription, msg push.Message) error
}

// Defaults of Options.
const (
	DefaultDays          = 14
	DefaultInterval      = 30 * time.Minute
	DefaultTodayInterval = 10 * time.Minute
	DefaultWorkers       = 4
	DefaultBatch         = 32
	DefaultTick          = 30 * time.Second
	DefaultCheckTimeout  = time.Minute
	// DefaultRate is each university's budget of checks a second in one
	// Poller, all students together, with DefaultBurst at once: a small
	// share of what interactive reads may spend (and of the provider's
	// connections, with DefaultWorkers), so that notifications never
	// starve them.
	DefaultRate  = rate.Limit(2)
	DefaultBurst = 10
	// MaxBackoff bounds the wait after failed checks.
	MaxBackoff = 6 * time.Hour
)

// Options configure a Poller.
type Options struct {
	Store  store.Store
	Sender Sender
	// Providers are the configured universities, by Info().ID.
	Providers []provider.Provider
	// Days is how many days, from today, are watched; 0 means
	// DefaultDays.
	Days int
	// Interval is how often a subscription is checked, TodayInterval how
	// often while classes of the current day are still to come; 0 means
	// the defaults. Each is jittered by ±10%.
	Interval, TodayInterval time.Duration
	// Workers bounds the checks in flight at once (0: DefaultWorkers),
	// Batch the subscriptions leased at once (0: DefaultBatch).
	Workers, Batch int
	// Tick is how often Run looks for due subscriptions; 0 means
	// DefaultTick.
	Tick time.Duration
	// CheckTimeout bounds one check, reading and sending; 0 means
	// DefaultCheckTimeout. A lease lasts twice as long.
	CheckTimeout time.Duration
	// Rate and Burst are each university's budget of checks (0: the
	// defaults); a check that finds none left is postponed.
	Rate  rate.Limit
	Burst int
	// Now returns the time; nil means time.Now.
	Now func() time.Time
	// Jitter returns a random fraction in [0, 1); nil means
	// math/rand/v2.
	Jitter func() float64
	Logger *slog.Logger
	// Metrics counts checks, changes, pushes and queue lag; may be nil.
	Metrics *metrics.Metrics
}

// Poller checks subscriptions. Its methods are safe for concurrent use.
type Poller struct {
	o         Options
	providers map[string]provider.Provider
	limits    map[string]*rate.Limiter // read-only after New
}

// New returns a Poller with opts.
func New(opts Options) (*Poller, error) {
	if opts.Store == nil || opts.Sender == nil {
		return nil, errors.New("poll: a store and a sender are required")
	}
	if opts.Days <= 0 {
		opts.Days = DefaultDays
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.TodayInterval <= 0 {
		opts.TodayInterval = min(DefaultTodayInterval, opts.Interval)
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	if opts.Tick <= 0 {
		opts.Tick = DefaultTick
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = DefaultCheckTimeout
	}
	if opts.Rate <= 0 {
		opts.Rate = DefaultRate
	}
	if opts.Burst <= 0 {
		opts.Burst = DefaultBurst
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Jitter == nil {
		opts.Jitter = rand.Float64
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Poller{o: opts, providers: map[string]provider.Provider{}, limits: map[string]*rate.Limiter{}}
	for _, pr := range opts.Providers {
		id := pr.Info().ID
		p.providers[id] = pr
		p.limits[id] = rate.NewLimiter(opts.Rate, opts.Burst)
	}
	return p, nil
}

// Run checks due subscriptions every Tick until ctx is done.
func (p *Poller) Run(ctx context.Context) {
	t := time.NewTicker(p.o.Tick)
	defer t.Stop()
	for {
		if _, err := p.RunOnce(ctx); err != nil && ctx.Err() == nil {
			p.o.Logger.Warn("checking notification subscriptions failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce checks the subscriptions due now, batch by batch, until none
// is left; it returns how many it checked.
func (p *Poller) RunOnce(ctx context.Context) (int, error) {
	var checked int
	for ctx.Err() == nil {
		now := p.o.Now()
		subs, err := p.o.Store.Lease(ctx, now, p.o.Batch, 2*p.o.CheckTimeout)
		if err != nil {
			return checked, fmt.Errorf("poll: leasing subscriptions: %w", err)
		}
		if len(subs) == 0 {
			break
		}
		sem := make(chan struct{}, p.o.Workers)
		var wg sync.WaitGroup
		for _, sub := range subs {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				p.Check(ctx, sub)
			}()
		}
		wg.Wait()
		checked += len(subs)
		if len(subs) < p.o.Batch {
			break
		}
	}
	return checked, ctx.Err()
}

// snapshot is what a subscription remembers between checks.
type snapshot struct {
	// Timetable is the last confirmed answer for the watched range.
	Timetable shared.Timetable `json:"t"`
	// Reminded are the keys (see remindKey) of the events already
	// reminded of.
	Reminded []string `json:"r,omitempty"`
}

// Check checks sub, which must come from the store's Lease, and stores
// the outcome: it sends a push message when classes changed (or a
// reminder is due), deletes the subscription when the university or the
// push service has ended it, and schedules the next check.
func (p *Poller) Check(ctx context.Context, sub *store.Subscription) {
	now := p.o.Now()
	log := p.o.Logger.With("provider", sub.Provider)
	ctx, cancel := context.WithTimeout(ctx, p.o.CheckTimeout)
	defer cancel()

	pr, ok := p.providers[sub.Provider]
	if !ok {
		// The university is not configured (any more): try again later;
		// the subscription expires if it does not come back.
		log.Warn("a notification subscription is for a university not configured")
		p.reschedule(ctx, sub, now, MaxBackoff, "error", now)
		return
	}
	if !p.limits[sub.Provider].AllowN(now, 1) {
		sub.NextCheck = now.Add(p.jittered(time.Minute))
		p.update(ctx, sub, "postponed", now)
		return
	}
	var creds provider.Credentials
	if err := json.Unmarshal(sub.Access, &creds); err != nil {
		log.Error("a stored notifications access does not decode; deleting the subscription", "err", err)
		p.delete(ctx, sub)
		return
	}
	var snap snapshot
	if sub.Snapshot != nil {
		if err := json.Unmarshal(sub.Snapshot, &snap); err != nil {
			log.Warn("a notifications snapshot does not decode; starting again", "err", err)
			snap = snapshot{}
		}
	}

	lang, _ := i18n.Parse(sub.Language)
	from := shared.DateOf(now)
	to := from.AddDays(p.o.Days - 1)
	before := creds
	events, err := pr.Timetable(provider.WithLanguages(ctx, askLanguages(lang)...), &creds, from, to)
	switch {
	case errors.Is(err, provider.ErrSignedOut):
		// The university ended the access (the student revoked it, or
		// it expired): the subscription ends with it.
		log.Info("a notifications access was revoked at the university; deleting the subscription")
		p.o.Metrics.NotifyCheck(sub.Provider, "signed_out", now.Sub(sub.NextCheck))
		p.end(ctx, pr, sub, creds)
		return
	case err != nil:
		sub.Failures++
		log.Warn("checking a notification subscription failed", "err", err, "failures", sub.Failures)
		p.reschedule(ctx, sub, now, p.backoff(sub.Failures), "error", sub.NextCheck)
		return
	}
	if !reflect.DeepEqual(before, creds) {
		access, err := json.Marshal(creds)
		if err != nil {
			log.Error("encoding a refreshed notifications access failed", "err", err)
		} else {
			sub.Access = access
		}
	}
	due := sub.NextCheck
	sub.Failures = 0
	fresh := shared.Timetable{Provider: sub.Provider, From: from, To: to, FetchedAt: now.UTC().Truncate(time.Second), Events: events}
	if fresh.Events == nil {
		fresh.Events = []shared.Event{}
	}

	next := snap
	var msg *Payload
	if sub.Snapshot != nil {
		var changes []change.Change
		var unconfirmed int
		changes, fresh, unconfirmed = GuardedDiff(snap.Timetable, fresh)
		if unconfirmed > 0 {
			log.Info("the university answered no classes where there were some; keeping them until confirmed", "weeks", unconfirmed)
		}
		if changes = Noticeable(changes, snap.Timetable.To); len(changes) > 0 {
			p.o.Metrics.NotifyChanges(sub.Provider, len(changes))
			m := ChangesMessage(lang, now, changes)
			msg = &m
		}
	}
	next.Timetable = fresh
	if sub.RemindersMinutes > 0 && msg == nil {
		lead := time.Duration(sub.RemindersMinutes) * time.Minute
		if evs := dueReminders(fresh.Events, now, lead, snap.Reminded); len(evs) > 0 {
			m := RemindersMessage(lang, evs)
			msg = &m
			for _, ev := range evs {
				next.Reminded = append(next.Reminded, remindKey(ev))
			}
		}
		next.Reminded = keepReminded(next.Reminded, fresh.Events, now)
	}
	if msg != nil {
		switch err := p.send(ctx, sub, *msg); {
		case errors.Is(err, push.ErrGone):
			log.Info("the push subscription has ended; deleting the subscription")
			p.o.Metrics.NotifyCheck(sub.Provider, "ok", now.Sub(due))
			p.end(ctx, pr, sub, creds)
			return
		case err != nil:
			// Keep the old snapshot, so that the next check finds the
			// changes again and tries to tell them.
			sub.Failures++
			log.Warn("sending a notification failed", "err", err, "failures", sub.Failures)
			p.reschedule(ctx, sub, now, p.backoff(sub.Failures), "ok", due)
			return
		}
	}
	b, err := json.Marshal(next)
	if err != nil {
		log.Error("encoding a notifications snapshot failed", "err", err)
		p.reschedule(ctx, sub, now, p.o.Interval, "error", due)
		return
	}
	sub.Snapshot = b
	sub.NextCheck = p.nextCheck(now, fresh.Events, sub.RemindersMinutes, next.Reminded)
	p.update(ctx, sub, "ok", due)
}

// guardDays is the span GuardedDiff guards: a week, as universities are
// read (USOS answers a week per call).
const guardDays = 7

// GuardedDiff compares fresh with cached (change.Diff) week by week from
// fresh.From, because a university read a week at a time can answer one
// week empty by mistake: a week whose cached classes are all missing at
// once is not believed (change.Diff's guard), reports no changes and keeps
// its cached events. It returns the changes, sorted by time, the
// timetable to remember, and how many weeks were not believed.
func GuardedDiff(cached, fresh shared.Timetable) (changes []change.Change, keep shared.Timetable, unconfirmed int) {
	keep = fresh
	keep.Events = []shared.Event{}
	for _, w := range upstream.Windows(fresh.From, fresh.To, guardDays) {
		week := fresh
		week.From, week.To = w.Start, w.End().AddDays(-1)
		week.Events = inDays(fresh.Events, week.From, week.To)
		d := change.Diff(cached, week)
		if d.Unconfirmed {
			unconfirmed++
			keep.Events = append(keep.Events, inDays(cached.Events, week.From, week.To)...)
			continue
		}
		changes = append(changes, d.Changes...)
		keep.Events = append(keep.Events, week.Events...)
	}
	return changes, keep, unconfirmed
}

// inDays returns the events that start on a date in [from, to].
func inDays(events []shared.Event, from, to shared.Date) []shared.Event {
	var out []shared.Event
	for _, ev := range events {
		if d := shared.DateOf(ev.Start); !d.Before(from) && !d.After(to) {
			out = append(out, ev)
		}
	}
	return out
}

// askLanguages are the languages to ask the university in for a
// subscription in lang: lang, then English, which a student reads sooner
// than the university's own language where it lacks theirs (as the API
// asks for the PWA).
func askLanguages(lang i18n.Lang) []string {
	if lang == i18n.English {
		return []string{"en"}
	}
	return []string{lang.String(), "en"}
}

// Noticeable returns the changes worth telling: all but the classes that
// are new only because the watched range moved on past cachedTo.
func Noticeable(changes []change.Change, cachedTo shared.Date) []change.Change {
	return slices.DeleteFunc(slices.Clone(changes), func(c change.Change) bool {
		return c.What == change.Added && c.Date().After(cachedTo)
	})
}

// nextCheck is when a subscription checked at now is due again: after
// TodayInterval while classes of today are still to come, else after
// Interval, jittered; and no later than the next reminder.
func (p *Poller) nextCheck(now time.Time, events []shared.Event, remindMinutes int, reminded []string) time.Time {
	d := p.o.Interval
	today := shared.DateOf(now)
	for _, ev := range events {
		if !ev.AllDay && shared.DateOf(ev.Start.In(now.Location())) == today && ev.End.After(now) {
			d = p.o.TodayInterval
			break
		}
	}
	next := now.Add(p.jittered(d))
	if remindMinutes > 0 {
		lead := time.Duration(remindMinutes) * time.Minute
		for _, ev := range events {
			at := ev.Start.Add(-lead)
			if ev.AllDay || !ev.Start.After(now) || slices.Contains(reminded, remindKey(ev)) {
				continue
			}
			if at.Before(next) {
				next = at
			}
		}
		if next.Before(now) {
			next = now
		}
	}
	return next
}

// dueReminders returns the events starting within lead of now that have
// not been reminded of.
func dueReminders(events []shared.Event, now time.Time, lead time.Duration, reminded []string) []shared.Event {
	var out []shared.Event
	for _, ev := range events {
		if ev.AllDay || !ev.Start.After(now) || ev.Start.Sub(now) > lead {
			continue
		}
		if !slices.Contains(reminded, remindKey(ev)) {
			out = append(out, ev)
		}
	}
	slices.SortFunc(out, func(a, b shared.Event) int { return a.Start.Compare(b.Start) })
	return out
}

// remindKey names an event at its time, so that a class that moves is
// reminded of again.
func remindKey(ev shared.Event) string { return ev.ID + "@" + ev.Start.UTC().Format(time.RFC3339) }

// keepReminded drops the keys of events that have started.
func keepReminded(keys []string, events []shared.Event, now time.Time) []string {
	var out []string
	for _, ev := range events {
		if k := remindKey(ev); ev.Start.After(now) && slices.Contains(keys, k) {
			out = append(out, k)
		}
	}
	return out
}

// send encodes msg and sends it to sub's browser.
func (p *Poller) send(ctx context.Context, sub *store.Subscription, msg Payload) error {
	b, err := msg.encode(push.MaxPayload)
	if err != nil {
		return fmt.Errorf("poll: encoding a message: %w", err)
	}
	err = p.o.Sender.Send(ctx, push.Subscription{Endpoint: sub.Push.Endpoint, P256DH: sub.Push.P256DH, Auth: sub.Push.Auth},
		push.Message{Payload: b, Topic: msg.Tag[:min(len(msg.Tag), 32)], Urgency: "normal"})
	switch {
	case err == nil:
		p.o.Metrics.NotifyPush("sent")
	case errors.Is(err, push.ErrGone):
		p.o.Metrics.NotifyPush("gone")
	default:
		p.o.Metrics.NotifyPush("failed")
	}
	return err
}

// reschedule stores sub to be checked again after d.
func (p *Poller) reschedule(ctx context.Context, sub *store.Subscription, now time.Time, d time.Duration, outcome string, due time.Time) {
	sub.NextCheck = now.Add(p.jittered(d))
	p.update(ctx, sub, outcome, due)
}

func (p *Poller) update(ctx context.Context, sub *store.Subscription, outcome string, due time.Time) {
	p.o.Metrics.NotifyCheck(sub.Provider, outcome, p.o.Now().Sub(due))
	sctx, cancel := p.detached(ctx)
	defer cancel()
	if err := p.o.Store.Update(sctx, sub); err != nil {
		level := slog.LevelWarn
		if errors.Is(err, store.ErrLeaseLost) || errors.Is(err, store.ErrNotFound) {
			level = slog.LevelDebug // taken over, or turned off meanwhile
		}
		p.o.Logger.Log(ctx, level, "storing a checked notification subscription failed", "provider", sub.Provider, "err", err)
	}
}

// end deletes sub and revokes its access at the university where it can.
func (p *Poller) end(ctx context.Context, pr provider.Provider, sub *store.Subscription, creds provider.Credentials) {
	p.delete(ctx, sub)
	if pr.Info().Capabilities.Revoke {
		rctx, cancel := p.detached(ctx)
		defer cancel()
		if err := provider.Revoke(rctx, pr, &creds); err != nil {
			p.o.Logger.Warn("revoking an ended notifications access failed", "provider", sub.Provider, "err", err)
		}
	}
}

func (p *Poller) delete(ctx context.Context, sub *store.Subscription) {
	dctx, cancel := p.detached(ctx)
	defer cancel()
	if _, err := p.o.Store.Delete(dctx, sub.ID); err != nil {
		p.o.Logger.Warn("deleting a notification subscription failed", "provider", sub.Provider, "err", err)
	}
}

// detached returns a context for what ends a check (storing, deleting,
// revoking): not cut by the check's deadline, bounded by CheckTimeout.
func (p *Poller) detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), p.o.CheckTimeout)
}

// backoff is the wait after failures checks failed in a row: Interval,
// doubling, at most MaxBackoff.
func (p *Poller) backoff(failures int) time.Duration {
	d := p.o.Interval
	for i := 1; i < failures && d < MaxBackoff; i++ {
		d *= 2
	}
	return min(d, MaxBackoff)
}

// jittered returns d ±10%.
func (p *Poller) jittered(d time.Duration) time.Duration {
	return d + time.Duration((p.o.Jitter()*0.2-0.1)*float64(d))
}

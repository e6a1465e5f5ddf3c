package timetable

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/campusweek/campusweek/shared"
)

// Storage is where the account and its cached timetable are kept: the
// browser's localStorage in the app (app/ui's deviceStorage). Values are
// encoded as JSON. Get leaves v as it is when k is not stored.
//
// Storage failures (private mode, quota) are not errors for the student:
// the app then works as before, online only.
type Storage interface {
	Get(k string, v any) error
	Set(k string, v any) error
	Del(k string)
	ForEach(f func(k string))
}

// Storage keys. The prefix starts every key the app writes; its version
// lets a future format ignore (and clean up) older entries.
const (
	storagePrefix = "campusweek/v1/"
	// AccountKey holds the account last signed in on this browser. A
	// change of it in another tab (a storage event) means that tab signed
	// out or in as someone else: see Model.AccountChanged.
	AccountKey         = storagePrefix + "account"
	timetableKeyPrefix = storagePrefix + "timetable/"
	// signOutPendingKey marks a sign-out the backend has not confirmed yet.
	signOutPendingKey = storagePrefix + "signout-pending"
)

// timetableKey is the storage key of an account's cached timetable. The
// IDs are path-escaped so that no pair of IDs can make another pair's key
// ("a/b"+"c" versus "a"+"b/c").
func timetableKey(a Account) string {
	return timetableKeyPrefix + url.PathEscape(a.Provider) + "/" + url.PathEscape(a.UserID)
}

// firstWeeksKey is the storage key of the part of an account's cached
// timetable read first at start (see Cache.firstWeeks). It starts with
// timetableKey's prefix, so forgetTimetables removes it too; escaped IDs
// hold no "/", so it is no other account's timetableKey.
func firstWeeksKey(a Account) string {
	return timetableKey(a) + "/first-weeks"
}

// loadAccount returns the account last signed in on this browser.
func loadAccount(st Storage) (Account, bool) {
	var a Account
	if err := st.Get(AccountKey, &a); err != nil || a.Provider == "" || a.UserID == "" {
		return Account{}, false
	}
	return a, true
}

// rememberAccount records a as the account signed in on this browser. When
// another student (or nobody) was signed in before, every cached timetable
// is deleted first: a shared computer never keeps one student's classes
// for the next, and only one student's timetable is ever stored. An
// account recorded already is not written again: another tab may remove
// it between this check and a write (signing out there), and the write
// would sign the student back in on the device.
func rememberAccount(st Storage, a Account) error {
	prev, ok := loadAccount(st)
	if ok && prev == a {
		return nil
	}
	if !ok || !prev.Same(a) {
		forgetTimetables(st)
	}
	if err := st.Set(AccountKey, a); err != nil {
		return fmt.Errorf("remembering the account: %w", err)
	}
	return nil
}

// forgetAll removes the account and every cached timetable: signing out.
func forgetAll(st Storage) {
	st.Del(AccountKey)
	forgetTimetables(st)
}

// forgetTimetables removes every cached timetable.
func forgetTimetables(st Storage) {
	var stale []string
	st.ForEach(func(k string) {
		if strings.HasPrefix(k, timetableKeyPrefix) {
			stale = append(stale, k)
		}
	})
	for _, k := range stale {
		st.Del(k)
	}
}

// loadTimetable returns a's cached timetable, or an empty one.
func loadTimetable(st Storage, a Account) *Cache {
	var c Cache
	if err := st.Get(timetableKey(a), &c); err != nil || !c.belongsTo(a) {
		return NewCache(a)
	}
	return &c
}

// loadFirstWeeks returns the part of a's cached timetable stored for a
// first paint (see Cache.firstWeeks), marked partial, if it holds the
// week of monday; ok is false otherwise (then the whole one is needed).
func loadFirstWeeks(st Storage, a Account, monday shared.Date) (c *Cache, ok bool) {
	c = new(Cache)
	if err := st.Get(firstWeeksKey(a), c); err != nil || !c.belongsTo(a) {
		return nil, false
	}
	if _, ok := c.WeekSynced(monday); !ok {
		return nil, false
	}
	c.partial = true
	return c, true
}

// errPartial is a bug: saving a cache that holds only its first weeks
// would lose the rest of the term.
var errPartial = errors.New("saving the timetable: only its first weeks are loaded")

// saveTimetable stores c (pruned around today) under its account's key,
// and its first weeks under theirs, unless the account signed in on this
// browser is no longer c's (another tab signed out or in as someone else
// meanwhile).
func saveTimetable(st Storage, c *Cache, today shared.Date) error {
	if c.partial {
		return errPartial
	}
	a, ok := loadAccount(st)
	if !ok || !c.belongsTo(a) {
		return nil
	}
	if err := st.Set(timetableKey(a), c.pruned(today)); err != nil {
		st.Del(firstWeeksKey(a))
		return fmt.Errorf("saving the timetable: %w", err)
	}
	if err := st.Set(firstWeeksKey(a), c.firstWeeks(today)); err != nil {
		// Never an older copy of them than the whole: start reads that.
		st.Del(firstWeeksKey(a))
		return fmt.Errorf("saving the timetable's first weeks: %w", err)
	}
	return nil
}

// deleteTimetable removes a's cached timetable, both keys.
func deleteTimetable(st Storage, a Account) {
	st.Del(firstWeeksKey(a))
	st.Del(timetableKey(a))
}

// signOutPending reports whether a sign-out still has to reach the backend.
func signOutPending(st Storage) bool {
	var pending bool
	return st.Get(signOutPendingKey, &pending) == nil && pending
}

// RecordSignIn records the account of a new session (from the callback or
// PIN page), so that the app knows whose cached timetable to open when it
// starts offline, and deletes any other student's cached timetable before
// the week shows anything. A pending sign-out is forgotten: the new
// session replaced the cookie it was about. The error is the storage's:
// the app then works online only.
func RecordSignIn(st Storage, s shared.Session) error {
	st.Del(signOutPendingKey)
	a, ok := AccountOf(s)
	if !ok {
		forgetAll(st)
		return nil
	}
	return rememberAccount(st, a)
}

package ui

import (
	"strings"

	"github.com/campusweek/campusweek/shared"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The functions below keep the account and its cached timetable in a
// browser storage (ctx.LocalStorage() in the app; see offline.go for why
// localStorage). They run on the UI goroutine. Storage failures (private
// mode, quota) are not errors for the student: the app then works as
// before, online only.

// loadAccount returns the account last signed in on this browser.
func loadAccount(st app.BrowserStorage) (account, bool) {
	var a account
	if err := st.Get(accountKey, &a); err != nil || a.Provider == "" || a.UserID == "" {
		return account{}, false
	}
	return a, true
}

// rememberAccount records a as the account signed in on this browser. When
// another student (or nobody) was signed in before, every cached timetable
// is deleted first: a shared computer never keeps one student's classes
// for the next, and only one student's timetable is ever stored.
func rememberAccount(st app.BrowserStorage, a account) error {
	if prev, ok := loadAccount(st); !ok || !prev.same(a) {
		forgetTimetables(st)
	}
	return st.Set(accountKey, a)
}

// forgetAll removes the account and every cached timetable: signing out.
func forgetAll(st app.BrowserStorage) {
	st.Del(accountKey)
	forgetTimetables(st)
}

// forgetTimetables removes every cached timetable.
func forgetTimetables(st app.BrowserStorage) {
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
func loadTimetable(st app.BrowserStorage, a account) *cachedTimetable {
	var c cachedTimetable
	if err := st.Get(timetableKey(a), &c); err != nil || !c.belongsTo(a) {
		return newCache(a)
	}
	return &c
}

// saveTimetable stores c (pruned around today) under its account's key,
// unless the account signed in on this browser is no longer c's (another
// tab signed out or in as someone else meanwhile).
func saveTimetable(st app.BrowserStorage, c *cachedTimetable, today shared.Date) error {
	a, ok := loadAccount(st)
	if !ok || !c.belongsTo(a) {
		return nil
	}
	return st.Set(timetableKey(a), c.pruned(today))
}

// signOutPendingKey marks a sign-out the backend has not confirmed yet.
const signOutPendingKey = storagePrefix + "signout-pending"

// markSignOutPending records that the student signed out on this device.
func markSignOutPending(st app.BrowserStorage) {
	if err := st.Set(signOutPendingKey, true); err != nil {
		app.Log("campusweek: recording the sign-out:", err)
	}
}

// signOutPending reports whether a sign-out still has to reach the backend.
func signOutPending(st app.BrowserStorage) bool {
	var pending bool
	return st.Get(signOutPendingKey, &pending) == nil && pending
}

// clearSignOutPending forgets a sign-out the backend confirmed, or that a
// new sign-in made moot (it replaced the session cookie).
func clearSignOutPending(st app.BrowserStorage) { st.Del(signOutPendingKey) }

// signedIn records the account of a new session, so that the app knows
// whose cached timetable to open when it starts offline, and deletes any
// other student's cached timetable before the week view shows anything.
func signedIn(ctx app.Context, s shared.Session) {
	st := ctx.LocalStorage()
	clearSignOutPending(st)
	newFeed = nil // never another student's address
	a, ok := accountOf(s)
	if !ok {
		forgetAll(st)
		return
	}
	if err := rememberAccount(st, a); err != nil {
		app.Log("campusweek: remembering the account:", err)
	}
}

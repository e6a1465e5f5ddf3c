package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/campusweek/campusweek/app/timetable"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// deviceStorage is the browser's localStorage, where the app keeps what
// it remembers on the device: the account, the cached timetable, pinned
// public timetables, the language and the theme chosen. It is the app's
// timetable.Storage. Each value is JSON stored as a JSON text sequence of
// one text (RFC 7464): the record separator U+001E, the JSON, a line feed.
//
// go-app's own ctx.LocalStorage() stores bare JSON, and go-app, as it
// starts and before its first frame, reads every localStorage value and
// parses it as JSON, looking for expired states of its own. A term's
// cached timetable is 100-300 KB of JSON: that parse held the first
// frame, and the week, back by milliseconds per 10 KB. A value that opens
// with the separator is not JSON from its first byte, and the parse stops
// there. Values stored as bare JSON (by earlier versions) are still read.
//
// Outside a browser (prerendering) it stores nothing and finds nothing.
type deviceStorage struct{}

var _ timetable.Storage = deviceStorage{}

// recordSeparator opens a stored value (RFC 7464).
const recordSeparator = "\x1e"

// errNoStorage says the browser offers no localStorage (disabled).
var errNoStorage = errors.New("no localStorage in this browser")

// localStorage returns window.localStorage, which may be missing or throw
// (storage disabled).
func localStorage() (ls app.Value, err error) {
	if !app.IsClient {
		return nil, errNoStorage
	}
	defer catchJS(&err)
	ls = app.Window().Get("localStorage")
	if !ls.Truthy() {
		return nil, errNoStorage
	}
	return ls, nil
}

// catchJS turns a JavaScript exception thrown in a syscall/js call (the
// quota exceeded, storage disabled) into *err.
func catchJS(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("localStorage: %v", r)
	}
}

// Get decodes the value stored under k into v, leaving v as it is when k is
// not stored.
func (deviceStorage) Get(k string, v any) (err error) {
	ls, err := localStorage()
	if err != nil {
		return nil
	}
	defer catchJS(&err)
	item := ls.Call("getItem", k)
	if item.Type() != app.TypeString {
		return nil
	}
	if err := decodeStored(item.String(), v); err != nil {
		return fmt.Errorf("reading %s: %w", k, err)
	}
	return nil
}

// Set stores v under k.
func (deviceStorage) Set(k string, v any) (err error) {
	s, err := encodeStored(v)
	if err != nil {
		return fmt.Errorf("storing %s: %w", k, err)
	}
	ls, err := localStorage()
	if err != nil {
		return fmt.Errorf("storing %s: %w", k, err)
	}
	defer catchJS(&err)
	ls.Call("setItem", k, s)
	return nil
}

// Del removes k.
func (deviceStorage) Del(k string) {
	ls, err := localStorage()
	if err != nil {
		return
	}
	defer catchJS(&err)
	ls.Call("removeItem", k)
}

// ForEach calls f with every key stored, as they are when it starts.
func (deviceStorage) ForEach(f func(k string)) {
	ls, err := localStorage()
	if err != nil {
		return
	}
	var keys []string
	func() {
		defer catchJS(&err)
		for i := range ls.Get("length").Int() {
			if k := ls.Call("key", i); k.Type() == app.TypeString {
				keys = append(keys, k.String())
			}
		}
	}()
	for _, k := range keys {
		f(k)
	}
}

// encodeStored is v as deviceStorage stores it.
func encodeStored(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return recordSeparator + string(b) + "\n", nil
}

// decodeStored decodes a stored value s into v: a JSON text sequence of
// one text, or bare JSON.
func decodeStored(s string, v any) error {
	return json.Unmarshal([]byte(strings.TrimPrefix(s, recordSeparator)), v)
}

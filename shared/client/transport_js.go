//go:build js && wasm

package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"syscall/js"
)

// newTransport returns a transport that calls the browser's fetch. Requests
// to the page's own origin (baseURL "" or an URL of the same origin) send
// cookies with credentials "same-origin"; requests to another origin use
// "include", which the backend must allow with CORS credentials.
func newTransport(base string) transport {
	cred := "same-origin"
	if base != "" {
		if u, err := url.Parse(base); err == nil && u.Host != "" {
			origin := u.Scheme + "://" + u.Host
			if loc := js.Global().Get("location"); loc.Truthy() && loc.Get("origin").String() != origin {
				cred = "include"
			}
		}
	}
	return &fetchTransport{credentials: cred}
}

type fetchTransport struct {
	credentials string
}

// roundTrip must not run on the goroutine of a js.FuncOf callback invoked by
// JavaScript: it waits on a channel for the promise callbacks, which need
// the event loop.
func (t *fetchTransport) roundTrip(ctx context.Context, method, u, lang string, body []byte) (int, []byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	global := js.Global()
	fetch := global.Get("fetch")
	if fetch.Type() != js.TypeFunction {
		return 0, nil, fmt.Errorf("%w: fetch is not available", ErrUnreachable)
	}

	headers := map[string]any{"Accept": "application/json"}
	if lang != "" {
		headers["Accept-Language"] = lang
	}
	init := map[string]any{
		"method":      method,
		"credentials": t.credentials,
		"cache":       "no-store",
		"redirect":    "follow",
	}
	if body != nil {
		headers["Content-Type"] = "application/json"
		init["body"] = string(body)
	}
	init["headers"] = headers

	var abort js.Value
	if ac := global.Get("AbortController"); ac.Type() == js.TypeFunction {
		abort = ac.New()
		init["signal"] = abort.Get("signal")
	}

	resp, err := await(ctx, abort, func() js.Value { return fetch.Invoke(u, init) })
	if err != nil {
		return 0, nil, describe(ctx, method, u, err)
	}
	status := resp.Get("status").Int()
	buf, err := await(ctx, abort, func() js.Value { return resp.Call("arrayBuffer") })
	if err != nil {
		return 0, nil, describe(ctx, method, u, err)
	}
	arr := global.Get("Uint8Array").New(buf)
	n := arr.Get("length").Int()
	if n > maxResponseBytes {
		return 0, nil, errors.New("client: " + method + " " + u + ": response body too large")
	}
	b := make([]byte, n)
	js.CopyBytesToGo(b, arr)
	return status, b, nil
}

// jsError is a rejected promise's reason.
type jsError struct{ msg string }

func (e jsError) Error() string { return e.msg }

func describe(ctx context.Context, method, u string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("client: %s %s: %w", method, u, ctxErr)
	}
	return fmt.Errorf("%w: %s %s: %w", ErrUnreachable, method, u, err)
}

// await starts a promise with start and waits for it to settle or for ctx
// to end. On ctx's end it aborts the fetch (when abort is an
// AbortController) and returns at once; the promise callbacks are released
// once the promise settles, never before, as JavaScript may still call them.
func await(ctx context.Context, abort js.Value, start func() js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1) // callbacks never block: one of them runs, once
	onOK := js.FuncOf(func(this js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	onErr := js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "promise rejected"
		if len(args) > 0 {
			r := args[0]
			if r.Type() == js.TypeObject && r.Get("message").Type() == js.TypeString {
				msg = r.Get("name").String() + ": " + r.Get("message").String()
			} else {
				msg = js.Global().Get("String").Invoke(r).String()
			}
		}
		ch <- result{err: jsError{msg}}
		return nil
	})
	release := func() {
		onOK.Release()
		onErr.Release()
	}

	var p js.Value
	if err := catchPanic(func() { p = start() }); err != nil {
		release()
		return js.Undefined(), err
	}
	p.Call("then", onOK, onErr)

	select {
	case r := <-ch:
		release()
		return r.v, r.err
	case <-ctx.Done():
		if abort.Truthy() {
			abort.Call("abort")
		}
		go func() {
			<-ch
			release()
		}()
		return js.Undefined(), ctx.Err()
	}
}

// catchPanic runs f and turns a panic (syscall/js panics with a js.Error
// when the called JavaScript function throws synchronously) into an error.
func catchPanic(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	f()
	return nil
}

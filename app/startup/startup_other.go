//go:build !(js && wasm)

package startup

// Paced is false outside a browser: nothing is paced.
func Paced() bool { return false }

// Turn returns at once outside a browser.
func Turn() {}

//go:build !(js && wasm)

package startup

// Turn returns at once outside a browser.
func Turn() {}

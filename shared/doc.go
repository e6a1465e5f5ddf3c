// Package shared holds the types that cross the wire between the CampusWeek
// backend and its clients: the PWA compiled to WebAssembly, the command-line
// examples, and any tool another developer writes against the HTTP API.
//
// Every request and response body of the API is one of these types, encoded
// as JSON. Field names are part of the API contract and do not change within
// a major version; new optional fields may be added, so decoders should
// ignore unknown fields (encoding/json does by default).
//
// The package uses the standard library only, so that it compiles for
// GOOS=js GOARCH=wasm as well as for native targets and adds little to the
// size of a WebAssembly binary.
package shared

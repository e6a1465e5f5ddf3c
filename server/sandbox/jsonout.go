package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// member is one key of an object.
type member struct {
	key   string
	value any
}

// object is a JSON object whose keys keep the order they were added in.
// USOS replies list fields in a fixed order; a Go map would sort them
// alphabetically, which no real installation does.
type object []member

// MarshalJSON implements json.Marshaler.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(m.key)
		if err != nil {
			return nil, err
		}
		v, err := marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// langDict is a USOS LangDict. EN is a pointer because real installations
// send null as well as "" for a missing translation, and clients must
// survive both.
type langDict struct {
	PL string  `json:"pl"`
	EN *string `json:"en"`
}

// ld returns a LangDict with both languages ("" en stays "", not null).
func ld(pl, en string) langDict { return langDict{PL: pl, EN: &en} }

// ldNull returns a LangDict whose "en" is null.
func ldNull(pl string) langDict { return langDict{PL: pl} }

// english returns the English text, "" when missing or null.
func (d langDict) english() string {
	if d.EN == nil {
		return ""
	}
	return *d.EN
}

// marshal is json.Marshal without HTML escaping: real installations send
// "&" in URLs as is, not as \u0026.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeJSON writes v as a 200 JSON reply.
func writeJSON(w http.ResponseWriter, v any) {
	body, err := marshal(v)
	if err != nil {
		writeError(w, &apiError{status: http.StatusInternalServerError, code: "internal_error",
			message: "The sandbox could not encode its reply."})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

package web

import (
	"bytes"
	"encoding/json"
)

// Member is one key of an Object.
type Member struct {
	Key   string
	Value any
}

// Object is a JSON object whose keys keep the order they were added in.
// Real installations list fields in a fixed order; a Go map would sort
// them alphabetically, which none does.
type Object []Member

// MarshalJSON implements json.Marshaler.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		v, err := Marshal(m.Value)
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

// Marshal is json.Marshal without HTML escaping: real installations send
// "&" in URLs as is, not as \u0026.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Nullable returns nil for "" so that it encodes as JSON null.
func Nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

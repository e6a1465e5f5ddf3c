package usos

import (
	"net/http"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

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

// writeJSON writes v as a 200 JSON reply.
func writeJSON(w http.ResponseWriter, v any) {
	body, err := web.Marshal(v)
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

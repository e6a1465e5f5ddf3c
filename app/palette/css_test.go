package palette

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestStylesheetHasTheEntries: the views name a block's colours by the
// class course-N (Entry.Index), so web/app.css must carry every entry's
// colours in both themes, as Style would.
func TestStylesheetHasTheEntries(t *testing.T) {
	b, err := os.ReadFile("../../web/app.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	for _, e := range Entries {
		rule := fmt.Sprintf(".course-%d {\n", e.Index)
		i := strings.Index(css, rule)
		if i < 0 {
			t.Errorf("web/app.css has no rule %q", strings.TrimSpace(rule))
			continue
		}
		body := css[i : i+strings.Index(css[i:], "}")]
		for _, decl := range strings.Split(e.Style(), ";") {
			name, value, _ := strings.Cut(decl, ":")
			if !strings.Contains(body, name+": "+value+";") {
				t.Errorf("%s lacks %s: %s", strings.TrimSpace(rule), name, value)
			}
		}
	}
}

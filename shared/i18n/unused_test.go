package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoUnusedKeys fails when a key is not used by the code of the app or
// the server (as i18n.Key, outside this package and tests).
func TestNoUnusedKeys(t *testing.T) {
	used := map[string]bool{}
	for _, dir := range []string{"../../app", "../../server", "../../shared"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				return err
			}
			// This package's own code (ErrorKey) names keys unqualified;
			// the catalogs and the key list do not count as uses.
			own := f.Name.Name == "i18n" && !strings.HasPrefix(filepath.Base(path), "catalog_") && filepath.Base(path) != "keys.go"
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					if x, ok := n.X.(*ast.Ident); ok && x.Name == "i18n" {
						used[n.Sel.Name] = true
					}
				case *ast.Ident:
					if own {
						used[n.Name] = true
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range keyNames(t) {
		if !used[name] {
			t.Errorf("key %s is in the catalogs but no code uses it", name)
		}
	}
}

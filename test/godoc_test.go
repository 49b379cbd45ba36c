package test

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// publicPackages are the folders of the packages other modules import.
var publicPackages = []string{"constructs/staticsite", "constructs/sitechecks", "constructs/sitechecks/engine", "constructs/golambda", "pitfalls", "stacks"}

// undocumented lists, for the Go package in dir, every exported name that
// `go doc` would show without a comment, and every field of an exported
// Props or Options struct whose comment does not end with its default
// ("Default: ...") or say it is required.
func undocumented(dir string) ([]string, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, p := range pkgs {
		d := doc.New(p, dir, 0)
		if strings.TrimSpace(d.Doc) == "" {
			missing = append(missing, "package "+d.Name)
		}
		need := func(name, text string) {
			if strings.TrimSpace(text) == "" {
				missing = append(missing, name)
			}
		}
		for _, f := range d.Funcs {
			need(f.Name, f.Doc)
		}
		for _, v := range append(d.Consts, d.Vars...) {
			for _, name := range v.Names {
				if ast.IsExported(name) && strings.TrimSpace(v.Doc) == "" && !specDocumented(v.Decl, name) {
					missing = append(missing, name)
				}
			}
		}
		for _, t := range d.Types {
			need(t.Name, t.Doc)
			for _, f := range t.Funcs {
				need(f.Name, f.Doc)
			}
			for _, m := range t.Methods {
				need(t.Name+"."+m.Name, m.Doc)
			}
			for _, v := range append(t.Consts, t.Vars...) {
				for _, name := range v.Names {
					if ast.IsExported(name) && strings.TrimSpace(v.Doc) == "" && !specDocumented(v.Decl, name) {
						missing = append(missing, name)
					}
				}
			}
			if strings.HasSuffix(t.Name, "Props") || strings.HasSuffix(t.Name, "Options") {
				missing = append(missing, undocumentedFields(t)...)
			}
		}
	}
	return missing, nil
}

// specDocumented reports whether name has a comment of its own inside a
// const or var group.
func specDocumented(decl *ast.GenDecl, name string) bool {
	for _, s := range decl.Specs {
		vs, ok := s.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for _, n := range vs.Names {
			if n.Name == name {
				return vs.Doc != nil && strings.TrimSpace(vs.Doc.Text()) != "" || vs.Comment != nil
			}
		}
	}
	return false
}

// undocumentedFields are the exported fields of a Props or Options struct
// whose comment neither states the default nor says the field is
// required.
func undocumentedFields(t *doc.Type) []string {
	var missing []string
	for _, s := range t.Decl.Specs {
		st, ok := s.(*ast.TypeSpec).Type.(*ast.StructType)
		if !ok {
			continue
		}
		for _, f := range st.Fields.List {
			for _, n := range f.Names {
				if !n.IsExported() {
					continue
				}
				text := ""
				if f.Doc != nil {
					text = f.Doc.Text()
				}
				if !strings.Contains(text, "Default:") && !strings.Contains(text, "Required.") {
					missing = append(missing, fmt.Sprintf("%s.%s (no \"Default:\" or \"Required.\")", t.Name, n.Name))
				}
			}
		}
	}
	return missing
}

// TestGoDocCoversEveryExportedName: `go doc` shows a comment for every
// exported name of the public packages, and every prop says its default.
func TestGoDocCoversEveryExportedName(t *testing.T) {
	root := repoRoot(t)
	for _, dir := range publicPackages {
		missing, err := undocumented(filepath.Join(root, filepath.FromSlash(dir)))
		require.NoError(t, err)
		require.Empty(t, missing, "%s: exported names without a doc comment", dir)
	}
}

// The check itself finds what is missing.
func TestGoDocCheckFindsGaps(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.go"), []byte(`// Package x is documented.
package x

// Documented has a comment.
func Documented() {}

func Bare() {}

// WidgetProps configures a widget.
type WidgetProps struct {
	// Size is how big it is.
	// Default: 1.
	Size int
	// Color has no default stated.
	Color string
	Shape string
}

const Loose = 1
`), 0o644))
	missing, err := undocumented(dir)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"Bare", "Loose", `WidgetProps.Color (no "Default:" or "Required.")`, `WidgetProps.Shape (no "Default:" or "Required.")`}, missing)
}

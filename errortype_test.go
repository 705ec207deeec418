package portaloauth_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOneErrorType: oauthclient.Error is the one exported error type of
// the library packages (all but examples/, internal/ and tests). It reads
// the sources with go/parser, so it needs no build of the packages.
func TestOneErrorType(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	files := map[string][]*ast.File{} // by directory
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (name == "examples" || name == "internal" || name == "testdata" || name == "vendor" ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); path != "." && err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files[filepath.Dir(path)] = append(files[filepath.Dir(path)], f)
		return nil
	})
	require.NoError(t, err)
	require.Contains(t, files, "oauthclient", "the walk found the library packages")
	var found []string
	for dir, fs := range files {
		for _, name := range errorTypes(fs) {
			found = append(found, filepath.ToSlash(dir)+"."+name)
		}
	}
	slices.Sort(found)
	assert.Equal(t, []string{"oauthclient.Error"}, found,
		"the library packages declare one exported error type, oauthclient.Error (issue 9)")
}

// TestErrorTypesFinds proves that errorTypes sees the ways a package can
// declare an exported error type.
func TestErrorTypesFinds(t *testing.T) {
	t.Parallel()
	const src = `package p
type Pointer struct{ n int }
func (e *Pointer) Error() string { return "" }
type Value int
func (Value) Error() string { return "" }
type Generic[T any] struct{ v T }
func (e *Generic[T]) Error() string { return "" }
type Embeds struct{ error }
type EmbedsOther struct{ *oauthclient.Error }
type Iface interface{ error; Code() string }
type Method interface{ Error() string }
type unexported struct{}
func (unexported) Error() string { return "" }
type NotError struct{}
func (NotError) Error(int) string { return "" }
func (NotError) String() string { return "" }
type Alias = Pointer
`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	got := errorTypes([]*ast.File{f})
	slices.Sort(got)
	assert.Equal(t, []string{"Embeds", "EmbedsOther", "Generic", "Iface", "Method", "Pointer", "Value"}, got)
}

// errorTypes returns the exported types of one package's files that
// implement error: by an Error() string method, by an embedded error or
// *Error, or as interfaces that include error.
func errorTypes(files []*ast.File) []string {
	var out []string
	types := map[string]bool{}
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || ts.Assign.IsValid() || !ts.Name.IsExported() {
						continue
					}
					types[ts.Name.Name] = true
					if embedsError(ts.Type) {
						out = append(out, ts.Name.Name)
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) != 1 || d.Name.Name != "Error" || !isErrorMethod(d.Type) {
					continue
				}
				if name := receiverName(d.Recv.List[0].Type); ast.IsExported(name) && !slices.Contains(out, name) {
					out = append(out, name)
				}
			}
		}
	}
	return slices.DeleteFunc(out, func(name string) bool { return !types[name] })
}

// isErrorMethod reports whether ft is func() string.
func isErrorMethod(ft *ast.FuncType) bool {
	if ft.Params.NumFields() != 0 || ft.Results.NumFields() != 1 {
		return false
	}
	id, ok := ft.Results.List[0].Type.(*ast.Ident)
	return ok && id.Name == "string"
}

// receiverName is the type name of a receiver: T, *T, T[P], *T[P].
func receiverName(expr ast.Expr) string {
	for {
		switch e := expr.(type) {
		case *ast.StarExpr:
			expr = e.X
		case *ast.ParenExpr:
			expr = e.X
		case *ast.IndexExpr:
			expr = e.X
		case *ast.IndexListExpr:
			expr = e.X
		case *ast.Ident:
			return e.Name
		default:
			return ""
		}
	}
}

// embedsError reports whether a struct embeds error or an Error type, or
// an interface includes error or an Error() string method.
func embedsError(expr ast.Expr) bool {
	var fields *ast.FieldList
	switch e := expr.(type) {
	case *ast.StructType:
		fields = e.Fields
	case *ast.InterfaceType:
		fields = e.Methods
	default:
		return false
	}
	for _, field := range fields.List {
		if len(field.Names) == 0 {
			if name := embeddedName(field.Type); name == "error" || name == "Error" {
				return true
			}
			continue
		}
		if ft, ok := field.Type.(*ast.FuncType); ok && field.Names[0].Name == "Error" && isErrorMethod(ft) {
			return true
		}
	}
	return false
}

// embeddedName is the last name of an embedded type: error, Error for
// *oauthclient.Error.
func embeddedName(expr ast.Expr) string {
	switch e := expr.(type) {
	case *ast.StarExpr:
		return embeddedName(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.Ident:
		return e.Name
	}
	return ""
}

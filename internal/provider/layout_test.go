package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Every cloud the provider registers has one package of the same shape,
// and a mockcloud front-end named as it is, so that a sixth cloud is
// added by copying any of them. The shape is roles, each in its file:
// <name>.go describes the cloud and holds its Backend, client.go sends
// one call in the calling convention every cloud shares (cloud.Call) and
// knows the endpoint it calls when the settings name none, and
// errors.go holds the table of the vendor's codes and the classify that
// sorts a refusal by it. A wire.go, where a cloud has wire types of its
// own, is optional.
func TestCloudPackagesShareOneShape(t *testing.T) {
	for _, name := range Clouds().Names() {
		dir := filepath.Join("..", "cloud", name)
		files := goFiles(t, dir)
		if want := []string{"client.go", "errors.go", name + ".go"}; !slices.Equal(slices.DeleteFunc(slices.Clone(files), func(f string) bool { return f == "wire.go" }), sorted(want)) {
			t.Errorf("internal/cloud/%s has %v, want %v and optionally wire.go", name, files, sorted(want))
		}
		decls := declarations(t, dir)
		for _, role := range []struct{ file, decl, signature string }{
			{name + ".go", "const Name", ""},
			{name + ".go", "func Definition", "func() cloud.Cloud"},
			{name + ".go", "type Backend", ""},
			{name + ".go", "func New", "func(s map[string]string) (*Backend, error)"},
			{name + ".go", "func (*Backend) Authorize", "func(ctx context.Context, groupID string, rules []rule.Rule, _ string) error"},
			{name + ".go", "func (*Backend) Describe", "func(ctx context.Context, groupID string) ([]rule.Rule, error)"},
			{name + ".go", "func (*Backend) Revoke", "func(ctx context.Context, groupID string, rules []rule.Rule, _ string) error"},
			{"client.go", "type client", ""},
			{"client.go", "func newClient", "func(s map[string]string) (*client, error)"},
			{"client.go", "func defaultEndpoint", "func(s map[string]string) string"},
			{"client.go", "func (*client) call", "func(ctx context.Context, req cloud.Request, out any) error"},
			{"errors.go", "var codes", ""},
			{"errors.go", "func classify", "func(req cloud.Request, e *cloud.Error)"},
		} {
			got, ok := decls[role.decl]
			switch {
			case !ok:
				t.Errorf("internal/cloud/%s lacks %s (in %s)", name, role.decl, role.file)
			case got.file != role.file:
				t.Errorf("internal/cloud/%s: %s is in %s, want %s", name, role.decl, got.file, role.file)
			case role.signature != "" && normalSignature(got.signature) != normalSignature(role.signature):
				t.Errorf("internal/cloud/%s: %s is %s, want %s", name, role.decl, got.signature, role.signature)
			}
		}
		// The client and the machine lock's scope read the endpoint
		// alike (cloud.Cloud.Endpoint).
		if def, _ := Clouds().Get(name); def.DefaultEndpoint == nil {
			t.Errorf("internal/cloud/%s: Definition sets no DefaultEndpoint (its defaultEndpoint)", name)
		}
		mock := goFiles(t, filepath.Join("..", "mockcloud", name))
		for _, want := range []string{name + ".go", "fixtures.go"} {
			if !slices.Contains(mock, want) {
				t.Errorf("internal/mockcloud/%s lacks %s (it has %v)", name, want, mock)
			}
		}
	}
}

// declaration is where a package declares a name, and its signature for
// a function.
type declaration struct{ file, signature string }

// declarations reads a package's top-level names ("func New",
// "func (*Backend) Revoke", "var codes", "type client", "const Name").
func declarations(t *testing.T, dir string) map[string]declaration {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string]declaration{}
	for _, file := range goFiles(t, dir) {
		f, err := parser.ParseFile(fset, filepath.Join(dir, file), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				key := "func " + d.Name.Name
				if d.Recv != nil {
					key = "func (" + types.ExprString(d.Recv.List[0].Type) + ") " + d.Name.Name
				}
				out[key] = declaration{file, types.ExprString(d.Type)}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						out["type "+spec.Name.Name] = declaration{file: file}
					case *ast.ValueSpec:
						for _, n := range spec.Names {
							out[d.Tok.String()+" "+n.Name] = declaration{file: file}
						}
					}
				}
			}
		}
	}
	return out
}

// normalSignature drops parameter and result names: a signature is its
// types ("_ string" and "clientToken string" are one).
func normalSignature(s string) string {
	expr, err := parser.ParseExpr(s)
	if err != nil {
		return s
	}
	fn := expr.(*ast.FuncType)
	for _, fields := range []*ast.FieldList{fn.Params, fn.Results} {
		if fields == nil {
			continue
		}
		var unnamed []*ast.Field
		for _, f := range fields.List {
			for range max(1, len(f.Names)) {
				unnamed = append(unnamed, &ast.Field{Type: f.Type})
			}
		}
		fields.List = unnamed
	}
	return types.ExprString(fn)
}

// goFiles lists a package directory's non-test Go files, sorted.
func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			out = append(out, n)
		}
	}
	return sorted(out)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

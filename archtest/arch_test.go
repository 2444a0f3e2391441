package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "jobtester"

// Size limits of hand-written Go files (tests included): beyond these a file
// or a function does more than one thing and is split.
const (
	maxFileLines = 500
	maxFuncLines = 100
)

// rule forbids packages matching from to import packages matching to.
// A pattern "x/..." matches x and everything below it.
type rule struct {
	from, to string
	why      string
	except   []string // importers the rule does not apply to
}

// rules are the import rules of docs/architecture.md; keep the two in step.
var rules = []rule{
	{from: "handlers/...", to: "web/...", why: "the JSON API and the pages are two front ends over control/, models/ and leaderboard/"},
	{from: "web/...", to: "handlers/...", why: "the pages are a front end of their own; shared operations live in control/"},
	{from: "scoring/...", to: "...", why: "score formulas are pure: numbers in, numbers out"},
	{from: "ethaddr/...", to: "...", why: "the address type is a leaf every package may use"},
	{from: "rollup/...", to: "...", why: "the rollup index is a plain data structure"},
	{from: "sampling/...", to: "...", why: "the sampling policy is pure: scores in, test counts out"},
	{from: "livemetrics/...", to: "...", why: "the live-metrics record is plain data every layer shares"},
	{from: "verify/...", to: "...", why: "checks on answers are pure: pixels, durations and text in, verdicts out"},
	{from: "netfault/...", to: "...", why: "the fault proxy is plain TCP, usable by any test or benchmark"},
	{from: "...", to: "simnet/...", why: "the simulated network is a separate world; only the demo and benchmarks start it",
		except: []string{"simnet/...", "cmd/jobtester/...", "bench/...", "localnet"}},
	{from: "simnet/...", to: "livepeer", why: "simnet is the world the protocol client is tested against; it shares only the contracts' bindings (livepeer/contracts)"},
	{from: "...", to: "testutil/...", why: "test helpers are for _test.go files", except: []string{"testutil/..."}},
	{from: "...", to: "dbtest/...", why: "test databases are for _test.go files", except: []string{"dbtest/..."}},
	{from: "...", to: "web/webtest/...", why: "the browser harness is for _test.go files", except: []string{"web/webtest/..."}},
	{from: "models/...", to: "handlers/...", why: "storage knows nothing of HTTP"},
	{from: "models/...", to: "web/...", why: "storage knows nothing of HTTP"},
	{from: "models/...", to: "jobs/...", why: "storage knows nothing of the tester"},
	{from: "models/...", to: "control/...", why: "storage is below the operations"},
	{from: "control/...", to: "handlers/...", why: "operations are called by the front ends, not the other way"},
	{from: "control/...", to: "web/...", why: "operations are called by the front ends, not the other way"},
	{from: "jobs/...", to: "handlers/...", why: "the tester knows nothing of HTTP front ends"},
	{from: "jobs/...", to: "web/...", why: "the tester knows nothing of HTTP front ends"},
	{from: "leaderboard/...", to: "handlers/...", why: "the leaderboard computation serves both front ends"},
	{from: "leaderboard/...", to: "web/...", why: "the leaderboard computation serves both front ends"},
	{from: "livepeer/...", to: "models/...", why: "the protocol client does not store"},
	{from: "media/...", to: "models/...", why: "media work does not store"},
}

func match(pattern, pkg string) bool {
	if pattern == "..." {
		return true
	}
	if p, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == p || strings.HasPrefix(pkg, p+"/")
	}
	return pkg == pattern
}

func (r rule) applies(from, to string) bool {
	if !match(r.from, from) || !match(r.to, to) || from == to {
		return false
	}
	for _, e := range r.except {
		if match(e, from) {
			return false
		}
	}
	return true
}

var generated = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// goFile is one parsed file of the tree.
type goFile struct {
	path string // relative to the module root, slash-separated
	pkg  string // package path relative to the module
	src  []byte
	ast  *ast.File
	fset *token.FileSet
}

func (f goFile) test() bool { return strings.HasSuffix(f.path, "_test.go") }
func (f goFile) generated() bool {
	return generated.Match(f.src) || strings.HasSuffix(f.path, "_templ.go")
}

func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod above archtest: %v", err)
	}
	return dir
}

func files(t *testing.T) []goFile {
	t.Helper()
	base := root(t)
	var out []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != base && (name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, p)
		rel = filepath.ToSlash(rel)
		out = append(out, goFile{path: rel, pkg: filepath.ToSlash(filepath.Dir(rel)), src: src, ast: f, fset: fset})
		return nil
	})
	if err != nil {
		t.Fatalf("read the tree: %v", err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d Go files under %s", len(out), base)
	}
	return out
}

// TestImportRules fails for every import of a production file that
// docs/architecture.md forbids (tests may import what they need).
func TestImportRules(t *testing.T) {
	t.Parallel()
	var bad []string
	for _, f := range files(t) {
		if f.test() {
			continue
		}
		for _, imp := range f.ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			to, ok := strings.CutPrefix(path, module+"/")
			if !ok {
				continue
			}
			for _, r := range rules {
				if r.applies(f.pkg, to) {
					bad = append(bad, f.path+" imports "+path+": "+r.why)
				}
			}
		}
	}
	report(t, "import rules broken", bad)
}

// TestSizeLimits fails for a hand-written file over maxFileLines lines or a
// function over maxFuncLines lines; generated code is left out.
func TestSizeLimits(t *testing.T) {
	t.Parallel()
	var bad []string
	for _, f := range files(t) {
		if f.generated() {
			continue
		}
		if n := f.fset.Position(f.ast.End()).Line; n > maxFileLines {
			lines := strings.Count(string(f.src), "\n")
			if lines > maxFileLines {
				bad = append(bad, f.path+": "+strconv.Itoa(lines)+" lines")
			}
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			var body *ast.BlockStmt
			name := "function literal"
			switch x := n.(type) {
			case *ast.FuncDecl:
				body, name = x.Body, x.Name.Name
			case *ast.FuncLit:
				body = x.Body
			}
			if body == nil {
				return true
			}
			start, end := f.fset.Position(n.Pos()).Line, f.fset.Position(body.End()).Line
			if l := end - start + 1; l > maxFuncLines {
				bad = append(bad, f.path+":"+strconv.Itoa(start)+": "+name+" is "+strconv.Itoa(l)+" lines")
			}
			return true
		})
	}
	report(t, "over the size limits", bad)
}

func report(t *testing.T, what string, bad []string) {
	t.Helper()
	if len(bad) == 0 {
		return
	}
	sort.Strings(bad)
	t.Errorf("%d %s:\n  %s", len(bad), what, strings.Join(bad, "\n  "))
}

// TestRulesMatchTheirPatterns pins the pattern matcher the rules rely on.
func TestRulesMatchTheirPatterns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, pkg string
		want         bool
	}{
		{"web/...", "web", true},
		{"web/...", "web/admin", true},
		{"web/...", "webhook", false},
		{"...", "models", true},
		{"handlers", "handlers/x", false},
	} {
		if got := match(tc.pattern, tc.pkg); got != tc.want {
			t.Errorf("match(%q, %q) = %v", tc.pattern, tc.pkg, got)
		}
	}
	r := rule{from: "...", to: "simnet/...", except: []string{"cmd/jobtester/..."}}
	if r.applies("cmd/jobtester", "simnet") || !r.applies("jobs", "simnet") || r.applies("simnet", "simnet") {
		t.Error("rule exceptions or self-imports misapplied")
	}
}

package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// verbRe finds the formatting verbs of a message ("%%" is not one).
var verbRe = regexp.MustCompile(`%(\[([0-9]+)\])?[-+# 0]*[0-9]*(\.[0-9]+)?([a-zA-Z%])`)

// verbs returns the verb letter of each argument a message takes, by
// position.
func verbs(s string) []byte {
	var out []byte
	next := 0
	for _, m := range verbRe.FindAllStringSubmatch(s, -1) {
		if m[4] == "%" {
			continue
		}
		i := next
		if m[2] != "" {
			i, _ = strconv.Atoi(m[2])
			i--
		}
		for len(out) <= i {
			out = append(out, 0)
		}
		out[i] = m[4][0]
		next = i + 1
	}
	return out
}

// plausible is an argument a caller would pass for verb v.
func plausible(v byte, i int) any {
	switch v {
	case 'd':
		return []int{3, 12, 2026, 7, 1}[i%5]
	case 'f', 'g':
		return 1.5
	case 'v':
		return "값"
	default:
		return []string{"성산1동", "30,000,000원", "마포구", "놀이터 정비", "2026-05-01"}[i%5]
	}
}

// Every message of the catalogue renders, in both languages, with
// arguments of the kinds its verbs ask for, and nothing reads "%!": a
// missing, extra or wrong argument. Korean and English take the same
// arguments, since callers pass one list.
func TestEveryMessageRenders(t *testing.T) {
	for _, key := range Default.Keys() {
		ko, en := verbs(Default.msgs[key]["ko"]), verbs(Default.msgs[key]["en"])
		if string(ko) != string(en) {
			t.Errorf("%s: Korean takes %q, English %q", key, ko, en)
		}
		args := make([]any, len(ko))
		for i, v := range ko {
			args[i] = plausible(v, i)
		}
		for _, l := range Langs {
			got := Default.T(l, key, args...)
			if strings.Contains(got, "%!") {
				t.Errorf("%s (%s): %q", key, l, got)
			}
			if l == "ko" && regexp.MustCompile(`[은이을과]\([는가를와]\)`).MatchString(got) {
				t.Errorf("%s: a particle pair is left: %q", key, got)
			}
		}
	}
}

// callFuncs are the functions that take a catalogue key and its arguments.
var callFuncs = map[string]bool{"T": true, "Errorf": true, "FieldErrorf": true, "Tr": true, "t": true}

// Every call in the code that names a message by a literal key passes as
// many arguments as the message has verbs: T(lang, "console.flash_opened",
// n) would print "투표를 시작했습니다.%!(EXTRA int=0)".
func TestCallersPassTheRightArguments(t *testing.T) {
	root := filepath.Join("..")
	fset := token.NewFileSet()
	checked := 0
	check := func(pos token.Pos, key string, n int, where string) {
		m, ok := Default.msgs[key]
		if !ok {
			return
		}
		checked++
		// No arguments at all is the raw format, handed to a script
		// (data-*) or formatted later (a field's limit).
		if want := len(verbs(m["ko"])); want != n && n != 0 {
			t.Errorf("%s: %s %q with %d arguments; the message takes %d", fset.Position(pos), where, key, n, want)
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := x.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				case *ast.Ident:
					name = fn.Name
				}
				if !callFuncs[name] || x.Ellipsis.IsValid() {
					return true
				}
				for i, a := range x.Args {
					if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						key, _ := strconv.Unquote(lit.Value)
						if Default.Has(key) {
							check(lit.Pos(), key, len(x.Args)-i-1, name)
							break
						}
					}
				}
			case *ast.CompositeLit: // RowError{Key: "…", Args: []any{…}}
				var key string
				var pos token.Pos
				args := 0
				for _, e := range x.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					id, _ := kv.Key.(*ast.Ident)
					if id == nil {
						continue
					}
					switch id.Name {
					case "Key":
						if lit, ok := kv.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							key, _ = strconv.Unquote(lit.Value)
							pos = lit.Pos()
						}
					case "Args":
						if cl, ok := kv.Value.(*ast.CompositeLit); ok {
							args = len(cl.Elts)
						} else {
							args = -1
						}
					}
				}
				if key != "" && args >= 0 {
					check(pos, key, args, "Key/Args")
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Templates: {{.T "key" a (b c)}} and {{$.T "key" …}}.
	tmplRe := regexp.MustCompile(`\$?\.T\s+"([a-z0-9_.\-]+)"`)
	err = filepath.WalkDir(filepath.Join(root, "static", "templates"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		for _, m := range tmplRe.FindAllStringSubmatchIndex(src, -1) {
			key := src[m[2]:m[3]]
			n, ok := templateArgs(src[m[1]:])
			if !ok {
				continue
			}
			line := strings.Count(src[:m[0]], "\n") + 1
			if msg, has := Default.msgs[key]; has {
				checked++
				if want := len(verbs(msg["ko"])); want != n && n != 0 {
					t.Errorf("%s:%d: %q with %d arguments; the message takes %d", path, line, key, n, want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d calls checked: the walk missed the code", checked)
	}
	t.Logf("%d calls and template uses checked", checked)
}

// templateArgs counts the arguments after a key in a template action, up
// to "}}" or the ")" that closes the call; false when it cannot tell.
func templateArgs(s string) (int, bool) {
	n, depth, in := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '`':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return 0, false
			}
			if depth == 0 {
				n++
			}
			i += j + 1
			in = false
		case c == '(':
			if depth == 0 {
				n++
			}
			depth++
			in = false
		case c == ')':
			if depth == 0 {
				return n, true
			}
			depth--
		case c == '|' && depth == 0:
			return 0, false
		case strings.HasPrefix(s[i:], "}}") || strings.HasPrefix(s[i:], "-}}"):
			if depth == 0 {
				return n, true
			}
			return 0, false
		case c == ' ' || c == '\t' || c == '\n':
			in = false
		default:
			if !in && depth == 0 {
				n++
			}
			in = true
		}
	}
	return 0, false
}

func TestParticle(t *testing.T) {
	for _, tc := range []struct{ word, pair, want string }{
		{"0", "은/는", "0은"}, {"1", "은", "1은"}, {"2", "은", "2는"}, {"3", "는", "3은"}, {"4", "이", "4가"},
		{"5", "을/를", "5를"}, {"6", "과", "6과"}, {"7", "이/가", "7이"}, {"8", "를", "8을"}, {"9", "와", "9와"},
		{"10", "은", "10은"}, {"12", "이", "12가"}, {"마포구", "이", "마포구가"}, {"성산1동", "은/는", "성산1동은"},
		{"30,000,000원", "을", "30,000,000원을"}, {"놀이터", "과/와", "놀이터와"}, {"A", "는", "A는"}, {"URL", "은", "URL은"},
		{"★", "은/는", "★은(는)"},
	} {
		if got := Particle(tc.word, tc.pair); got != tc.want {
			t.Errorf("Particle(%q, %q) = %q, want %q", tc.word, tc.pair, got, tc.want)
		}
	}
	for in, want := range map[string]string{
		"출생연도 2026은(는) 1900년": "출생연도 2026은 1900년", "출생연도 1995은(는)": "출생연도 1995는",
		"의제 번호 7은(는) 없습니다": "의제 번호 7은 없습니다", "의제 번호 12은(는)": "의제 번호 12는",
		"코드 3이(가) 남았고 4이(가)": "코드 3이 남았고 4가", "놀이터과(와) 공원을(를)": "놀이터와 공원을",
	} {
		if got := resolveParticles(in); got != want {
			t.Errorf("resolveParticles(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Default.T("ko", "council.err.birth_range", 1899, 2026); !strings.HasPrefix(got, "출생연도 1899는 ") {
		t.Errorf("birth_range: %q", got)
	}
	if got := Default.T("en", "council.err.birth_range", 1899, 2026); strings.Contains(got, "는") {
		t.Errorf("English birth_range: %q", got)
	}
}

package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul/i18n"
)

// Views holds every page template, parsed once at boot. Each page file
// under templates/<area>/<name>.html is parsed together with the layout and
// the partials (templates/partials/*.html) and is rendered by the name
// "<area>/<name>"; templates at the top level ("error") by their base name.
type Views struct {
	pages map[string]*template.Template
}

// LoadViews parses the templates of fsys (rooted at its "templates" folder).
// A broken template stops the start.
func LoadViews(fsys fs.FS, assets *Assets) (*Views, error) {
	funcs := Funcs(assets)
	base := template.New("layout").Funcs(funcs)
	if _, err := base.ParseFS(fsys, "templates/layout.html"); err != nil {
		return nil, err
	}
	if partials, _ := fs.Glob(fsys, "templates/partials/*.html"); len(partials) > 0 {
		if _, err := base.ParseFS(fsys, partials...); err != nil {
			return nil, err
		}
	}
	v := &Views{pages: map[string]*template.Template{}}
	err := fs.WalkDir(fsys, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if rel == "layout" || strings.HasPrefix(rel, "partials/") {
			return nil
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(fsys, p); err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		v.pages[rel] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Render writes the page name with data as HTML. Pages that define
// "standalone" are rendered without the layout (e.g. printable cards).
func (v *Views) Render(c *fiber.Ctx, name string, data any) error {
	t, ok := v.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	entry := "layout"
	if t.Lookup("standalone") != nil {
		entry = "standalone"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, entry, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Cache-Control", "no-store")
	return c.Send(buf.Bytes())
}

// Has reports whether a page template exists.
func (v *Views) Has(name string) bool { _, ok := v.pages[name]; return ok }

// Page is the part of every page's data that the layout needs. Page structs
// embed it: type BookletPage struct { web.Page; … }.
type Page struct {
	Lang      string
	Title     string
	RequestID string
	CSRF      string
	UserLabel string
	Path      string
	// Rehearsal marks every page of a rehearsal copy (리허설).
	Rehearsal bool
	// NoIndex keeps host pages out of search engines.
	NoIndex bool
	// Wide drops the reading-width limit (projector, host tables).
	Wide bool
	// LangHref is where the language switch leads: this page in the other
	// language, or, for a page answering a form POST (whose URL a GET
	// cannot open), the page the form was on.
	LangHref string
}

// NewPage fills the layout's data from the request.
func NewPage(c *fiber.Ctx, title string) Page {
	csrf, _ := c.Locals(LocalCSRF).(string)
	label, _ := c.Locals(LocalUserLabel).(string)
	p := Page{Lang: Lang(c), Title: title, RequestID: RequestID(c), CSRF: csrf, UserLabel: label, Path: c.Path()}
	p.LangHref = langHref(c, p.OtherLang())
	return p
}

// langHref is the current page's URL with lang set to other. A page
// rendered in answer to a POST switches on the page that posted the form
// (its Referer, when it is this site), else on the home page. The link is
// always a path on this site: "//evil.example/x" (or "/\\evil.example")
// in the request must not become a protocol-relative link.
func langHref(c *fiber.Ctx, other string) string {
	p, rawQuery := c.Path(), string(c.Request().URI().QueryString())
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		p, rawQuery = "/", ""
		if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Path != "" &&
			(ref.Host == "" || ref.Host == c.Hostname()) {
			p, rawQuery = ref.Path, ref.RawQuery
		}
	}
	q, _ := url.ParseQuery(rawQuery)
	q.Del("code") // a ballot code never goes into a link (voting keeps it in a cookie)
	q.Set("lang", other)
	u := url.URL{Path: CleanPath(p), RawQuery: q.Encode()}
	return u.RequestURI()
}

// CleanPath turns a (decoded) request path into one that starts with
// exactly one "/" and holds no backslash, "." or ".." segment: safe to put
// in a link on this site.
func CleanPath(p string) string {
	p = path.Clean("/" + strings.ReplaceAll(p, "\\", "/"))
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return "/"
	}
	return p
}

// T translates key into the page's language.
func (p Page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// OtherLang is the language the switch link offers.
func (p Page) OtherLang() string {
	if p.Lang == "en" {
		return "ko"
	}
	return "en"
}

// Funcs are the template functions every page may use.
func Funcs(assets *Assets) template.FuncMap {
	return template.FuncMap{
		"asset":      assets.URL,
		"won":        Won,
		"manwon":     Manwon,
		"million":    Million,
		"money":      Money,
		"moneyShort": MoneyShort,
		"date":       FormatDate,
		"time":       FormatTime,
		"datetime":   FormatDateTime,
		"add":        func(a, b int) int { return a + b },
		"pct": func(a, b int64) int64 {
			if b == 0 {
				return 0
			}
			return a * 100 / b
		},
		"w":     widthClass,
		"lines": func(s string) []string { return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") },
		"base":  path.Base,
		// particle: {{particle .Number "은/는"}} → "3은", "2는".
		"particle": i18n.Particle,
	}
}

// widthClass is the CSS class of a bar n % wide, rounded to a step of 5 %
// (w-0 … w-100): the CSP allows no style attribute, and static/js sets the
// exact width from data-pct.
func widthClass(n any) string {
	var f float64
	switch v := n.(type) {
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case float64:
		f = v
	}
	step := int(math.Round(f/5)) * 5
	return "w-" + strconv.Itoa(min(100, max(0, step)))
}

// Package i18n is the message catalogue: every user-facing string, in
// Korean (the default) and English.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"maeul/static"
)

// Langs are the supported languages, the default first.
var Langs = []string{"ko", "en"}

// Catalogue maps a key to its text per language.
type Catalogue struct {
	msgs map[string]map[string]string
}

// Load reads every messages/*.json file of fsys. It fails on a duplicate key
// or a key that lacks a language.
func Load(fsys fs.FS) (*Catalogue, error) {
	c := &Catalogue{msgs: map[string]map[string]string{}}
	files, err := fs.Glob(fsys, "messages/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		for k, v := range m {
			if _, dup := c.msgs[k]; dup {
				return nil, fmt.Errorf("%s: key %q is defined twice", path.Base(f), k)
			}
			for _, l := range Langs {
				if strings.TrimSpace(v[l]) == "" {
					return nil, fmt.Errorf("%s: key %q has no %s text", path.Base(f), k, l)
				}
			}
			c.msgs[k] = v
		}
	}
	return c, nil
}

// Default is the catalogue embedded in the binary. A broken catalogue stops
// the start (and every test), never a resident's request.
var Default = func() *Catalogue {
	c, err := Load(static.Messages)
	if err != nil {
		panic("message catalogue: " + err.Error())
	}
	return c
}()

// T returns the text of key in lang, formatted with args. An unknown key is
// returned as "⟦key⟧" so a test can find it on a page.
func (c *Catalogue) T(lang, key string, args ...any) string {
	m, ok := c.msgs[key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	s, ok := m[lang]
	if !ok {
		s = m["ko"]
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	if lang != "en" {
		s = resolveParticles(s)
	}
	return s
}

// Has reports whether key exists.
func (c *Catalogue) Has(key string) bool { _, ok := c.msgs[key]; return ok }

// Keys returns every key, sorted.
func (c *Catalogue) Keys() []string {
	ks := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// T is Default.T.
func T(lang, key string, args ...any) string { return Default.T(lang, key, args...) }

// Lang normalises a requested language to a supported one.
func Lang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "en") {
		return "en"
	}
	return "ko"
}

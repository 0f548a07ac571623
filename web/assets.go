package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Assets serves the embedded static files under content-hashed URLs
// (/static/<hash>/css/app.css) with a year-long cache lifetime.
type Assets struct {
	fsys  fs.FS
	hash  map[string]string // name → short content hash
	files map[string][]byte
}

// LoadAssets hashes every file of fsys once at boot.
func LoadAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{fsys: fsys, hash: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hash[p] = hex.EncodeToString(sum[:])[:12]
		a.files[p] = b
		return nil
	})
	return a, err
}

// URL returns the content-hashed URL of a static file, e.g. "css/app.css".
// An unknown name panics at render time, which the tests catch.
func (a *Assets) URL(name string) string {
	h, ok := a.hash[name]
	if !ok {
		panic("unknown asset " + name)
	}
	return "/static/" + h + "/" + name
}

// Bytes returns an asset's content (for size budgets in tests).
func (a *Assets) Bytes(name string) []byte { return a.files[name] }

// Handler serves /static/:hash/*. A stale hash still gets the file, but
// without the long cache lifetime.
func (a *Assets) Handler(c *fiber.Ctx) error {
	name := c.Params("*")
	b, ok := a.files[name]
	if !ok || strings.Contains(name, "..") {
		return fiber.ErrNotFound
	}
	if c.Params("hash") == a.hash[name] {
		c.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Set("Cache-Control", "no-cache")
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ct)
	return c.Send(b)
}

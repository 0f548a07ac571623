package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"maeul/assembly"
	"maeul/voting"
)

// Budgets, in bytes on the wire (brotli or gzip, as served), of a page with the CSS and JS it
// references (images not counted): what an old phone on a slow line loads.
const (
	ballotBudget  = 30 << 10
	bookletBudget = 150 << 10
	// MaxPhotoWidth is the widest photo the booklet may serve.
	maxPhotoWidth = 800
)

var (
	cssRe = regexp.MustCompile(`<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"|<link[^>]+href="([^"]+)"[^>]*rel="stylesheet"`)
	jsRe  = regexp.MustCompile(`<script[^>]+src="([^"]+)"`)
	imgRe = regexp.MustCompile(`<img\b[^>]*>`)
	srcRe = regexp.MustCompile(`\bsrc="([^"]+)"`)
)

func fetch(t *testing.T, c *http.Client, u string) []byte {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	return b
}

// wire is a client that asks for brotli or gzip, as a phone's browser
// does, and does not decompress: what it reads is what crossed the wire.
var wire = &http.Client{Transport: &http.Transport{DisableCompression: true}}

// onTheWire fetches u as a phone would and returns the bytes received and
// the Content-Encoding they came in.
func onTheWire(t *testing.T, u string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	res, err := wire.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	return len(b), res.Header.Get("Content-Encoding")
}

// weigh returns the bytes on the wire of the page at path and of each CSS
// and JS file it references, and the page's HTML. Every one of them must
// come compressed.
func weigh(t *testing.T, base, path string) (total int, parts []string, html []byte) {
	t.Helper()
	c := &http.Client{}
	html = fetch(t, c, base+path)
	n, enc := onTheWire(t, base+path)
	if enc != "br" && enc != "gzip" {
		t.Errorf("%s came with Content-Encoding %q", path, enc)
	}
	total = n
	parts = append(parts, fmt.Sprintf("HTML %d B %s (%d B uncompressed)", n, enc, len(html)))
	seen := map[string]bool{}
	var refs []string
	for _, m := range cssRe.FindAllSubmatch(html, -1) {
		refs = append(refs, string(m[1])+string(m[2]))
	}
	for _, m := range jsRe.FindAllSubmatch(html, -1) {
		refs = append(refs, string(m[1]))
	}
	for _, r := range refs {
		r = strings.ReplaceAll(r, "&amp;", "&")
		if seen[r] || strings.HasPrefix(r, "http") && !strings.HasPrefix(r, base) {
			continue
		}
		seen[r] = true
		n, enc := onTheWire(t, base+strings.TrimPrefix(r, base))
		if enc != "br" && enc != "gzip" && n > 1000 {
			t.Errorf("%s came with Content-Encoding %q", r, enc)
		}
		total += n
		parts = append(parts, fmt.Sprintf("%s %d B %s", r[strings.LastIndex(r, "/")+1:], n, enc))
	}
	return total, parts, html
}

// TestPageWeight measures bytes, not time: the ballot page under 30 KB and
// the demo assembly's booklet under 150 KB as they cross the wire to a
// browser that accepts gzip and brotli, with their CSS and JS; booklet photos load lazily and are served at most 800 px wide.
func TestPageWeight(t *testing.T) {
	s := newSite(t, false)
	demo, err := assembly.SeedDemo(context.Background(), s.e.Server.Assemblies, s.host.User)
	if err != nil {
		t.Fatalf("seed the demo assembly: %v", err)
	}
	t.Run("demo ballot", func(t *testing.T) {
		codes, err := voting.DemoCodes(context.Background(), s.e.Server.Voting, demo, s.host.User, 1)
		if err != nil || len(codes) == 0 {
			t.Fatalf("issue a code: %v", err)
		}
		total, parts, _ := weigh(t, s.e.URL, "/v/"+demo.Slug+"?lang=ko&code="+url.QueryEscape(codes[0].Code))
		t.Logf("demo ballot: %d B on the wire (%s); budget %d B", total, strings.Join(parts, ", "), ballotBudget)
		if total > ballotBudget {
			t.Errorf("the ballot page weighs %d B compressed, over its budget of %d B: %s", total, ballotBudget, strings.Join(parts, ", "))
		}
	})
	t.Run("booklet photos are resized and lazy", func(t *testing.T) {
		a := s.fixture(t, published)
		gs, err := assembly.FindAgendas(context.Background(), s.e.DB.Pool, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		// A 2400 px camera photo, as a host would upload it.
		img := image.NewRGBA(image.Rect(0, 0, 2400, 1600))
		for i := range img.Pix {
			img.Pix[i] = byte(i * 7)
		}
		var photo bytes.Buffer
		if err := jpeg.Encode(&photo, img, &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		fw, _ := w.CreateFormFile("photo", "camera.jpg")
		fw.Write(photo.Bytes())
		w.Close()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/assemblies/%d/agendas/%d/photos", s.e.URL, a.ID, gs[0].ID), &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+s.host.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 201 {
			t.Fatalf("upload a photo: %d", res.StatusCode)
		}
		html := fetch(t, &http.Client{}, s.e.URL+"/a/"+a.Slug+"?lang=ko")
		if n := checkPhotos(t, s.e.URL, html); n != 1 {
			t.Fatalf("the booklet shows %d photos, want 1", n)
		}
	})
	t.Run("demo booklet", func(t *testing.T) {
		total, parts, html := weigh(t, s.e.URL, "/a/"+demo.Slug+"?lang=ko")
		t.Logf("demo booklet: %d B on the wire (%s); budget %d B", total, strings.Join(parts, ", "), bookletBudget)
		if total > bookletBudget {
			t.Errorf("the demo booklet weighs %d B compressed, over its budget of %d B: %s", total, bookletBudget, strings.Join(parts, ", "))
		}
		t.Logf("demo booklet: %d photos", checkPhotos(t, s.e.URL, html))
	})
}

// checkPhotos fails on a booklet image that does not load lazily or is
// served wider than maxPhotoWidth, and returns how many there are.
func checkPhotos(t *testing.T, base string, html []byte) int {
	t.Helper()
	imgs := imgRe.FindAll(html, -1)
	for _, img := range imgs {
		if !bytes.Contains(img, []byte(`loading="lazy"`)) {
			t.Errorf("a booklet image does not load lazily: %s", img)
		}
		m := srcRe.FindSubmatch(img)
		if m == nil {
			continue
		}
		src := strings.ReplaceAll(string(m[1]), "&amp;", "&")
		if !strings.HasPrefix(src, "http") {
			src = base + src
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(fetch(t, &http.Client{}, src)))
		if err != nil {
			t.Errorf("photo %s: %v", src, err)
		} else if cfg.Width > maxPhotoWidth {
			t.Errorf("photo %s is %d px wide, more than %d", src, cfg.Width, maxPhotoWidth)
		}
	}
	return len(imgs)
}

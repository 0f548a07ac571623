package assembly_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
)

// testPNG draws a w×h PNG with a gradient, so resizing has work to do.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// multipartBody builds a form with a "photo" file and other fields.
func multipartBody(t *testing.T, file []byte, fields map[string]string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if file != nil {
		f, _ := w.CreateFormFile("photo", "picture.png")
		f.Write(file)
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// upload posts a photo as the host's browser session (CSRF included).
func upload(t *testing.T, e *servertest.Env, h *servertest.Host, agendaID string, file []byte, caption string) *servertest.Response {
	t.Helper()
	ct, body := multipartBody(t, file, map[string]string{"_csrf": h.CSRF, "caption": caption})
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/host/agendas/"+agendaID+"/photos", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	c := *h.Client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &servertest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// apiUpload posts a photo with the host's Bearer token.
func apiUpload(t *testing.T, e *servertest.Env, token, path string, file []byte) *servertest.Response {
	t.Helper()
	ct, body := multipartBody(t, file, map[string]string{"caption": "놀이터 현재 모습"})
	req, _ := http.NewRequest(http.MethodPost, e.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &servertest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func TestPhotos(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{})
	host := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	big := testPNG(t, 2000, 1500)

	var photoID string
	t.Run("upload page", func(t *testing.T) {
		r := upload(t, e, host, gs[0].IDString(), big, "놀이터 <그늘막> 자리")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		var w, h int
		var img []byte
		err := e.DB.Pool.QueryRow(t.Context(), `SELECT id::text, width, height, image FROM agenda_photos WHERE agenda_id = $1`, gs[0].ID).
			Scan(&photoID, &w, &h, &img)
		if err != nil {
			t.Fatal(err)
		}
		if w != 800 || h != 600 {
			t.Errorf("stored %d×%d, want 800×600", w, h)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
		if err != nil || format != "jpeg" || cfg.Width != 800 || cfg.Height != 600 {
			t.Errorf("stored image: %v %s %d×%d", err, format, cfg.Width, cfg.Height)
		}
		p := host.Get(t, "/host/agendas/"+gs[0].IDString()+"/photos")
		mustContain(t, p.Body, "/photos/"+photoID+".jpg", "놀이터 &lt;그늘막&gt; 자리", `action="/host/photos/`+photoID+`/delete"`, `enctype="multipart/form-data"`)
	})

	t.Run("served", func(t *testing.T) {
		r := get(t, e, "/photos/"+photoID+".jpg")
		if r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("status %d type %q", r.Status, r.Header.Get("Content-Type"))
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("Cache-Control %q", cc)
		}
		if _, err := jpeg.Decode(bytes.NewReader(r.Body)); err != nil {
			t.Errorf("not a JPEG: %v", err)
		}
		b := get(t, e, "/a/"+a.Slug)
		mustContain(t, b.Body, `<img src="/photos/`+photoID+`.jpg" loading="lazy" width="800" height="600" alt="놀이터 &lt;그늘막&gt; 자리">`)
	})

	t.Run("api", func(t *testing.T) {
		path := "/api/v1/assemblies/" + a.IDString() + "/agendas/" + gs[1].IDString() + "/photos"
		r := apiUpload(t, e, host.Token, path, testPNG(t, 400, 300))
		if r.Status != 201 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		var got struct {
			ID     string `json:"id"`
			Width  int    `json:"width"`
			Height int    `json:"height"`
			URL    string `json:"url"`
		}
		json.Unmarshal(r.Body, &got)
		if got.ID == "" || got.Width != 400 || got.Height != 300 || got.URL != "/photos/"+got.ID+".jpg" {
			t.Errorf("answer %s", r.Body)
		}
		bad := apiUpload(t, e, host.Token, path, []byte("this is not an image at all"))
		if bad.Status != 422 || bad.ErrorCode() != "invalid" || !strings.Contains(string(bad.Body), "사진 파일을 읽을 수 없습니다") {
			t.Errorf("bad image: %d %s", bad.Status, bad.Body)
		}
		other := e.NewHost(t, account.RoleDong, "마포구", "망원1동")
		if r := apiUpload(t, e, other.Token, path, testPNG(t, 10, 10)); r.Status != 403 {
			t.Errorf("another dong: status %d", r.Status)
		}
		wrong := "/api/v1/assemblies/999999/agendas/" + gs[1].IDString() + "/photos"
		if r := apiUpload(t, e, host.Token, wrong, testPNG(t, 10, 10)); r.Status != 404 {
			t.Errorf("agenda of another assembly: status %d", r.Status)
		}
	})

	t.Run("bad image page", func(t *testing.T) {
		r := upload(t, e, host, gs[0].IDString(), []byte("hello"), "")
		if r.Status != 422 {
			t.Fatalf("status %d", r.Status)
		}
		mustContain(t, r.Body, "사진 파일을 읽을 수 없습니다", `aria-invalid="true"`)
	})

	t.Run("other dong", func(t *testing.T) {
		other := e.NewHost(t, account.RoleDong, "마포구", "망원1동")
		if r := other.Get(t, "/host/agendas/"+gs[0].IDString()+"/photos"); r.Status != 403 {
			t.Errorf("page: status %d", r.Status)
		}
		if r := upload(t, e, other, gs[0].IDString(), testPNG(t, 10, 10), ""); r.Status != 403 {
			t.Errorf("upload: status %d", r.Status)
		}
		if r := other.PostForm(t, "/host/photos/"+photoID+"/delete", url.Values{}); r.Status != 403 {
			t.Errorf("delete: status %d", r.Status)
		}
	})

	t.Run("frozen", func(t *testing.T) {
		e.DB.Pool.Exec(t.Context(), `UPDATE assemblies SET state = 'open' WHERE id = $1`, a.ID)
		defer e.DB.Pool.Exec(t.Context(), `UPDATE assemblies SET state = 'published' WHERE id = $1`, a.ID)
		if r := upload(t, e, host, gs[0].IDString(), testPNG(t, 10, 10), ""); r.Status != 409 {
			t.Errorf("upload: status %d", r.Status)
		}
		if r := host.PostForm(t, "/host/photos/"+photoID+"/delete", url.Values{}); r.Status != 409 {
			t.Errorf("delete: status %d", r.Status)
		}
		path := "/api/v1/assemblies/" + a.IDString() + "/agendas/" + gs[1].IDString() + "/photos"
		if r := apiUpload(t, e, host.Token, path, testPNG(t, 10, 10)); r.Status != 409 || r.ErrorCode() != "conflict" {
			t.Errorf("api: status %d %s", r.Status, r.Body)
		}
	})

	t.Run("draft photo", func(t *testing.T) {
		e.DB.Pool.Exec(t.Context(), `UPDATE assemblies SET state = 'draft' WHERE id = $1`, a.ID)
		defer e.DB.Pool.Exec(t.Context(), `UPDATE assemblies SET state = 'published' WHERE id = $1`, a.ID)
		if r := get(t, e, "/photos/"+photoID+".jpg"); r.Status != 404 {
			t.Errorf("resident: status %d", r.Status)
		}
		if r := host.Get(t, "/photos/"+photoID+".jpg"); r.Status != 200 {
			t.Errorf("host: status %d", r.Status)
		}
	})

	t.Run("delete", func(t *testing.T) {
		r := host.PostForm(t, "/host/photos/"+photoID+"/delete", url.Values{})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		if r := get(t, e, "/photos/"+photoID+".jpg"); r.Status != 404 {
			t.Errorf("deleted photo: status %d", r.Status)
		}
	})
}

func TestResizePhoto(t *testing.T) {
	for _, c := range []struct {
		name       string
		w, h       int
		wantW, wnH int
	}{
		{"wide", 2000, 1500, 800, 600},
		{"small stays", 640, 480, 640, 480},
		{"tall", 1000, 3000, 800, 2400},
		{"odd", 1601, 901, 800, 450},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, w, h, err := assembly.ResizePhoto(testPNG(t, c.w, c.h))
			if err != nil {
				t.Fatal(err)
			}
			if w != c.wantW || h != c.wnH {
				t.Errorf("%d×%d, want %d×%d", w, h, c.wantW, c.wnH)
			}
			img, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil || img.Bounds().Dx() != w || img.Bounds().Dy() != h {
				t.Errorf("JPEG %v %v", err, img.Bounds())
			}
		})
	}
	if _, _, _, err := assembly.ResizePhoto([]byte("not an image")); err == nil {
		t.Error("garbage accepted")
	}
}

// BenchmarkResizePhoto prints how long a 2000×1500 PNG takes to become the
// stored 800-px JPEG.
func BenchmarkResizePhoto(b *testing.B) {
	data := testPNG(b, 2000, 1500)
	for b.Loop() {
		if _, _, _, err := assembly.ResizePhoto(data); err != nil {
			b.Fatal(err)
		}
	}
}

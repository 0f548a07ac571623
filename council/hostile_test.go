package council_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// TestHostileRoster sends, through the real server, a small member list
// whose every row reaches the sheet's last column and whose last row is
// 1,048,576 (such a file used to cost 500 MB), and a CSV line of a million
// commas: each is refused with a 422 saying why, the heap never 50 MB above
// where it stood.
func TestHostileRoster(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	post := func(name string, data []byte) *servertest.Response {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("_csrf", h.CSRF)
		w.WriteField("year", "2026")
		w.WriteField("council_type", "planned")
		f, _ := w.CreateFormFile("file", name)
		f.Write(data)
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/host/council", &b)
		req.Header.Set("Content-Type", w.FormDataContentType())
		c := *h.Client
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return &servertest.Response{Status: res.StatusCode, Header: res.Header, Body: body}
	}
	cases := []struct {
		what, name string
		data       []byte
		want       string
	}{
		{"roster .xlsx to XFD1048576", "명단.xlsx",
			servertest.FarColumnXLSX(t, []string{"이름", "성별", "출생연도", "소속"}, []string{"김주민", "여", "1980", "일반"}, 300),
			"명까지 올릴 수 있습니다"},
		{"roster .csv of a million commas", "명단.csv",
			append([]byte("이름,성별,출생연도,소속\n김주민,여,1980,일반"), bytes.Repeat([]byte{','}, 1<<20)...),
			"한 줄이 너무 깁니다"},
	}
	for _, c := range cases {
		t.Run(c.what, func(t *testing.T) {
			var res *servertest.Response
			base, peak := servertest.PeakHeap(func() { res = post(c.name, c.data) })
			grew := int64(peak) - int64(base)
			t.Logf("%s (%d bytes): status %d, heap +%.1f MB", c.what, len(c.data), res.Status, float64(grew)/(1<<20))
			if res.Status != 422 || !bytes.Contains(res.Body, []byte(c.want)) {
				t.Errorf("status %d, want 422 saying %q", res.Status, c.want)
			}
			if grew > 50<<20 {
				t.Errorf("heap grew %.1f MB, want at most 50 MB", float64(grew)/(1<<20))
			}
		})
	}
}

package assembly_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
)

// decodeQR reads the text of the QR code in a PNG.
func decodeQR(t *testing.T, pngData []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return decodeQRImage(t, img)
}

func decodeQRImage(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code found: %v", err)
	}
	return res.GetText()
}

func TestNotice(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{})
	fullAgenda(t, e, a, gs[0])
	booklet := e.URL + "/a/" + a.Slug

	t.Run("content", func(t *testing.T) {
		r := get(t, e, "/a/"+a.Slug+"/notice")
		if r.Status != 200 {
			t.Fatalf("status %d", r.Status)
		}
		mustContain(t, r.Body, "성산1동 마을총회 개최 공고", "직접 투표하여 주시기 바랍니다",
			"○ 일시", "2027. 7. 15.(목) 14:00 ~ 17:00", "○ 장소", "동 주민센터 3층 강당",
			"○ 투표 방법", "전자투표(현장투표)", "온라인투표 (2027. 7. 10.(토) 14:00 ~ 2027. 7. 15.(목) 12:00)",
			"○ 투표 대상", "연번", "사업명", "비고", "주민과 상인, 우리 지금 만나!", "의제 6", "사업비 500만원", "사업비 1,200만원",
			"붙임 : 1. 실행계획서 1부", `href="/a/`+a.Slug+`"`, "성산1동 동회의",
			`<img class="qr" src="/a/`+a.Slug+`/qr.png" alt="`, ">"+booklet+"</a>",
			`href="/a/`+a.Slug+`/qr.png?download=1"`)
		mustNotContain(t, r.Body, "⟦", "<form")
	})

	t.Run("qr", func(t *testing.T) {
		r := get(t, e, "/a/"+a.Slug+"/qr.png")
		if r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("status %d, type %q", r.Status, r.Header.Get("Content-Type"))
		}
		if got := decodeQR(t, r.Body); got != booklet {
			t.Errorf("QR says %q, want %q", got, booklet)
		}
		if cd := r.Header.Get("Content-Disposition"); cd != "" {
			t.Errorf("inline QR has Content-Disposition %q", cd)
		}
		d := get(t, e, "/a/"+a.Slug+"/qr.png?download=1")
		if cd := d.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, ".png") {
			t.Errorf("download Content-Disposition %q", cd)
		}
		if !bytes.Equal(d.Body, r.Body) {
			t.Error("the download differs from the image")
		}
	})

	t.Run("draft", func(t *testing.T) {
		d, _ := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateDraft})
		if r := get(t, e, "/a/"+d.Slug+"/notice"); r.Status != 404 {
			t.Errorf("resident: status %d", r.Status)
		}
		h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
		r := h.Get(t, "/a/"+d.Slug+"/notice")
		if r.Status != 200 {
			t.Fatalf("host: status %d", r.Status)
		}
		mustContain(t, r.Body, "미리보기 — 아직 공개되지 않음")
		q := h.Get(t, "/a/"+d.Slug+"/qr.png")
		if got := decodeQR(t, q.Body); got != e.URL+"/a/"+d.Slug {
			t.Errorf("draft QR says %q", got)
		}
	})

	t.Run("english", func(t *testing.T) {
		r := get(t, e, "/a/"+a.Slug+"/notice?lang=en")
		mustContain(t, r.Body, "Notice of the 성산1동 village assembly")
		mustNotContain(t, r.Body, "⟦")
	})
}

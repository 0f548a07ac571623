package planning_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"maeul/database"
	"maeul/server/servertest"
)

// jpegWithExif is a small JPEG carrying an EXIF segment with a marker.
func jpegWithExif(t *testing.T, marker string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(1, 1, color.Black)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00"), []byte(marker)...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{0xFF, 0xD8}, seg...)
	out = append(out, payload...)
	return append(out, b.Bytes()[2:]...)
}

// 서식 2-4: findings by category with places and photos (re-encoded, no
// EXIF), the 동 현황, and a 발굴의제 made into a draft agenda in one action
// that remembers where it came from.
func TestSurvey(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	a, _ := e.Fixture(t, servertest.FixtureOptions{State: "draft", Costs: []int64{1000}})
	dong := e.NewHost(t, "dong", "마포구", "성산1동")
	farDistrict := e.NewHost(t, "district", "서대문구", "")
	district := e.NewHost(t, "district", "마포구", "")

	res := postMultipart(t, e, dong, "/host/survey/entries", map[string]string{"year": "2026", "category": "physical",
		"place": "성미산", "team": "2조", "detail": "성미산 숲길 쉼터"}, "photo", "숲.jpg", jpegWithExif(t, "GPS-SECRET-37.55"))
	want(t, "entry with a photo", res, 303)
	want(t, "entry", dong.API(t, "POST", "/api/v1/survey/entries?year=2026", map[string]any{"category": "human", "detail": "목공 재능 주민", "team": "1조"}), 201)
	want(t, "bad category", dong.API(t, "POST", "/api/v1/survey/entries?year=2026", map[string]any{"category": "money", "detail": "x"}), 422)
	want(t, "district cannot add", district.API(t, "POST", "/api/v1/survey/entries?year=2026", map[string]any{"category": "human", "detail": "x"}), 403)
	want(t, "dong status", dong.API(t, "PUT", "/api/v1/survey/status?year=2026", map[string]any{"population": 25000, "households": 11000,
		"facilities": "주민센터, 도서관", "statistics": "1인 가구 38%"}), 204)
	want(t, "status file", postMultipart(t, e, dong, "/host/survey/files", map[string]string{"year": "2026"}, "file", "동정현황.xlsx", []byte("PK fake")), 303)

	var sv struct {
		Entries []struct {
			ID       int64
			Category string
			HasPhoto bool `json:"has_photo"`
		}
		Status struct{ Population int }
	}
	res = district.API(t, "GET", "/api/v1/survey?year=2026&district="+url.QueryEscape("마포구")+"&dong="+url.QueryEscape("성산1동"), nil)
	want(t, "survey", res, 200)
	res.JSON(t, &sv)
	if len(sv.Entries) != 2 || sv.Entries[0].Category != "human" || !sv.Entries[1].HasPhoto || sv.Status.Population != 25000 {
		t.Fatalf("survey %s", res.Body)
	}
	photo := district.Get(t, fmt.Sprintf("/host/survey/entries/%d/photo.jpg", sv.Entries[1].ID))
	if photo.Status != 200 || !bytes.HasPrefix(photo.Body, []byte{0xFF, 0xD8}) || bytes.Contains(photo.Body, []byte("GPS-SECRET")) {
		t.Fatalf("photo: status %d, EXIF kept: %v", photo.Status, bytes.Contains(photo.Body, []byte("GPS-SECRET")))
	}
	want(t, "other district's photo", farDistrict.Get(t, fmt.Sprintf("/host/survey/entries/%d/photo.jpg", sv.Entries[1].ID)), 403)
	want(t, "other district's survey", farDistrict.API(t, "GET", "/api/v1/survey?year=2026&district="+url.QueryEscape("마포구")+"&dong="+url.QueryEscape("성산1동"), nil), 403)

	// A 발굴의제 from the finding, made into a draft through the page.
	want(t, "discovered", dong.PostForm(t, "/host/survey/discovered", url.Values{"year": {"2026"}, "title": {"숲길 쉼터 만들기"},
		"description": {"쉼터 벤치와 그늘"}, "entry": {fmt.Sprint(sv.Entries[1].ID)}}), 303)
	var d struct{ ID int64 }
	res = dong.API(t, "POST", "/api/v1/survey/discovered?year=2026", map[string]any{"title": "목공 교실"})
	want(t, "discovered by API", res, 201)
	res.JSON(t, &d)
	var disc struct {
		Discovered []struct {
			ID     int64
			Agenda *int64
		}
	}
	dong.API(t, "GET", "/api/v1/survey?year=2026", nil).JSON(t, &disc)
	res = dong.PostForm(t, fmt.Sprintf("/host/survey/discovered/%d/draft", disc.Discovered[0].ID), url.Values{"year": {"2026"}})
	want(t, "make draft", res, 303)
	loc := res.Header.Get("Location")
	page := string(dong.Get(t, strings.SplitN(loc, "?", 2)[0]).Body)
	if !strings.Contains(page, "발굴의제에서 온 의제: 숲길 쉼터 만들기") || !strings.Contains(page, "성미산") {
		t.Fatalf("the draft does not show its origin (%s)", loc)
	}
	want(t, "twice", dong.API(t, "POST", fmt.Sprintf("/api/v1/survey/discovered/%d/draft", disc.Discovered[0].ID), nil), 409)
	var g struct {
		Title         string
		ExecutionArea string `json:"execution_area"`
	}
	res = dong.API(t, "POST", fmt.Sprintf("/api/v1/survey/discovered/%d/draft", d.ID), map[string]any{"assembly": fmt.Sprint(a.ID)})
	want(t, "make draft by API", res, 201)
	res.JSON(t, &g)
	if g.Title != "목공 교실" || g.ExecutionArea != "마포구 성산1동" {
		t.Fatalf("draft %s", res.Body)
	}

	page = string(district.Get(t, "/host/survey?year=2026&district="+url.QueryEscape("마포구")+"&dong="+url.QueryEscape("성산1동")).Body)
	for _, l := range []string{"서식 2-4", "마을자원 조사지", "구분", "세부 내용과 주요 특징", "인적 자원", "자연 자원", "물리적 자원",
		"사회적 자원", "역사적 자원", "개선점", "발굴의제", "성미산 숲길 쉼터", "25000", "동정현황.xlsx"} {
		if !strings.Contains(page, l) {
			t.Errorf("survey page lacks %q", l)
		}
	}
	if at, err := e.Server.Planning.SurveyDoneAt(ctx, 2026, "마포구", "성산1동"); err != nil || at == nil {
		t.Fatalf("survey done at %v %v", at, err)
	}

	// A dump of the database holds no council member's phone: the
	// 실행계획서 keeps the council contact's name only, whatever a client
	// sends.
	res = dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/agendas", a.ID), map[string]any{"title": "연락처 시험",
		"cost": 1000, "council_contact": "홍길동", "council_phone": "010-9876-5432", "center_contact": "박주무관", "center_phone": "02-3153-6600"})
	want(t, "add agenda", res, 201)
	dir, err := database.FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(dir, "pg_dump"), "--data-only", "--dbname="+e.DB.DSN).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	if !strings.Contains(string(out), "홍길동") {
		t.Fatal("the dump does not hold the agenda (wrong database?)")
	}
	if strings.Contains(string(out), "010-9876-5432") {
		t.Fatal("the dump holds a council member's phone")
	}
}

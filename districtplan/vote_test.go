package districtplan_test

import (
	"net/url"
	"strings"
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// A district's residents vote on its projects with the dongs' voting
// service (codes, the ballots API, close), and the result combines the
// committee's scores 50 : 50 with the residents' share, checked against a
// hand computation; the formula is printed with it.
func TestDistrictVoteWeighted(t *testing.T) {
	e := servertest.StartK(t, 1) // ballots counted at once
	mapo := e.NewHost(t, account.RoleDistrict, "마포구", "")
	other := e.NewHost(t, account.RoleDistrict, "종로구", "")
	city := e.NewHost(t, account.RoleCity, "", "")
	base := "/api/v1/district-plans/" + url.PathEscape("마포구")
	q := "?year=2027"
	want(t, mapo.API(t, "PUT", base+"/application"+q, application(3, 3)), 200, "")
	want(t, mapo.API(t, "POST", base+"/submit"+q, nil), 200, "")
	v := version("draft", 1_000_000_000, 300_000_000)
	v["projects"] = []map[string]any{
		{"title": "A 돌봄", "kind": 1, "budget": 300_000_000},
		{"title": "B 공유공간", "kind": 2, "budget": 400_000_000},
		{"title": "C 마을 미디어", "kind": 3, "budget": 300_000_000},
	}
	want(t, mapo.API(t, "POST", base+"/versions"+q, v), 201, "")
	body := map[string]any{"starts_at": "2027-06-01T10:00:00+09:00", "ends_at": "2027-06-01T18:00:00+09:00",
		"place": "마포구청 대강당", "max_choices": 2, "committee_weight": 50}
	want(t, other.API(t, "POST", base+"/vote"+q, body), 403, "forbidden")
	res := mapo.API(t, "POST", base+"/vote"+q, body)
	want(t, res, 201, "")
	var vote struct {
		AssemblyID string `json:"assembly_id"`
		Slug       string `json:"slug"`
	}
	res.JSON(t, &vote)
	want(t, mapo.API(t, "POST", base+"/vote"+q, body), 409, "conflict")

	// The district's host runs it like any assembly.
	asm := "/api/v1/assemblies/" + vote.AssemblyID
	var a struct {
		Dong    string `json:"dong"`
		Agendas []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
			Cost  int64  `json:"cost"`
		} `json:"agendas"`
	}
	mapo.API(t, "GET", asm, nil).JSON(t, &a)
	if a.Dong != account.DistrictWide || len(a.Agendas) != 3 || a.Agendas[1].Cost != 400_000_000 {
		t.Fatalf("the vote's assembly: %+v", a)
	}
	want(t, other.API(t, "POST", asm+"/publish", nil), 404, "not_found") // another district does not see it
	want(t, mapo.API(t, "POST", asm+"/publish", nil), 200, "")
	want(t, mapo.API(t, "POST", asm+"/open", nil), 200, "")
	var codes struct {
		Codes []struct{ Code string } `json:"codes"`
	}
	res = mapo.API(t, "POST", asm+"/codes", map[string]any{"count": 4, "channel": "onsite"})
	want(t, res, 201, "")
	res.JSON(t, &codes)
	A, B, C := a.Agendas[0].ID, a.Agendas[1].ID, a.Agendas[2].ID
	for i, choice := range [][]string{{A, B}, {B}, {B, C}, {A}} {
		r := e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": vote.Slug, "code": codes.Codes[i].Code,
			"choices": choice, "nonce": codes.Codes[i].Code + "-n"})
		want(t, r, 201, "")
	}
	want(t, mapo.API(t, "GET", base+"/vote/result"+q, nil), 409, "conflict") // not before the close
	want(t, mapo.API(t, "PUT", base+"/vote/scores"+q, map[string]any{"scores": map[string]float64{A: 101}}), 422, "invalid")
	want(t, mapo.API(t, "PUT", base+"/vote/scores"+q, map[string]any{"scores": map[string]float64{A: 90, B: 60, C: 30}}), 200, "")
	want(t, mapo.API(t, "POST", asm+"/close", nil), 200, "")

	var out struct {
		Ballots int64  `json:"ballots"`
		Formula string `json:"formula"`
		Rows    []struct {
			Rank           int     `json:"rank"`
			Title          string  `json:"title"`
			CommitteeScore float64 `json:"committee_score"`
			Votes          int64   `json:"votes"`
			ResidentShare  float64 `json:"resident_share"`
			Final          float64 `json:"final"`
		} `json:"rows"`
	}
	city.API(t, "GET", base+"/vote/result"+q, nil).JSON(t, &out)
	// By hand: A 2/4 = 50 %, B 3/4 = 75 %, C 1/4 = 25 %;
	// final A = 90×.5 + 50×.5 = 70, B = 60×.5 + 75×.5 = 67.5, C = 30×.5 + 25×.5 = 27.5.
	wantRows := []struct {
		title         string
		votes         int64
		share, result float64
	}{{"A 돌봄", 2, 50, 70}, {"B 공유공간", 3, 75, 67.5}, {"C 마을 미디어", 1, 25, 27.5}}
	if out.Ballots != 4 || len(out.Rows) != 3 {
		t.Fatalf("result %+v", out)
	}
	for i, w := range wantRows {
		r := out.Rows[i]
		if r.Rank != i+1 || r.Title != w.title || r.Votes != w.votes || r.ResidentShare != w.share || r.Final != w.result {
			t.Errorf("row %d: %+v, want %+v", i+1, r, w)
		}
	}
	if out.Formula != "최종 점수 = 위원회 점수 × 50% + 주민 득표율 × 50%" {
		t.Errorf("formula %q", out.Formula)
	}
	page := mapo.Get(t, "/host/district-plans/"+url.PathEscape("마포구")+q)
	if page.Status != 200 || !contains(page.Body, "최종 점수 = 위원회 점수 × 50% &#43; 주민 득표율 × 50%") || !contains(page.Body, `id="weighted"`) {
		t.Errorf("the district page prints the combined result with its formula: %d", page.Status)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }

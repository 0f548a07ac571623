package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/execution"
	"maeul/format"
	"maeul/server/servertest"
	"maeul/voting"
)

// The pages after the assembly (execution, issue 15) and of the district
// plan (districtplan, issue 16) need data of their own. Their paths hold
// {exec-agenda} (an agenda of the announced fixture, handed over and
// approved), {share} (the token of the fixture dong's shared results page),
// {survey} (the token of a district plan survey) and {district} (the
// site's district, with its plan application written).

// afterMu guards afterData; each piece is made once per site.
var (
	afterMu   sync.Mutex
	afterData = map[*site]map[string]string{}
)

// planYear is the year of the district plan the pages show.
const planYear = 2027

// afterAssembly fills the placeholders above.
func (s *site) afterAssembly(t *testing.T, path string) string {
	t.Helper()
	for ph, mk := range map[string]func(*testing.T) string{
		"{exec-agenda}": s.approvedAgenda,
		"{share}":       s.shareToken,
		"{survey}":      s.surveyToken,
		"{district}":    s.planDistrict,
	} {
		if strings.Contains(path, ph) {
			path = strings.ReplaceAll(path, ph, s.once(t, ph, mk))
		}
	}
	return path
}

func (s *site) once(t *testing.T, key string, mk func(*testing.T) string) string {
	t.Helper()
	afterMu.Lock()
	v, ok := afterData[s][key]
	afterMu.Unlock()
	if ok {
		return v
	}
	v = mk(t)
	afterMu.Lock()
	if afterData[s] == nil {
		afterData[s] = map[string]string{}
	}
	afterData[s][key] = v
	afterMu.Unlock()
	return v
}

// approvedAgenda makes an assembly of the site's dong of its own (voted,
// announced), submits and forwards its results, hands them over to the city
// and approves its first agenda (the second on conditions).
func (s *site) approvedAgenda(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	a, gs := s.e.Fixture(t, servertest.FixtureOptions{District: s.district, Dong: s.dong, State: assembly.StateOpen})
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.e.DB.Pool.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	if s.ascii {
		exec(`UPDATE assemblies SET title = 'Seongsan-1 village assembly', place = 'Community centre' WHERE id = $1`, a.ID)
		exec(`UPDATE agendas SET title = 'Agenda ' || number, summary = 'What it does', location = 'Near the market' WHERE assembly_id = $1`, a.ID)
	}
	exec(`UPDATE agendas SET district_department = $2 WHERE assembly_id = $1`, a.ID, s.text("공원녹지과", "Parks"))
	for i, choices := range [][]int{{1, 2, 3}, {1, 2}, {1, 3}, {2, 4}} {
		var id string
		if err := s.e.DB.Pool.QueryRow(ctx, `INSERT INTO ballots (assembly_id, channel) VALUES ($1, 'onsite') RETURNING id::text`, a.ID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO receipts (assembly_id, receipt_hash) VALUES ($1, $2)`, a.ID, voting.ReceiptHash(fmt.Sprintf("E2E-%d-%d", a.ID, i)))
		for p, c := range choices {
			exec(`INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position) VALUES ($1, $2, $3, $4)`, a.ID, id, gs[c-1].ID, p+1)
		}
	}
	s.e.SetRunningCounts(t, a.ID)
	exec(`UPDATE assemblies SET state = 'closed', closed_at = now() WHERE id = $1`, a.ID)
	res := s.e.Server.Results
	if _, err := res.Announce(ctx, a.ID, s.host.User); err != nil {
		t.Fatalf("announce: %v", err)
	}
	year := a.StartsAt.In(format.Seoul).Year()
	if _, err := res.Submit(ctx, a.ID, s.host.User, ""); err != nil {
		t.Fatalf("submit the results: %v", err)
	}
	if _, err := res.Forward(ctx, s.district, year, s.hosts[account.RoleDistrict].User); err != nil {
		t.Fatalf("forward the results: %v", err)
	}
	city := s.hosts[account.RoleCity].User
	if _, err := s.e.Server.Execution.HandOver(ctx, city, year); err != nil {
		t.Fatalf("hand over: %v", err)
	}
	ds := []execution.Decision{{AgendaID: gs[0].ID, Decision: execution.DecisionApproved},
		{AgendaID: gs[1].ID, Decision: execution.DecisionConditional, Conditions: s.text("부지 협의 후 집행", "After the site is agreed")}}
	if _, err := s.e.Server.Execution.Decide(ctx, city, fmt.Sprintf("%d-08-25", year), ds); err != nil {
		t.Fatalf("decide: %v", err)
	}
	return fmt.Sprint(gs[0].ID)
}

// shareToken makes the shared results page of the fixture's dong.
func (s *site) shareToken(t *testing.T) string {
	t.Helper()
	s.once(t, "{exec-agenda}", s.approvedAgenda)
	r := s.host.API(t, "POST", "/api/v1/sharing/link", map[string]any{"district": s.district, "dong": s.dong, "year": 2026})
	if r.Status != 201 {
		t.Fatalf("share link: %d %s", r.Status, r.Body)
	}
	var out struct{ URL string }
	r.JSON(t, &out)
	return out.URL[strings.LastIndex(out.URL, "/")+1:]
}

// planDistrict writes the district's plan application and returns the
// district for a path.
func (s *site) planDistrict(t *testing.T) string {
	t.Helper()
	ps := []map[string]any{
		{"name": s.text("김민간", "Kim Min"), "affiliation": s.text("마을넷", "Village net"), "field": s.text("마을", "Village"), "role": s.text("위원", "Member"), "group": "governance_council", "sector": "private"},
		{"name": s.text("박행정", "Park Haeng"), "affiliation": s.text("구청", "District office"), "field": s.text("행정", "Admin"), "role": s.text("위원", "Member"), "group": "other", "sector": "public"},
	}
	app := map[string]any{"council_name": s.text("협치마포구회의", "Mapo governance council"), "civil_rep": s.text("홍길동", "Hong Gil"),
		"public_rep": s.text("마포구청장", "Mapo mayor"), "prep_from": "2027-01-10", "prep_until": "2027-03-05",
		"prep_participants": s.text("협치회의", "Governance council"), "structure": "type2", "structure_note": s.text("분과", "Working group"),
		"background": s.text("구 차원의 협치", "District governance"), "plan_filed": true, "plan_filed_on": "2027-03-02", "councils_agreed": true, "people": ps}
	h := s.hosts["district"]
	r := h.API(t, "PUT", "/api/v1/district-plans/"+url.PathEscape(s.district)+"/application?year="+fmt.Sprint(planYear), app)
	if r.Status != 200 {
		t.Fatalf("plan application: %d %s", r.Status, r.Body)
	}
	return url.PathEscape(s.district)
}

// surveyToken opens a district plan survey.
func (s *site) surveyToken(t *testing.T) string {
	t.Helper()
	d := s.once(t, "{district}", s.planDistrict)
	body := map[string]any{"title": s.text("공론장 참여자 설문", "Forum participants' survey"),
		"questions": []string{s.text("내 의견을 말할 수 있었다", "I could say what I think"), s.text("결과가 계획에 반영되었다", "The results went into the plan")}}
	r := s.hosts["district"].API(t, "POST", "/api/v1/district-plans/"+d+"/surveys?year="+fmt.Sprint(planYear), body)
	if r.Status != 201 {
		t.Fatalf("survey: %d %s", r.Status, r.Body)
	}
	var sv struct{ URL string }
	r.JSON(t, &sv)
	return sv.URL[strings.LastIndex(sv.URL, "/")+1:]
}

// text is the Korean or, on an ASCII site, the English user data.
func (s *site) text(ko, en string) string {
	if s.ascii {
		return en
	}
	return ko
}

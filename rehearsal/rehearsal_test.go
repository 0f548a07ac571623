package rehearsal_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"maeul/database/dbtest"
	"maeul/server/servertest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestRehearsal(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, "dong", "마포구", "성산1동")
	a, _ := e.Fixture(t, servertest.FixtureOptions{})
	ctx := context.Background()

	t.Run("bad numbers are refused in Korean", func(t *testing.T) {
		r := h.API(t, "POST", "/api/v1/rehearsals", map[string]any{"assembly": a.Slug, "phones": 0, "minutes": 1})
		if r.Status != 422 || !strings.Contains(string(r.Body), "휴대폰") {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		r = h.API(t, "POST", "/api/v1/rehearsals", map[string]any{"assembly": a.Slug, "phones": 5, "minutes": 0.01})
		if r.Status != 422 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("the assembly is a slug, an id as a number or digits", func(t *testing.T) {
		for _, ref := range []any{a.ID, strconv.FormatInt(a.ID, 10)} {
			r := h.API(t, "POST", "/api/v1/rehearsals", map[string]any{"assembly": ref, "phones": 0, "minutes": 1})
			if r.Status != 422 || !strings.Contains(string(r.Body), "휴대폰") {
				t.Fatalf("%v: %d %s", ref, r.Status, r.Body)
			}
		}
		for _, body := range []map[string]any{{"assembly": true, "phones": 5, "minutes": 1}, {"phones": 5, "minutes": 1}} {
			r := h.API(t, "POST", "/api/v1/rehearsals", body)
			if r.Status != 422 || !strings.Contains(string(r.Body), "assembly") {
				t.Fatalf("%v: %d %s", body, r.Status, r.Body)
			}
		}
		if r := h.API(t, "POST", "/api/v1/rehearsals", map[string]any{"assembly": "no-such-one", "phones": 5, "minutes": 1}); r.Status != 404 {
			t.Fatalf("unknown slug: %d %s", r.Status, r.Body)
		}
	})
	t.Run("another dong's host may not rehearse", func(t *testing.T) {
		other := e.NewHost(t, "dong", "마포구", "망원1동")
		r := other.API(t, "POST", "/api/v1/rehearsals", map[string]any{"assembly": a.Slug, "phones": 5, "minutes": 0.2})
		if r.Status != 403 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})

	const phones = 40
	r := h.API(t, "POST", "/api/v1/rehearsals", map[string]any{"assembly": a.Slug, "phones": phones, "minutes": 0.2})
	if r.Status != 201 {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	var run struct {
		ID     int64  `json:"id"`
		Slug   string `json:"slug"`
		State  string `json:"state"`
		Report string `json:"report"`
	}
	r.JSON(t, &run)
	if !strings.HasPrefix(run.Slug, "rh-") || run.Slug == a.Slug {
		t.Fatalf("the rehearsal does not run on a copy: %q", run.Slug)
	}
	t.Run("the copy is marked 리허설", func(t *testing.T) {
		page := e.Do(t, "GET", "/v/"+run.Slug, "", nil)
		if page.Status != 200 || !strings.Contains(string(page.Body), "리허설") {
			t.Fatalf("ballot page of the copy: %d, marked: %v", page.Status, strings.Contains(string(page.Body), "리허설"))
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for run.State == "running" {
		if time.Now().After(deadline) {
			t.Fatal("the rehearsal did not finish")
		}
		time.Sleep(500 * time.Millisecond)
		h.API(t, "GET", "/api/v1/rehearsals/"+strconv.FormatInt(run.ID, 10), nil).JSON(t, &run)
	}
	if run.State != "done" {
		t.Fatalf("state %q, report:\n%s", run.State, run.Report)
	}
	if !strings.Contains(run.Report, "접수된 투표 40건 / 오류 0건") || !strings.Contains(run.Report, "p99") {
		t.Fatalf("report:\n%s", run.Report)
	}
	t.Run("nothing mixes with the real assembly and the copy is gone", func(t *testing.T) {
		var copies, ballots, codes int
		e.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM assemblies WHERE rehearsal_of IS NOT NULL`).Scan(&copies)
		e.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM ballots`).Scan(&ballots)
		e.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM codes`).Scan(&codes)
		if copies != 0 || ballots != 0 || codes != 0 {
			t.Fatalf("left behind: %d copies, %d ballots, %d codes", copies, ballots, codes)
		}
	})
	t.Run("the report page", func(t *testing.T) {
		page := h.Get(t, "/host/rehearsals/"+strconv.FormatInt(run.ID, 10))
		if page.Status != 200 || !strings.Contains(string(page.Body), "투표 제출") {
			t.Fatalf("%d", page.Status)
		}
	})
}

// A rehearsal of an assembly that checks eligibility and asks a yes/no
// question: the simulated residents are registered at the desk (one code
// each, as on the day) and every ballot answers the question; all of it is
// accepted, and nothing is left behind.
func TestRehearsalWithRegistrationAndQuestions(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, "dong", "마포구", "성산1동")
	a, _ := e.Fixture(t, servertest.FixtureOptions{})
	ctx := context.Background()
	if _, err := e.DB.Pool.Exec(ctx, `UPDATE assemblies SET eligible = '{resident}', min_age = 14 WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	if r := h.API(t, "POST", "/api/v1/assemblies/"+strconv.FormatInt(a.ID, 10)+"/questions",
		map[string]any{"text": "마을계획에 찬성하십니까?", "rule": "majority"}); r.Status != 201 {
		t.Fatalf("question: %d %s", r.Status, r.Body)
	}
	const phones = 15
	r := h.API(t, "POST", "/api/v1/rehearsals", map[string]any{"assembly": a.Slug, "phones": phones, "minutes": 0.2})
	if r.Status != 201 {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	var run struct {
		ID     int64  `json:"id"`
		State  string `json:"state"`
		Report string `json:"report"`
	}
	r.JSON(t, &run)
	var registered int
	for deadline := time.Now().Add(90 * time.Second); run.State == "running"; time.Sleep(500 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the rehearsal did not finish")
		}
		if registered == 0 {
			e.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM registrations r JOIN assemblies a ON a.id = r.assembly_id
				WHERE a.rehearsal_of IS NOT NULL`).Scan(&registered)
		}
		h.API(t, "GET", "/api/v1/rehearsals/"+strconv.FormatInt(run.ID, 10), nil).JSON(t, &run)
	}
	if run.State != "done" || !strings.Contains(run.Report, "접수된 투표 15건 / 오류 0건") {
		t.Fatalf("state %q, report:\n%s", run.State, run.Report)
	}
	if registered != phones {
		t.Errorf("%d registrations seen during the run, want one per simulated resident (%d)", registered, phones)
	}
	var left int
	e.DB.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM assemblies WHERE rehearsal_of IS NOT NULL)
		+ (SELECT count(*) FROM registrations) + (SELECT count(*) FROM questions WHERE assembly_id <> $1)`, a.ID).Scan(&left)
	if left != 0 {
		t.Errorf("%d rows left behind", left)
	}
}

package assembly_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
)

// assemblyBody is a good create request for 마포구 성산1동.
func assemblyBody() map[string]any {
	return map[string]any{
		"district": "마포구", "dong": "성산1동", "title": "2027 성산1동 마을총회",
		"place":     "성산1동 주민센터 3층 강당",
		"starts_at": "2027-07-15T14:00:00+09:00", "ends_at": "2027-07-15T17:00:00+09:00",
		"budget_cap": 30_000_000, "method": "approval", "max_choices": 3,
		"online_from": "2027-07-08T09:00:00+09:00", "online_until": "2027-07-15T14:00:00+09:00",
	}
}

type apiAssembly struct {
	ID          string      `json:"id"`
	Slug        string      `json:"slug"`
	State       string      `json:"state"`
	District    string      `json:"district"`
	Dong        string      `json:"dong"`
	Title       string      `json:"title"`
	StartsAt    string      `json:"starts_at"`
	EndsAt      string      `json:"ends_at"`
	BudgetCap   int64       `json:"budget_cap"`
	Method      string      `json:"method"`
	MaxChoices  int         `json:"max_choices"`
	OnlineFrom  *string     `json:"online_from"`
	OnlineUntil *string     `json:"online_until"`
	Sealed      bool        `json:"sealed"`
	TieBreak    string      `json:"tie_break"`
	Agendas     []apiAgenda `json:"agendas"`
}

type apiAgenda struct {
	ID             string `json:"id"`
	Number         int    `json:"number"`
	Title          string `json:"title"`
	Cost           int64  `json:"cost"`
	CurrentSubsidy int64  `json:"current_subsidy"`
	CapitalSubsidy int64  `json:"capital_subsidy"`
	ExecutionType  string `json:"execution_type"`
	ReviewResult   string `json:"review_result"`
	Purpose        string `json:"purpose"`
	Remarks        string `json:"remarks"`
	Summary        string `json:"summary"`
}

type apiErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

func createAssembly(t *testing.T, h *servertest.Host, body map[string]any) apiAssembly {
	t.Helper()
	res := h.API(t, "POST", "/api/v1/assemblies", body)
	if res.Status != 201 {
		t.Fatalf("create: status %d: %s", res.Status, res.Body)
	}
	var a apiAssembly
	res.JSON(t, &a)
	return a
}

func addAgenda(t *testing.T, h *servertest.Host, id string, body map[string]any) apiAgenda {
	t.Helper()
	res := h.API(t, "POST", "/api/v1/assemblies/"+id+"/agendas", body)
	if res.Status != 201 {
		t.Fatalf("add agenda: status %d: %s", res.Status, res.Body)
	}
	var g apiAgenda
	res.JSON(t, &g)
	return g
}

func getAssembly(t *testing.T, h *servertest.Host, id string) apiAssembly {
	t.Helper()
	res := h.API(t, "GET", "/api/v1/assemblies/"+id, nil)
	if res.Status != 200 {
		t.Fatalf("get: status %d: %s", res.Status, res.Body)
	}
	var a apiAssembly
	res.JSON(t, &a)
	return a
}

// wantError checks the status, the API error code and (if given) the field.
func wantError(t *testing.T, res *servertest.Response, status int, code, field string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
	}
	var e apiErr
	res.JSON(t, &e)
	if e.Error.Code != code {
		t.Errorf("code %q, want %q: %s", e.Error.Code, code, res.Body)
	}
	if field != "" && e.Error.Field != field {
		t.Errorf("field %q, want %q: %s", e.Error.Field, field, res.Body)
	}
	if e.Error.Message == "" {
		t.Errorf("no message: %s", res.Body)
	}
}

func setState(t *testing.T, e *servertest.Env, id, state string) {
	t.Helper()
	if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET state = $2 WHERE id = $1`, id, state); err != nil {
		t.Fatal(err)
	}
}

func TestAPICreate(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")

	t.Run("good", func(t *testing.T) {
		a := createAssembly(t, h, assemblyBody())
		if a.ID == "" || a.State != "draft" || !a.Sealed || a.TieBreak != "cost_asc" || a.Method != "approval" {
			t.Errorf("created %+v", a)
		}
		if !regexp.MustCompile(`^seongsan1-2027(-[0-9]+)?$`).MatchString(a.Slug) { // from the dong and the year
			t.Errorf("generated slug %q", a.Slug)
		}
		if a.StartsAt != "2027-07-15T14:00:00+09:00" || a.OnlineFrom == nil || *a.OnlineFrom != "2027-07-08T09:00:00+09:00" {
			t.Errorf("times %q %v", a.StartsAt, a.OnlineFrom)
		}
		if a.Agendas == nil {
			t.Error("agendas is null, want []")
		}
	})
	t.Run("chosen slug, sealed false, unknown fields ignored", func(t *testing.T) {
		b := assemblyBody()
		b["slug"], b["sealed"], b["tie_break"], b["colour"] = "seongsan-2027", false, "number_asc", "blue"
		a := createAssembly(t, h, b)
		if a.Slug != "seongsan-2027" || a.Sealed || a.TieBreak != "number_asc" {
			t.Errorf("created %+v", a)
		}
		wantError(t, h.API(t, "POST", "/api/v1/assemblies", b), 409, "conflict", "slug")
	})
	t.Run("own dong by default", func(t *testing.T) {
		b := assemblyBody()
		delete(b, "district")
		delete(b, "dong")
		a := createAssembly(t, h, b)
		if a.District != "마포구" || a.Dong != "성산1동" {
			t.Errorf("created in %s %s", a.District, a.Dong)
		}
	})
	t.Run("budget method needs no max_choices", func(t *testing.T) {
		b := assemblyBody()
		b["method"] = "budget"
		delete(b, "max_choices")
		if a := createAssembly(t, h, b); a.Method != "budget" || a.MaxChoices < 1 {
			t.Errorf("created %+v", a)
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		wantError(t, h.API(t, "POST", "/api/v1/assemblies", `{"title": `), 400, "invalid", "")
		wantError(t, h.API(t, "POST", "/api/v1/assemblies", `[1,2]`), 400, "invalid", "")
	})
	t.Run("no credentials", func(t *testing.T) {
		wantError(t, e.Do(t, "POST", "/api/v1/assemblies", "", assemblyBody()), 401, "unauthorized", "")
		wantError(t, e.Do(t, "POST", "/api/v1/assemblies", "mt_not-a-token", assemblyBody()), 401, "unauthorized", "")
	})
	t.Run("other dong or not a dong host", func(t *testing.T) {
		b := assemblyBody()
		b["dong"] = "망원1동"
		wantError(t, h.API(t, "POST", "/api/v1/assemblies", b), 403, "forbidden", "")
		d := e.NewHost(t, account.RoleDistrict, "마포구", "")
		wantError(t, d.API(t, "POST", "/api/v1/assemblies", assemblyBody()), 403, "forbidden", "")
		c := e.NewHost(t, account.RoleCity, "", "")
		wantError(t, c.API(t, "POST", "/api/v1/assemblies", assemblyBody()), 403, "forbidden", "")
	})
	bad := []struct {
		name  string
		key   string
		value any
		field string
	}{
		{"no title", "title", "  ", "title"},
		{"long title", "title", strings.Repeat("가", 201), "title"},
		{"ends before it starts", "ends_at", "2027-07-15T13:00:00+09:00", "ends_at"},
		{"no start", "starts_at", "", "starts_at"},
		{"bad time", "starts_at", "next Thursday", "starts_at"},
		{"zero cap", "budget_cap", 0, "budget_cap"},
		{"cap of the wrong type", "budget_cap", "lots", "budget_cap"},
		{"bad method", "method", "plurality", "method"},
		{"zero choices", "max_choices", 0, "max_choices"},
		{"online ends before it starts", "online_until", "2027-07-01T09:00:00+09:00", "online_until"},
		{"online after the assembly", "online_until", "2027-07-16T09:00:00+09:00", "online_until"},
		{"online half given", "online_until", nil, "online_until"},
		{"bad tie-break", "tie_break", "coin", "tie_break"},
		{"bad slug", "slug", "Seongsan 1!", "slug"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			b := assemblyBody()
			b[c.key] = c.value
			wantError(t, h.API(t, "POST", "/api/v1/assemblies", b), 422, "invalid", c.field)
		})
	}
	t.Run("English message", func(t *testing.T) {
		b := assemblyBody()
		b["title"] = ""
		res := h.API(t, "POST", "/api/v1/assemblies?lang=en", b)
		var er apiErr
		res.JSON(t, &er)
		if res.Status != 422 || !strings.Contains(er.Error.Message, "title") {
			t.Errorf("status %d message %q", res.Status, er.Error.Message)
		}
	})
	var n int
	e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM assemblies`).Scan(&n)
	if n != 4 {
		t.Errorf("%d assemblies stored, want the 4 good ones", n)
	}
}

func TestAPIReadAndRoles(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	other := e.NewHost(t, account.RoleDong, "마포구", "망원1동")
	district := e.NewHost(t, account.RoleDistrict, "마포구", "")
	otherDistrict := e.NewHost(t, account.RoleDistrict, "은평구", "")
	city := e.NewHost(t, account.RoleCity, "", "")
	a := createAssembly(t, h, assemblyBody())
	addAgenda(t, h, a.ID, map[string]any{"title": "의제", "cost": 1000})
	createAssembly(t, other, func() map[string]any { b := assemblyBody(); b["dong"] = "망원1동"; return b }())

	for _, c := range []struct {
		name   string
		host   *servertest.Host
		status int
	}{
		{"own dong", h, 200}, {"its district", district, 200}, {"the city", city, 200},
		// A draft is unknown to hosts who may not see it (no existence oracle).
		{"another dong", other, 404}, {"another district", otherDistrict, 404},
	} {
		t.Run("get as "+c.name, func(t *testing.T) {
			res := c.host.API(t, "GET", "/api/v1/assemblies/"+a.ID, nil)
			if res.Status != c.status {
				t.Fatalf("status %d, want %d: %s", res.Status, c.status, res.Body)
			}
			if c.status == 404 {
				wantError(t, res, 404, "not_found", "")
			}
		})
	}
	t.Run("unknown id", func(t *testing.T) {
		wantError(t, h.API(t, "GET", "/api/v1/assemblies/999999", nil), 404, "not_found", "")
		wantError(t, h.API(t, "GET", "/api/v1/assemblies/abc", nil), 404, "not_found", "")
		wantError(t, h.API(t, "PATCH", "/api/v1/assemblies/999999", map[string]any{"title": "x"}), 404, "not_found", "")
		wantError(t, h.API(t, "POST", "/api/v1/assemblies/999999/publish", nil), 404, "not_found", "")
	})
	t.Run("no credentials", func(t *testing.T) {
		wantError(t, e.Do(t, "GET", "/api/v1/assemblies/"+a.ID, "", nil), 401, "unauthorized", "")
		wantError(t, e.Do(t, "GET", "/api/v1/assemblies", "", nil), 401, "unauthorized", "")
	})
	t.Run("district host reads but does not change", func(t *testing.T) {
		wantError(t, district.API(t, "PATCH", "/api/v1/assemblies/"+a.ID, map[string]any{"title": "바꿈"}), 403, "forbidden", "")
		wantError(t, district.API(t, "POST", "/api/v1/assemblies/"+a.ID+"/agendas", map[string]any{"title": "x", "cost": 1}), 403, "forbidden", "")
		wantError(t, district.API(t, "POST", "/api/v1/assemblies/"+a.ID+"/publish", nil), 403, "forbidden", "")
		wantError(t, other.API(t, "PATCH", "/api/v1/assemblies/"+a.ID, map[string]any{"title": "바꿈"}), 404, "not_found", "")
		wantError(t, other.API(t, "DELETE", "/api/v1/assemblies/"+a.ID+"/agendas/1", nil), 404, "not_found", "")
	})
	t.Run("lists", func(t *testing.T) {
		count := func(host *servertest.Host) int {
			var l struct{ Assemblies []apiAssembly }
			res := host.API(t, "GET", "/api/v1/assemblies", nil)
			res.JSON(t, &l)
			return len(l.Assemblies)
		}
		if n := count(h); n != 1 {
			t.Errorf("dong host lists %d, want 1", n)
		}
		if n := count(district); n != 2 {
			t.Errorf("district host lists %d, want 2", n)
		}
		if n := count(otherDistrict); n != 0 {
			t.Errorf("other district lists %d, want 0", n)
		}
		if n := count(city); n != 2 {
			t.Errorf("city lists %d, want 2", n)
		}
	})
}

func TestAPIUpdateAndFreeze(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a := createAssembly(t, h, assemblyBody())
	path := "/api/v1/assemblies/" + a.ID

	t.Run("partial change keeps the rest", func(t *testing.T) {
		res := h.API(t, "PATCH", path, map[string]any{"title": "새 이름", "max_choices": 5, "online_from": nil, "online_until": nil})
		if res.Status != 200 {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
		var got apiAssembly
		res.JSON(t, &got)
		if got.Title != "새 이름" || got.MaxChoices != 5 || got.BudgetCap != 30_000_000 || got.OnlineFrom != nil {
			t.Errorf("after patch %+v", got)
		}
	})
	t.Run("bad content", func(t *testing.T) {
		wantError(t, h.API(t, "PATCH", path, map[string]any{"ends_at": "2020-01-01T00:00:00Z"}), 422, "invalid", "ends_at")
		wantError(t, h.API(t, "PATCH", path, map[string]any{"dong": "망원1동"}), 422, "invalid", "dong")
		wantError(t, h.API(t, "PATCH", path, `{"title": 5`), 400, "invalid", "")
	})
	t.Run("slug changes while draft", func(t *testing.T) {
		res := h.API(t, "PATCH", path, map[string]any{"slug": "seongsan1-2027"})
		if res.Status != 200 {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
	})
	g := addAgenda(t, h, a.ID, map[string]any{"title": "의제 하나", "cost": 5_000_000})
	setState(t, e, a.ID, "open")
	t.Run("rules frozen once open", func(t *testing.T) {
		wantError(t, h.API(t, "PATCH", path, map[string]any{"budget_cap": 40_000_000}), 409, "conflict", "")
		wantError(t, h.API(t, "PATCH", path, map[string]any{"method": "ranked"}), 409, "conflict", "")
		wantError(t, h.API(t, "PATCH", path, map[string]any{"sealed": false}), 409, "conflict", "")
		wantError(t, h.API(t, "PATCH", path, map[string]any{"slug": "other-slug"}), 409, "conflict", "")
		if got := getAssembly(t, h, a.ID); got.BudgetCap != 30_000_000 || got.Method != "approval" || !got.Sealed {
			t.Errorf("frozen rules changed: %+v", got)
		}
	})
	t.Run("title may still be corrected", func(t *testing.T) {
		if res := h.API(t, "PATCH", path, map[string]any{"title": "고친 이름"}); res.Status != 200 {
			t.Errorf("status %d: %s", res.Status, res.Body)
		}
	})
	t.Run("agendas frozen once open", func(t *testing.T) {
		wantError(t, h.API(t, "POST", path+"/agendas", map[string]any{"title": "늦은 의제", "cost": 1}), 409, "conflict", "")
		wantError(t, h.API(t, "PATCH", path+"/agendas/"+g.ID, map[string]any{"cost": 1}), 409, "conflict", "")
		wantError(t, h.API(t, "DELETE", path+"/agendas/"+g.ID, nil), 409, "conflict", "")
		wantError(t, h.API(t, "POST", path+"/agendas/reorder", map[string]any{"order": []string{g.ID}}), 409, "conflict", "")
		wantError(t, h.API(t, "POST", path+"/publish", nil), 409, "conflict", "")
	})
	for _, st := range []string{"closed", "announced"} {
		setState(t, e, a.ID, st)
		t.Run("still frozen when "+st, func(t *testing.T) {
			wantError(t, h.API(t, "PATCH", path, map[string]any{"max_choices": 1}), 409, "conflict", "")
			wantError(t, h.API(t, "PATCH", path+"/agendas/"+g.ID, map[string]any{"title": "x"}), 409, "conflict", "")
		})
	}
	t.Run("nothing changes once announced", func(t *testing.T) {
		wantError(t, h.API(t, "PATCH", path, map[string]any{"title": "발표 후"}), 409, "conflict", "")
	})
}

func TestAPIAgendas(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a := createAssembly(t, h, assemblyBody())
	path := "/api/v1/assemblies/" + a.ID + "/agendas"

	full := map[string]any{
		"title": "주민과 상인, 우리 지금 만나!", "summary": "소통모임 운영", "location": "축산물시장 인근 상가",
		"cost": 5_000_000, "current_subsidy": 2_000_000, "capital_subsidy": 3_000_000,
		"subcommittee": "상권분과", "proposer": "주민", "execution_type": "public_private",
		"district_department": "마을과/지역경제과", "city_department": "지역공동체담당관",
		"drafting_round": 2, "purpose": "목적", "period": "2028년", "executor": "분과", "approach": "방법",
		"related_parties": "상인회", "future_plan": "계획", "remarks": "비고",
		"review_result": "", "review_department": "", "review_notes": "",
	}
	g1 := addAgenda(t, h, a.ID, full)
	if g1.Number != 1 || g1.ID == "" || g1.ExecutionType != "public_private" || g1.ReviewResult != "" || g1.Remarks != "비고" {
		t.Errorf("first agenda %+v", g1)
	}
	g2 := addAgenda(t, h, a.ID, map[string]any{"title": "둘", "cost": 1_000_000})
	g3 := addAgenda(t, h, a.ID, map[string]any{"title": "셋", "cost": 2_000_000})
	if g2.Number != 2 || g3.Number != 3 {
		t.Errorf("numbers %d %d", g2.Number, g3.Number)
	}

	bad := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no title", map[string]any{"title": "", "cost": 1}, "title"},
		{"negative cost", map[string]any{"title": "x", "cost": -1}, "cost"},
		{"subsidies do not add up", map[string]any{"title": "x", "cost": 5, "current_subsidy": 1, "capital_subsidy": 1}, "current_subsidy"},
		{"bad execution type", map[string]any{"title": "x", "cost": 5, "execution_type": "state"}, "execution_type"},
		{"bad round", map[string]any{"title": "x", "cost": 5, "drafting_round": 4}, "drafting_round"},
		{"bad review", map[string]any{"title": "x", "cost": 5, "review_result": "fine"}, "review_result"},
		// The department's final review fills these (package planning).
		{"typed review", map[string]any{"title": "x", "cost": 5, "review_result": "adequate"}, "review_result"},
		{"typed review notes", map[string]any{"title": "x", "cost": 5, "review_notes": "적정"}, "review_notes"},
		{"cost of the wrong type", map[string]any{"title": "x", "cost": "많이"}, "cost"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, h.API(t, "POST", path, c.body), 422, "invalid", c.field)
		})
	}
	t.Run("malformed", func(t *testing.T) {
		wantError(t, h.API(t, "POST", path, "{"), 400, "invalid", "")
		wantError(t, h.API(t, "POST", path, ""), 400, "invalid", "")
	})
	t.Run("patch one field", func(t *testing.T) {
		res := h.API(t, "PATCH", path+"/"+g1.ID, map[string]any{"cost": 6_000_000, "current_subsidy": 3_000_000})
		if res.Status != 200 {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
		var g apiAgenda
		res.JSON(t, &g)
		if g.Cost != 6_000_000 || g.CapitalSubsidy != 3_000_000 || g.Title != full["title"] || g.Purpose != "목적" {
			t.Errorf("after patch %+v", g)
		}
		wantError(t, h.API(t, "PATCH", path+"/"+g1.ID, map[string]any{"cost": 7_000_000}), 422, "invalid", "current_subsidy")
	})
	t.Run("agenda of another assembly", func(t *testing.T) {
		b := createAssembly(t, h, assemblyBody())
		wantError(t, h.API(t, "PATCH", "/api/v1/assemblies/"+b.ID+"/agendas/"+g1.ID, map[string]any{"title": "x"}), 404, "not_found", "")
		wantError(t, h.API(t, "DELETE", "/api/v1/assemblies/"+b.ID+"/agendas/"+g1.ID, nil), 404, "not_found", "")
		wantError(t, h.API(t, "DELETE", path+"/999999", nil), 404, "not_found", "")
	})
	t.Run("reorder", func(t *testing.T) {
		res := h.API(t, "POST", path+"/reorder", map[string]any{"order": []string{g3.ID, g1.ID, g2.ID}})
		if res.Status != 200 {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
		got := getAssembly(t, h, a.ID)
		if titles(got) != "셋,주민과 상인, 우리 지금 만나!,둘" {
			t.Errorf("order %s", titles(got))
		}
		wantError(t, h.API(t, "POST", path+"/reorder", map[string]any{"order": []string{g3.ID, g1.ID}}), 422, "invalid", "order")
		wantError(t, h.API(t, "POST", path+"/reorder", map[string]any{"order": []string{g3.ID, g1.ID, g1.ID}}), 422, "invalid", "order")
		wantError(t, h.API(t, "POST", path+"/reorder", map[string]any{"order": []string{g3.ID, g1.ID, "x"}}), 422, "invalid", "order")
		wantError(t, h.API(t, "POST", path+"/reorder", `{"order": 5}`), 422, "invalid", "order")
	})
	t.Run("delete renumbers", func(t *testing.T) {
		if res := h.API(t, "DELETE", path+"/"+g3.ID, nil); res.Status != 204 {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
		got := getAssembly(t, h, a.ID)
		for i, g := range got.Agendas {
			if g.Number != i+1 {
				t.Errorf("agenda %s has number %d at %d", g.Title, g.Number, i)
			}
		}
		if len(got.Agendas) != 2 {
			t.Errorf("%d agendas left", len(got.Agendas))
		}
		g4 := addAgenda(t, h, a.ID, map[string]any{"title": "넷", "cost": 1})
		if g4.Number != 3 {
			t.Errorf("new agenda after delete has number %d", g4.Number)
		}
	})
}

func titles(a apiAssembly) string {
	var s []string
	for _, g := range a.Agendas {
		s = append(s, g.Title)
	}
	return strings.Join(s, ",")
}

func TestAPIPublish(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a := createAssembly(t, h, assemblyBody())
	path := "/api/v1/assemblies/" + a.ID
	// A resident cannot read a draft's booklet.
	if res := e.Do(t, "GET", "/a/"+a.Slug, "", nil); res.Status != 404 {
		t.Errorf("draft booklet: status %d", res.Status)
	}
	wantError(t, h.API(t, "POST", path+"/publish", nil), 422, "invalid", "")
	addAgenda(t, h, a.ID, map[string]any{"title": "의제", "cost": 1_000_000})
	res := h.API(t, "POST", path+"/publish", nil)
	var got apiAssembly
	res.JSON(t, &got)
	if res.Status != 200 || got.State != "published" {
		t.Fatalf("publish: status %d: %s", res.Status, res.Body)
	}
	if res := e.Do(t, "GET", "/a/"+a.Slug, "", nil); res.Status != 200 {
		t.Errorf("published booklet: status %d", res.Status)
	}
	wantError(t, h.API(t, "POST", path+"/publish", nil), 409, "conflict", "")
	// Agendas may still change after publishing, until voting opens.
	addAgenda(t, h, a.ID, map[string]any{"title": "추가 의제", "cost": 1_000_000})
	if res := h.API(t, "POST", path+"/unpublish", nil); res.Status != 200 {
		t.Errorf("unpublish: status %d: %s", res.Status, res.Body)
	}
	wantError(t, h.API(t, "POST", path+"/unpublish", nil), 409, "conflict", "")
	setState(t, e, a.ID, "open")
	wantError(t, h.API(t, "POST", path+"/unpublish", nil), 409, "conflict", "")
}

// TestAPIConcurrentAgendas adds agendas from many clients at once: the
// numbers stay 1..N without gaps or duplicates.
func TestAPIConcurrentAgendas(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a := createAssembly(t, h, assemblyBody())
	const n = 12
	errs := make(chan string, n)
	for i := range n {
		go func() {
			res := h.API(t, "POST", "/api/v1/assemblies/"+a.ID+"/agendas", map[string]any{"title": fmt.Sprintf("의제 %d", i), "cost": 1000})
			if res.Status != 201 {
				errs <- fmt.Sprintf("status %d: %s", res.Status, res.Body)
				return
			}
			errs <- ""
		}()
	}
	for range n {
		if s := <-errs; s != "" {
			t.Error(s)
		}
	}
	got := getAssembly(t, h, a.ID)
	for i, g := range got.Agendas {
		if g.Number != i+1 {
			t.Errorf("number %d at %d", g.Number, i)
		}
	}
	if len(got.Agendas) != n {
		t.Errorf("%d agendas", len(got.Agendas))
	}
}

func TestSeedDemo(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, assembly.DemoDistrict, assembly.DemoDong)
	ctx := context.Background()
	a, err := assembly.SeedDemo(ctx, e.Server.Assemblies, h.User)
	if err != nil {
		t.Fatal(err)
	}
	b, err := assembly.SeedDemo(ctx, e.Server.Assemblies, h.User)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID || a.Slug != "demo-seongsan1" || a.State != assembly.StatePublished {
		t.Fatalf("demo %+v then %+v", a, b)
	}
	got := getAssembly(t, h, a.IDString())
	var total int64
	for _, g := range got.Agendas {
		total += g.Cost
		if g.Purpose == "" || g.Summary == "" || g.ReviewResult == "" || g.ExecutionType == "" {
			t.Errorf("agenda %d lacks plan fields: %+v", g.Number, g)
		}
	}
	if len(got.Agendas) != 8 || total != 55_000_000 || got.BudgetCap != 30_000_000 {
		t.Errorf("%d agendas costing %d under cap %d", len(got.Agendas), total, got.BudgetCap)
	}
	first := got.Agendas[0]
	if first.Title != "주민과 상인, 우리 지금 만나!" || first.Cost != 5_000_000 || first.CurrentSubsidy != 2_000_000 || first.CapitalSubsidy != 3_000_000 {
		t.Errorf("first agenda %+v", first)
	}
	if got.StartsAt != "2027-07-15T14:00:00+09:00" || got.EndsAt != "2027-07-15T17:00:00+09:00" ||
		*got.OnlineFrom != "2027-07-08T09:00:00+09:00" || *got.OnlineUntil != "2027-07-15T14:00:00+09:00" ||
		got.Method != "approval" || got.MaxChoices != 3 || !got.Sealed {
		t.Errorf("demo rules %+v", got)
	}
	var n int
	e.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM agendas`).Scan(&n)
	if n != 8 {
		t.Errorf("%d agendas after seeding twice", n)
	}
	t.Run("a new round once the vote has ended", func(t *testing.T) {
		if _, err := e.DB.Pool.Exec(ctx, `UPDATE assemblies SET state = 'closed' WHERE id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
		c, err := assembly.SeedDemo(ctx, e.Server.Assemblies, h.User)
		if err != nil {
			t.Fatal(err)
		}
		if c.Slug != "demo-seongsan1-2" || c.State != assembly.StatePublished {
			t.Fatalf("after the vote ended: %s (%s)", c.Slug, c.State)
		}
		d, err := assembly.SeedDemo(ctx, e.Server.Assemblies, h.User)
		if err != nil || d.ID != c.ID {
			t.Fatalf("the new round is not kept: %v %v", d, err)
		}
		old, _ := assembly.FindAssembly(ctx, e.DB.Pool, a.ID)
		if old.State != assembly.StateClosed {
			t.Fatal("the ended round was touched")
		}
	})
}

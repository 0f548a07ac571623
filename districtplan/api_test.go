package districtplan_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

type check struct {
	Key string `json:"key"`
	OK  bool   `json:"ok"`
}

type districtJSON struct {
	Application struct {
		SubmittedAt *string `json:"submitted_at"`
		Late        bool    `json:"late"`
		ApprovedAt  *string `json:"approved_at"`
		AgreementOn *string `json:"agreement_on"`
	} `json:"application"`
	Checks   []check `json:"checks"`
	Versions []struct {
		Version int     `json:"version"`
		Stage   string  `json:"stage"`
		Checks  []check `json:"checks"`
	} `json:"versions"`
	Rounds []struct {
		ID       string `json:"id"`
		Round    int    `json:"round"`
		Version  int    `json:"version"`
		Opinions []struct {
			ID     string `json:"id"`
			Answer string `json:"answer"`
		} `json:"opinions"`
	} `json:"rounds"`
	Events []struct {
		Action string `json:"action"`
	} `json:"events"`
}

func want(t *testing.T, res *servertest.Response, status int, code string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
	}
	if code != "" && res.ErrorCode() != code {
		t.Fatalf("error %q, want %q: %s", res.ErrorCode(), code, res.Body)
	}
}

func application(people int, private int) map[string]any {
	var ps []map[string]any
	for i := 0; i < people; i++ {
		sector := "public"
		if i < private {
			sector = "private"
		}
		ps = append(ps, map[string]any{"name": fmt.Sprintf("위원%02d", i), "affiliation": "마을넷", "field": "마을",
			"role": "위원", "group": "governance_council", "sector": sector})
	}
	ps = append(ps, map[string]any{"name": "김구의", "group": "district_councillor", "sector": "councillor"})
	return map[string]any{"council_name": "협치마포구회의", "civil_rep": "홍길동", "public_rep": "마포구청장",
		"prep_from": "2027-01-10", "prep_until": "2027-03-05", "prep_participants": "협치회의, 참여예산위원회",
		"structure": "type2", "structure_note": "주민참여예산 융합 분과", "background": "<script>alert(1)</script> 구 차원의 협치",
		"plan_filed": true, "plan_filed_on": "2027-03-02", "councils_agreed": true, "people": ps}
}

func version(stage string, grant, sectoral int64) map[string]any {
	return map[string]any{"stage": stage, "basic_plan": "민관협치 기본계획", "institutional": "협치 제도기반",
		"pb_support": "區 참여예산 지원", "next_year": "다음 해 계획", "proposals_note": "개인 제안 3건 반영",
		"city_grant": grant, "integration_cost": 150_000_000,
		"projects": []map[string]any{{"title": "마을 돌봄망", "kind": 3, "departments": "복지정책과", "partners": "돌봄협동조합",
			"budget": sectoral, "budget_lines": "민간경상보조"}}}
}

// The whole path of one district through the application, three rounds of
// coordination (a fourth refused) and approval to the 협약, with every
// role refused where it does not belong.
func TestDistrictPlanPath(t *testing.T) {
	e := servertest.Start(t)
	mapo := e.NewHost(t, account.RoleDistrict, "마포구", "")
	other := e.NewHost(t, account.RoleDistrict, "종로구", "")
	dong := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	city := e.NewHost(t, account.RoleCity, "", "")
	finance := e.NewHost(t, account.RoleFinance, "", "")
	base := "/api/v1/district-plans/" + url.PathEscape("마포구")
	q := "?year=2027"
	get := func(h *servertest.Host) districtJSON {
		t.Helper()
		res := h.API(t, "GET", base+q, nil)
		want(t, res, 200, "")
		var d districtJSON
		res.JSON(t, &d)
		return d
	}

	t.Run("application", func(t *testing.T) {
		want(t, other.API(t, "PUT", base+"/application"+q, application(10, 7)), 403, "forbidden")
		want(t, dong.API(t, "PUT", base+"/application"+q, application(10, 7)), 403, "forbidden")
		bad := application(1, 1)
		bad["people"] = []map[string]any{{"name": "", "group": "governance_council", "sector": "private"}}
		want(t, mapo.API(t, "PUT", base+"/application"+q, bad), 422, "invalid")
		var n int
		if err := e.DB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM dp_applications`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("applications after a refused save: %d (%v)", n, err) // nothing half-written
		}
		want(t, mapo.API(t, "PUT", base+"/application"+q, application(10, 6)), 200, "")
		d := get(mapo)
		for _, c := range d.Checks {
			if c.Key == "private_share" && c.OK {
				t.Errorf("6 of 10 private passes the 70%% rule")
			}
		}
		want(t, mapo.API(t, "PUT", base+"/application"+q, application(10, 7)), 200, "")
		d = get(mapo)
		for _, c := range d.Checks {
			if !c.OK {
				t.Errorf("entry condition %s not met", c.Key)
			}
		}
		want(t, city.API(t, "GET", base+q, nil), 200, "")
		want(t, finance.API(t, "GET", base+q, nil), 403, "forbidden")
		want(t, other.API(t, "GET", base+q, nil), 403, "forbidden")
		want(t, mapo.API(t, "POST", base+"/versions"+q, version("draft", 1_000_000_000, 700_000_000)), 409, "conflict")
		want(t, mapo.API(t, "POST", base+"/submit"+q, nil), 200, "")
		want(t, mapo.API(t, "PUT", base+"/application"+q, application(10, 7)), 409, "conflict")
		want(t, city.API(t, "POST", "/api/v1/district-plans/share"+q, nil), 200, "")
		want(t, mapo.API(t, "POST", "/api/v1/district-plans/share"+q, nil), 403, "forbidden")
		want(t, finance.API(t, "GET", base+q, nil), 200, "")
	})

	t.Run("committee of at most ten", func(t *testing.T) {
		for i := 1; i <= 10; i++ {
			kind := []string{"official", "civil_society", "expert"}[i%3]
			want(t, city.API(t, "POST", "/api/v1/district-plans/committee"+q, map[string]any{"name": fmt.Sprintf("위원%d", i), "kind": kind}), 201, "")
		}
		want(t, city.API(t, "POST", "/api/v1/district-plans/committee"+q, map[string]any{"name": "열한째", "kind": "expert"}), 409, "conflict")
		want(t, mapo.API(t, "POST", "/api/v1/district-plans/committee"+q, map[string]any{"name": "구", "kind": "expert"}), 403, "forbidden")
		if _, err := e.DB.Pool.Exec(t.Context(), `INSERT INTO dp_committee (year, seq, name, kind) VALUES (2027, 11, 'x', 'expert')`); err == nil {
			t.Error("the database took an eleventh member")
		}
	})
	var members struct {
		Members []struct{ ID string } `json:"members"`
	}
	city.API(t, "GET", "/api/v1/district-plans/committee"+q, nil).JSON(t, &members)

	opinion := func(round string, member int) string {
		t.Helper()
		res := city.API(t, "POST", base+"/rounds/"+round+"/opinions"+q, map[string]any{"member_id": members.Members[member].ID,
			"checks": []string{"private_share", "both_plans"}, "opinion": "공론장 기록을 보완해 주세요."})
		want(t, res, 201, "")
		var o struct{ ID string }
		res.JSON(t, &o)
		return o.ID
	}
	answer := func(id string) {
		t.Helper()
		want(t, other.API(t, "POST", base+"/opinions/"+id+"/answer"+q, map[string]any{"answer": "x"}), 403, "forbidden")
		want(t, mapo.API(t, "POST", base+"/opinions/"+id+"/answer"+q, map[string]any{"answer": "공론장 2회 추가했습니다."}), 200, "")
	}
	round := func(n int, date string) string {
		t.Helper()
		res := city.API(t, "POST", base+"/rounds"+q, map[string]any{"round": n, "meeting_on": date})
		want(t, res, 201, "")
		var r struct{ ID string }
		res.JSON(t, &r)
		return r.ID
	}

	t.Run("versions and rounds", func(t *testing.T) {
		want(t, mapo.API(t, "POST", base+"/versions"+q, version("adjusted", 1_000_000_000, 700_000_000)), 409, "conflict")
		want(t, mapo.API(t, "POST", base+"/versions"+q, version("draft", 1_000_000_000, 600_000_000)), 201, "")
		want(t, mapo.API(t, "POST", base+"/rounds"+q, map[string]any{"round": 0, "meeting_on": "2027-07-10"}), 403, "forbidden")
		want(t, city.API(t, "POST", base+"/rounds"+q, map[string]any{"round": 1, "meeting_on": "2027-07-10"}), 409, "conflict")
		r0 := round(0, "2027-07-10")
		o := opinion(r0, 0)
		opinion(r0, 1)
		want(t, city.API(t, "POST", base+"/rounds"+q, map[string]any{"round": 1, "meeting_on": "2027-08-05"}), 409, "conflict") // needs the 조정안
		want(t, mapo.API(t, "POST", base+"/versions"+q, version("adjusted", 1_000_000_000, 700_000_000)), 201, "")
		d := get(mapo)
		if len(d.Versions) != 2 || d.Versions[0].Stage != "draft" || d.Versions[1].Stage != "adjusted" {
			t.Fatalf("versions %+v", d.Versions)
		}
		for _, c := range d.Versions[0].Checks {
			if c.Key == "sectoral_share" && c.OK {
				t.Error("the draft's 60% passes the 70% check")
			}
		}
		var diff struct {
			Changes []struct{ Field, From, To string } `json:"changes"`
		}
		mapo.API(t, "GET", base+"/diff"+q+"&from=1&to=2", nil).JSON(t, &diff)
		fields := ""
		for _, c := range diff.Changes {
			fields += c.Field + " "
		}
		if fields != "stage project " {
			t.Errorf("diff v1→v2: %q (%+v)", fields, diff.Changes)
		}
		answer(o)
		round(1, "2027-08-05")
		round(2, "2027-08-15")
		r3 := round(3, "2027-08-25")
		want(t, city.API(t, "POST", base+"/rounds"+q, map[string]any{"round": 4, "meeting_on": "2027-08-30"}), 409, "conflict")
		if _, err := e.DB.Pool.Exec(t.Context(), `INSERT INTO dp_rounds (application_id, round, version_id, meeting_on)
			SELECT application_id, 4, id, '2027-08-30' FROM dp_plan_versions LIMIT 1`); err == nil {
			t.Error("the database took a fourth round")
		}
		opinion(r3, 2)
	})

	t.Run("approval and agreement", func(t *testing.T) {
		want(t, city.API(t, "POST", base+"/approve"+q, map[string]any{"note": "참여예산 총회"}), 409, "conflict") // no 최종안
		want(t, mapo.API(t, "POST", base+"/versions"+q, version("final", 1_000_000_000, 750_000_000)), 201, "")
		want(t, city.API(t, "POST", base+"/approve"+q, map[string]any{"note": "참여예산 총회"}), 409, "conflict") // unanswered
		want(t, city.API(t, "POST", base+"/agreement"+q, map[string]any{"agreement_on": "2027-12-15", "parties": "협치마포구회의, 서울특별시장"}), 409, "conflict")
		d := get(mapo)
		for _, r := range d.Rounds {
			for _, o := range r.Opinions {
				if o.Answer == "" {
					answer(o.ID)
				}
			}
		}
		want(t, mapo.API(t, "POST", base+"/approve"+q, map[string]any{"note": "x"}), 403, "forbidden")
		want(t, city.API(t, "POST", base+"/approve"+q, map[string]any{"note": "2027 참여예산 총회"}), 200, "")
		want(t, mapo.API(t, "POST", base+"/versions"+q, version("final", 1_000_000_000, 750_000_000)), 409, "conflict")
		want(t, city.API(t, "POST", base+"/agreement"+q, map[string]any{"agreement_on": "2027-12-15", "parties": "협치마포구회의 민·관 대표, 서울특별시장"}), 200, "")
		d = get(finance)
		if d.Application.ApprovedAt == nil || d.Application.AgreementOn == nil || *d.Application.AgreementOn != "2027-12-15" {
			t.Errorf("approval %+v", d.Application)
		}
		var actions []string
		for _, ev := range d.Events {
			actions = append(actions, ev.Action)
		}
		if got := strings.Join(actions, " "); !strings.HasPrefix(got, "submit share version round opinion opinion") || !strings.HasSuffix(got, "approve agreement") {
			t.Errorf("history: %s", got)
		}
	})

	t.Run("overview with late flags", func(t *testing.T) {
		// 종로구 applies for 2026, whose dates have all passed: late.
		want(t, other.API(t, "PUT", "/api/v1/district-plans/"+url.PathEscape("종로구")+"/application?year=2026", application(3, 3)), 200, "")
		want(t, other.API(t, "POST", "/api/v1/district-plans/"+url.PathEscape("종로구")+"/submit?year=2026", nil), 200, "")
		var ov struct {
			Districts []struct {
				District string   `json:"district"`
				Stage    string   `json:"stage"`
				Rounds   int      `json:"rounds"`
				ChecksOK bool     `json:"checks_ok"`
				Late     []string `json:"late"`
			} `json:"districts"`
		}
		city.API(t, "GET", "/api/v1/district-plans?year=2026", nil).JSON(t, &ov)
		if len(ov.Districts) != 25 || ov.Districts[0].District != "종로구" {
			t.Fatalf("overview: %d rows, first %+v", len(ov.Districts), ov.Districts)
		}
		if got := strings.Join(ov.Districts[0].Late, " "); got != "application draft adjusted final approval" {
			t.Errorf("종로구 2026 late: %q", got)
		}
		city.API(t, "GET", "/api/v1/district-plans"+q, nil).JSON(t, &ov)
		for _, r := range ov.Districts {
			if r.District == "마포구" && (r.Stage != "final" || r.Rounds != 4 || !r.ChecksOK || len(r.Late) != 0) {
				t.Errorf("마포구 2027: %+v", r)
			}
		}
		var mine struct {
			Districts []struct{ District string } `json:"districts"`
		}
		mapo.API(t, "GET", "/api/v1/district-plans"+q, nil).JSON(t, &mine)
		if len(mine.Districts) != 1 || mine.Districts[0].District != "마포구" {
			t.Errorf("a district sees %+v", mine.Districts)
		}
		want(t, dong.API(t, "GET", "/api/v1/district-plans"+q, nil), 403, "forbidden")
	})
}

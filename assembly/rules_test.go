package assembly_test

import (
	"strings"
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// The voting rules beyond "up to N": exactly N, who may register, the
// turnout minimum — checked, kept, and frozen once voting opens.
func TestAPIVotingRules(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a := createAssembly(t, h, assemblyBody())
	path := "/api/v1/assemblies/" + a.ID
	type rules struct {
		MinChoices        int      `json:"min_choices"`
		MaxChoices        int      `json:"max_choices"`
		MinAge            int      `json:"min_age"`
		Eligible          []string `json:"eligible"`
		Residents         *int     `json:"residents"`
		MinTurnoutPercent *float64 `json:"min_turnout_percent"`
	}
	var got rules
	h.API(t, "GET", path, nil).JSON(t, &got)
	if got.MinChoices != 1 || got.MinAge != 0 || got.Eligible == nil || len(got.Eligible) != 0 ||
		got.Residents != nil || got.MinTurnoutPercent != nil {
		t.Errorf("defaults: %+v (want min 1, no age, eligible [], no residents, no minimum)", got)
	}

	t.Run("bad rules say which field", func(t *testing.T) {
		wantError(t, h.API(t, "PATCH", path, map[string]any{"min_choices": 4}), 422, "invalid", "min_choices")
		wantError(t, h.API(t, "PATCH", path, map[string]any{"min_age": -1}), 422, "invalid", "min_age")
		wantError(t, h.API(t, "PATCH", path, map[string]any{"eligible": []string{"resident", "tourist"}}), 422, "invalid", "eligible")
		wantError(t, h.API(t, "PATCH", path, map[string]any{"min_turnout_percent": 0.5}), 422, "invalid", "residents")
		wantError(t, h.API(t, "PATCH", path, map[string]any{"residents": 20000, "min_turnout_percent": 0}), 422, "invalid", "min_turnout_percent")
		wantError(t, h.API(t, "PATCH", path, map[string]any{"residents": 20000, "min_turnout_percent": 100.5}), 422, "invalid", "min_turnout_percent")
		var now rules
		h.API(t, "GET", path, nil).JSON(t, &now)
		if now.MinChoices != 1 || len(now.Eligible) != 0 || now.Residents != nil {
			t.Errorf("a refused change was written: %+v", now)
		}
	})
	t.Run("exactly three, eligibility, minimum turnout", func(t *testing.T) {
		res := h.API(t, "PATCH", path, map[string]any{"min_choices": 3, "max_choices": 3, "min_age": 14,
			"eligible": []string{"worker", "resident", "resident"}, "residents": 21500, "min_turnout_percent": 0.5})
		if res.Status != 200 {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
		var now rules
		h.API(t, "GET", path, nil).JSON(t, &now)
		if now.MinChoices != 3 || now.MaxChoices != 3 || now.MinAge != 14 || len(now.Eligible) != 2 ||
			now.Eligible[0] != "resident" || now.Eligible[1] != "worker" || now.Residents == nil ||
			*now.Residents != 21500 || now.MinTurnoutPercent == nil || *now.MinTurnoutPercent != 0.5 {
			t.Errorf("kept: %+v", now)
		}
	})
	t.Run("the database refuses what the service would", func(t *testing.T) {
		for _, sql := range []string{
			`UPDATE assemblies SET min_choices = max_choices + 1 WHERE id = $1`,
			`UPDATE assemblies SET eligible = '{tourist}' WHERE id = $1`,
			`UPDATE assemblies SET residents = NULL WHERE id = $1`, // a minimum without residents
		} {
			if _, err := e.DB.Pool.Exec(t.Context(), sql, a.ID); err == nil {
				t.Errorf("%s: accepted", sql)
			}
		}
	})
	addAgenda(t, h, a.ID, map[string]any{"title": "의제 하나", "cost": 5_000_000})
	setState(t, e, a.ID, "open")
	t.Run("frozen once voting opens", func(t *testing.T) {
		for _, change := range []map[string]any{{"min_choices": 1}, {"min_age": 19}, {"eligible": []string{}},
			{"min_turnout_percent": 1}, {"residents": 30000}} {
			wantError(t, h.API(t, "PATCH", path, change), 409, "conflict", "")
		}
	})
}

// The year's other roles list no assemblies (drafts included): a
// department, a monitor and finance reach agendas through their own pages.
func TestOtherRolesListNoAssemblies(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	createAssembly(t, h, assemblyBody())
	dep := e.NewDepartmentHost(t, "마포구", "공원녹지과")
	for _, other := range []*servertest.Host{dep, e.NewHost(t, account.RoleMonitor, "마포구", ""), e.NewHost(t, account.RoleFinance, "", "")} {
		res := other.API(t, "GET", "/api/v1/assemblies", nil)
		if res.Status != 200 || strings.Contains(string(res.Body), "성산1동") {
			t.Errorf("%s lists: %d %s", other.User.Role, res.Status, res.Body)
		}
		if res := other.Get(t, "/host"); res.Status != 200 || strings.Contains(string(res.Body), "2027 성산1동 마을총회") {
			t.Errorf("%s home: %d", other.User.Role, res.Status)
		}
	}
}

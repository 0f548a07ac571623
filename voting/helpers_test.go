package voting_test

import (
	"context"
	"fmt"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
	"maeul/voting"
)

// vote is a running server with one assembly, its dong host and agendas.
type vote struct {
	e       *servertest.Env
	a       *assembly.Assembly
	agendas []assembly.Agenda
	host    *servertest.Host
}

func setup(t *testing.T, o servertest.FixtureOptions, open bool) *vote {
	t.Helper()
	e := servertest.Start(t)
	a, gs := e.Fixture(t, o)
	v := &vote{e: e, a: a, agendas: gs, host: e.NewHost(t, account.RoleDong, a.District, a.Dong)}
	if open {
		v.open(t)
	}
	return v
}

func (v *vote) path(s string) string { return fmt.Sprintf("/api/v1/assemblies/%d%s", v.a.ID, s) }

func (v *vote) open(t *testing.T) {
	t.Helper()
	r := v.host.API(t, "POST", v.path("/open"), nil)
	if r.Status != 200 {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
}

func (v *vote) codes(t *testing.T, n int, channel string) []voting.IssuedCode {
	t.Helper()
	r := v.host.API(t, "POST", v.path("/codes"), map[string]any{"count": n, "channel": channel})
	if r.Status != 201 {
		t.Fatalf("issue codes: %d %s", r.Status, r.Body)
	}
	var out struct{ Codes []voting.IssuedCode }
	r.JSON(t, &out)
	if len(out.Codes) != n {
		t.Fatalf("asked for %d codes, got %d", n, len(out.Codes))
	}
	return out.Codes
}

func (v *vote) ids(idx ...int) []string {
	var out []string
	for _, i := range idx {
		out = append(out, v.agendas[i].IDString())
	}
	return out
}

func (v *vote) ballot(t *testing.T, code, nonce string, choices []string) *servertest.Response {
	t.Helper()
	return v.e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": v.a.Slug, "code": code, "choices": choices, "nonce": nonce})
}

func (v *vote) count(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := v.e.DB.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (v *vote) ballots(t *testing.T) int64 {
	return v.count(t, `SELECT (SELECT count(*) FROM ballots WHERE assembly_id = $1) + (SELECT count(*) FROM pending_ballots WHERE assembly_id = $1)`, v.a.ID)
}

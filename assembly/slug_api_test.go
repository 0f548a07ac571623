package assembly_test

import (
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// TestSlugFromDong: an assembly's address is its dong and year, with -2,
// -3 … for a dong's next assemblies of the year; a chosen slug still wins.
func TestSlugFromDong(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	var got []string
	for range 3 {
		got = append(got, createAssembly(t, h, assemblyBody()).Slug)
	}
	if got[0] != "seongsan1-2027" || got[1] != "seongsan1-2027-2" || got[2] != "seongsan1-2027-3" {
		t.Fatalf("slugs %v", got)
	}
	b := assemblyBody()
	b["starts_at"], b["ends_at"] = "2028-07-15T14:00:00+09:00", "2028-07-15T17:00:00+09:00"
	delete(b, "online_from")
	delete(b, "online_until")
	if s := createAssembly(t, h, b).Slug; s != "seongsan1-2028" {
		t.Fatalf("next year's slug %q", s)
	}
	m := e.NewHost(t, account.RoleDong, "마포구", "망원2동")
	b = assemblyBody()
	b["district"], b["dong"] = "마포구", "망원2동"
	if s := createAssembly(t, m, b).Slug; s != "mangwon2-2027" {
		t.Fatalf("망원2동's slug %q", s)
	}
}

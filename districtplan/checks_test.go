package districtplan_test

import (
	"testing"
	"time"

	"maeul/districtplan"
)

func checkOf(cs []districtplan.Check, key string) districtplan.Check {
	for _, c := range cs {
		if c.Key == key {
			return c
		}
	}
	return districtplan.Check{Key: "missing:" + key}
}

// The guideline's limits hold exactly at their boundaries: 70 % of the
// grant in sector projects passes, a won less fails; 10억 and 2억 pass, a
// won more fails; 7 of 10 private members pass, 699 of 1000 fail.
func TestChecksAtTheBoundaries(t *testing.T) {
	v := func(grant, sectoral, integration int64) *districtplan.Version {
		return &districtplan.Version{VersionInput: districtplan.VersionInput{BasicPlan: "기본", Institutional: "제도",
			PBSupport: "지원", NextYear: "다음", ProposalsNote: "반영", CityGrant: grant, IntegrationCost: integration,
			Projects: []districtplan.Project{{Title: "사업", Kind: 1, Budget: sectoral}}}}
	}
	for _, tc := range []struct {
		name               string
		grant, sect, integ int64
		key                string
		want               bool
	}{
		{"70% exactly", 1_000_000_000, 700_000_000, 0, "sectoral_share", true},
		{"a won short of 70%", 1_000_000_000, 699_999_999, 0, "sectoral_share", false},
		{"more than the grant", 500_000_000, 500_000_001, 0, "sectoral_share", false},
		{"no grant", 0, 0, 0, "sectoral_share", false},
		{"grant at the cap", 1_000_000_000, 900_000_000, 0, "grant_cap", true},
		{"grant a won over", 1_000_000_001, 900_000_000, 0, "grant_cap", false},
		{"integration at the cap", 1_000_000_000, 900_000_000, 200_000_000, "integration_cap", true},
		{"integration a won over", 1_000_000_000, 900_000_000, 200_000_001, "integration_cap", false},
	} {
		if got := checkOf(districtplan.PlanChecks(v(tc.grant, tc.sect, tc.integ)), tc.key); got.OK != tc.want {
			t.Errorf("%s: %s = %v (%s), want %v", tc.name, tc.key, got.OK, got.Note, tc.want)
		}
	}
	good := v(1_000_000_000, 700_000_000, 200_000_000)
	if !districtplan.AllOK(districtplan.PlanChecks(good)) {
		t.Errorf("a plan at every limit should pass: %+v", districtplan.PlanChecks(good))
	}
	if n := checkOf(districtplan.PlanChecks(good), "sectoral_share").Note; n != "700,000,000/1,000,000,000 = 70.0%" {
		t.Errorf("note %q", n)
	}
	missing := v(1_000_000_000, 800_000_000, 0)
	missing.PBSupport, missing.Projects = "", nil
	cs := districtplan.PlanChecks(missing)
	if checkOf(cs, "pb_support").OK || checkOf(cs, "action_plan").OK || !checkOf(cs, "basic_plan").OK {
		t.Errorf("mandatory parts: %+v", cs)
	}

	people := func(private, public int) []districtplan.Person {
		var ps []districtplan.Person
		for i := 0; i < private+public; i++ {
			s := "private"
			if i >= private {
				s = "public"
			}
			ps = append(ps, districtplan.Person{Name: "위원", Group: "governance_council", Sector: s})
		}
		// Others do not count toward the council's share.
		return append(ps, districtplan.Person{Name: "구의원", Group: "district_councillor", Sector: "councillor"})
	}
	for _, tc := range []struct {
		private, public int
		want            bool
	}{{7, 3, true}, {699, 301, false}, {700, 300, true}, {0, 0, false}} {
		a := &districtplan.Application{Year: 2027, ApplicationInput: districtplan.ApplicationInput{People: people(tc.private, tc.public)}}
		if got := checkOf(districtplan.ApplicationChecks(a), "private_share"); got.OK != tc.want {
			t.Errorf("%d private of %d: %v (%s), want %v", tc.private, tc.private+tc.public, got.OK, got.Note, tc.want)
		}
	}
	// The 수립계획서 must be coordinated by 4.20 (Seoul): that day passes, the next fails.
	seoul, _ := time.LoadLocation("Asia/Seoul")
	for _, tc := range []struct {
		day  time.Time
		want bool
	}{{time.Date(2027, 4, 20, 23, 59, 0, 0, seoul), true}, {time.Date(2027, 4, 21, 0, 0, 0, 0, seoul), false}} {
		a := &districtplan.Application{Year: 2027, ApplicationInput: districtplan.ApplicationInput{PlanFiled: true, PlanFiledOn: &tc.day}}
		if got := checkOf(districtplan.ApplicationChecks(a), "plan_filed"); got.OK != tc.want {
			t.Errorf("filed %v: %v, want %v", tc.day, got.OK, tc.want)
		}
	}
}

package selection

import (
	"testing"
	"time"

	"maeul/format"
)

func TestLateAroundMarch31(t *testing.T) {
	due := DefaultDue(2026, StepSelection)
	if due.Month() != time.March || due.Day() != 31 {
		t.Fatalf("selection due %v, want 3.31 (동선정 ~3.31)", due)
	}
	for _, c := range []struct {
		at   time.Time
		late bool
	}{
		{time.Date(2026, 3, 31, 0, 0, 0, 0, seoul), false},
		{time.Date(2026, 3, 31, 23, 59, 59, 0, seoul), false},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, seoul), true},
		// 3.31 23:30 in Seoul is 3.31 14:30 UTC: on time; 4.1 00:30 Seoul is still 3.31 in UTC: late.
		{time.Date(2026, 3, 31, 14, 30, 0, 0, time.UTC), false},
		{time.Date(2026, 3, 31, 15, 30, 0, 0, time.UTC), true},
	} {
		if got := format.Late(due, c.at); got != c.late {
			t.Errorf("format.Late(3.31, %v) = %v, want %v", c.at, got, c.late)
		}
	}
	want := map[string]string{StepApplication: "03-31", StepSelection: "03-31", StepOrganisation: "04-30", StepSurvey: "04-30",
		StepReviews: "06-17", StepDrafts: "06-30", StepBooklet: "07-17", StepAssembly: "07-17", StepSubmission: "07-17"}
	for _, st := range Steps {
		if got := DefaultDue(2026, st).Format("01-02"); got != want[st] {
			t.Errorf("%s due %s, want %s", st, got, want[st])
		}
	}
}

func TestSeedRowsAndCommitteeRule(t *testing.T) {
	// The ten 운영계획 rows of 서식 2-1, as the seed writes them, in order.
	labels := []string{"동회의 운영의 충실성", "주민인식 제고 및 참여 확대", "주민 역량강화 방안", "지역회의 운영절차 전반",
		"주민의견 숙의과정", "주민제안사업 검토절차", "최종 사업선정 방식", "민관 파트너십", "운영비 확보", "기타 행정 지원"}
	if len(Items) != len(labels) {
		t.Fatalf("%d rows, want 10", len(Items))
	}
	for i, it := range Items {
		if it.Label != labels[i] {
			t.Errorf("row %d %q, want %q", i+1, it.Label, labels[i])
		}
	}
	quota := 0
	for _, g := range Groups {
		quota += g.Districts * g.Quota
	}
	if quota != PlannedDongs {
		t.Fatalf("groups give %d dongs, the plan 80", quota)
	}
	heads := []Member{{Role: RoleBudgetHead}, {Role: RoleVillageHead}, {Role: RoleAutonomyHead}}
	if r := checkCommittee(heads, false); r.OK || len(r.Missing) != 1 || r.Missing[0] != RolePBMember {
		t.Fatalf("no 참여예산위원: %+v", r)
	}
	if r := checkCommittee(heads, true); !r.OK {
		t.Fatalf("참여예산위원회 구성 전: %+v", r)
	}
	eleven := append(append([]Member{}, heads...), make([]Member, 8)...)
	if r := checkCommittee(eleven, true); r.OK {
		t.Fatal("11 members pass")
	}
}

package selection

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Neutralize defuses a cell a spreadsheet would read as a formula (starting
// with = + - @, a tab or a carriage return) with a leading apostrophe.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ReportLabels are 서식 2-2's fields, verbatim from the seed, in order.
var ReportLabels = []string{"자치구", "부서명", "팀 장", "담당자", "성 명", "연락처", "심의결과", "일 시", "장 소", "심의위원",
	"심의결과", "미선정동 조치계획", "심의결과 순위", "순 위", "해당동"}

// MemberRoleLabel is how 서식 2-2 names a member ("예산과장, 마을과장, 자치과장, 000").
func MemberRoleLabel(m Member) string {
	switch m.Role {
	case RoleBudgetHead:
		return "참여예산 부서장"
	case RoleVillageHead:
		return "마을 부서장"
	case RoleAutonomyHead:
		return "자치 부서장"
	case RolePBMember:
		return "참여예산위원"
	}
	if m.Sector == SectorAdmin {
		return "행정"
	}
	return "민간"
}

// MembersLine is 서식 2-2's 심의위원 line: "N명 - 이름(직위), …".
func (r *Report) MembersLine() string {
	parts := make([]string, len(r.Members))
	for i, m := range r.Members {
		t := m.Title
		if t == "" {
			t = MemberRoleLabel(m)
		}
		parts[i] = m.Name + "(" + t + ")"
	}
	return fmt.Sprintf("%d명 - %s", len(r.Members), strings.Join(parts, ", "))
}

// ResultLine is "N개 접수, M개 선정".
func (r *Report) ResultLine() string {
	return fmt.Sprintf("%d개 접수, %d개 선정", r.Received, r.Selected)
}

// HeldLine is the meeting's date and time as the report prints it.
func (r *Report) HeldLine() string {
	if r.HeldAt == nil {
		if r.Skipped {
			return "심의 생략 (찾동 마을계획 동만 접수)"
		}
		return ""
	}
	return r.HeldAt.In(seoul).Format("2006. 1. 2. 15:04")
}

// XLSX writes 서식 2-2 as one sheet; every text cell is a string, neutralised.
func (r *Report) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "심의결과 보고서"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	row := 1
	put := func(cells ...string) error {
		for i, v := range cells {
			name, _ := excelize.CoordinatesToCellName(i+1, row)
			if err := f.SetCellStr(sh, name, Neutralize(v)); err != nil {
				return err
			}
		}
		row++
		return nil
	}
	steps := [][]string{
		{"서식 2-2", "시민참여예산 동단위 계획형 심의결과 보고서"},
		{"자치구", r.District, "부서명", r.Department},
		{"팀 장", "성 명", r.LeadName, "연락처", r.LeadPhone},
		{"담당자", "성 명", r.StaffName, "연락처", r.StaffPhone},
		{"□ 심의결과"},
		{"일 시", r.HeldLine()},
		{"장 소", r.Place},
		{"심의위원", r.MembersLine()},
		{"심의결과", r.ResultLine()},
		{"미선정동 조치계획", r.NoActionPlan},
		{"심의결과 순위"},
		{"순 위", "해당동", "찾동 마을계획", "평균 점수", "선정"},
	}
	for _, s := range steps {
		if err := put(s...); err != nil {
			return nil, err
		}
	}
	for _, a := range r.Ranking {
		score := ""
		if a.Score != nil {
			score = fmt.Sprintf("%.2f", *a.Score)
		}
		chat, sel := "", "미선정"
		if a.Chatdong {
			chat = "찾동"
		}
		if a.Selected != nil && *a.Selected {
			sel = "선정"
		}
		rank := 0
		if a.Rank != nil {
			rank = *a.Rank
		}
		name, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetCellInt(sh, name, int64(rank)); err != nil {
			return nil, err
		}
		for i, v := range []string{a.Dong, chat, score, sel} {
			name, _ := excelize.CoordinatesToCellName(i+2, row)
			if err := f.SetCellStr(sh, name, Neutralize(v)); err != nil {
				return nil, err
			}
		}
		row++
	}
	f.SetColWidth(sh, "A", "A", 18)
	f.SetColWidth(sh, "B", "E", 24)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

package execution

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"

	"github.com/xuri/excelize/v2"

	"maeul/account"
	"maeul/result"
)

// ProgressLine is one dong's execution at a glance.
type ProgressLine struct {
	District  string `json:"district"`
	Dong      string `json:"dong"`
	Agendas   int    `json:"agendas"`  // handed over
	Approved  int    `json:"approved"` // 승인 or 조건부 승인
	Rejected  int    `json:"rejected"`
	Pending   int    `json:"pending"`
	Planned   int    `json:"planned"` // 세부실행계획 recorded
	Planning  int    `json:"planning"`
	Running   int    `json:"running"`
	Done      int    `json:"done"`
	Stopped   int    `json:"stopped"`
	PlanLate  int    `json:"plan_late"`
	FinalLate int    `json:"final_late"`
	Cost      int64  `json:"cost"`
	Spent     int64  `json:"spent"`
}

// Progress is the year's execution across dongs, as far as u may see.
type Progress struct {
	Year   int            `json:"year"`
	Lines  []ProgressLine `json:"dongs"`
	Totals ProgressLine   `json:"totals"`
}

// Progress counts the year's agendas per dong (district "" : all u sees).
func (s *Service) Progress(ctx context.Context, u *account.User, year int, district string) (*Progress, []Approval, error) {
	if u == nil {
		return nil, nil, account.Forbid()
	}
	list, err := s.Approvals(ctx, u, year, district, "")
	if err != nil {
		return nil, nil, err
	}
	p := &Progress{Year: year, Lines: []ProgressLine{}}
	idx := map[string]int{}
	for _, a := range list {
		k := a.District + "\x00" + a.Dong
		i, ok := idx[k]
		if !ok {
			i = len(p.Lines)
			idx[k] = i
			p.Lines = append(p.Lines, ProgressLine{District: a.District, Dong: a.Dong})
		}
		for _, l := range []*ProgressLine{&p.Lines[i], &p.Totals} {
			l.add(a)
		}
	}
	return p, list, nil
}

func (l *ProgressLine) add(a Approval) {
	l.Agendas++
	switch a.Decision {
	case DecisionPending:
		l.Pending++
	case DecisionRejected:
		l.Rejected++
	}
	if !a.Approved() {
		return
	}
	l.Approved++
	l.Cost += a.Cost
	l.Spent += a.Spent
	if a.PlanAt != nil {
		l.Planned++
	}
	switch a.Status {
	case StatusPlanning:
		l.Planning++
	case StatusRunning:
		l.Running++
	case StatusDone:
		l.Done++
	case StatusStopped:
		l.Stopped++
	}
	if a.PlanLate {
		l.PlanLate++
	}
	if a.FinalLate {
		l.FinalLate++
	}
}

// table writes rows under a header as an XLSX sheet: strings neutralised
// (a cell a spreadsheet would run as a formula gets an apostrophe), numbers
// as numbers, the header frozen.
func table(sheet string, header []string, rows [][]any) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	hs := make([]any, len(header))
	for i, h := range header {
		hs[i] = h
		c, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(sheet, c, c, 14)
	}
	if err := f.SetSheetRow(sheet, "A1", &hs); err != nil {
		return nil, err
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	f.SetCellStyle(sheet, "A1", last+"1", bold)
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, v := range r {
			if s, ok := v.(string); ok {
				v = result.Neutralize(s)
			}
			vals[j] = v
		}
		if err := f.SetSheetRow(sheet, "A"+strconv.Itoa(i+2), &vals); err != nil {
			return nil, err
		}
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, wrap("xlsx", err)
	}
	return buf.Bytes(), nil
}

// csvTable writes rows as UTF-8 CSV with a byte-order mark, neutralised.
func csvTable(header []string, rows [][]any) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write(header)
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, v := range r {
			switch x := v.(type) {
			case string:
				cells[i] = result.Neutralize(x)
			case int:
				cells[i] = strconv.Itoa(x)
			case int64:
				cells[i] = strconv.FormatInt(x, 10)
			case bool:
				cells[i] = strconv.FormatBool(x)
			case nil:
			}
		}
		w.Write(cells)
	}
	w.Flush()
	return buf.Bytes()
}

// ProgressHeader is the progress export's header.
var ProgressHeader = []string{"자치구", "동", "순위", "사업명", "사업비(원)", "실행부서", "결정", "조건", "심의일",
	"상태", "착수일", "완료일", "세부실행계획", "계획 지연", "보고", "집행액(원)", "최종보고 지연"}

// ProgressXLSX writes the agendas u sees, one row each.
func ProgressXLSX(list []Approval) ([]byte, error) {
	rows := make([][]any, 0, len(list))
	for _, a := range list {
		plan := dayString(a.PlanAgreedOn)
		rows = append(rows, []any{a.District, a.Dong, a.Rank, a.Title, a.Cost, a.Department, DecisionLabel(a.Decision),
			a.Conditions, dayString(a.MeetingDate), StatusLabel(a.Status), dayString(a.StartedOn), dayString(a.FinishedOn), plan,
			yesNo(a.PlanLate), joinKinds(a.Reports), a.Spent, yesNo(a.FinalLate)})
	}
	return table("실행 현황", ProgressHeader, rows)
}
